package dev.surge.core.train;

import dev.surge.core.autograd.Var;
import dev.surge.core.loss.Loss;
import dev.surge.core.loss.Regularizer;
import dev.surge.core.loss.Targets;
import dev.surge.core.nn.Network;
import java.util.List;

/** What training minimises: a loss on the network's output plus regularisers on its layers' outputs. */
public record Objective(Loss loss, List<Regularizer> regularizers) {
    public Objective {
        if (loss == null) {
            throw new IllegalArgumentException("objective: loss is required");
        }
        regularizers = List.copyOf(regularizers);
    }

    /** The scalar objective of one forward pass. */
    public Var apply(Network.Pass pass, Targets targets) {
        Var l = loss.apply(pass.output(), targets);
        for (Regularizer r : regularizers) {
            l = l.add(r.apply(pass.outputs()));
        }
        return l;
    }

    /** Each sample's objective {@code [B]}; its batch mean is {@link #apply}. */
    public Var perSample(Network.Pass pass, Targets targets) {
        Var l = loss.perSample(pass.output(), targets);
        for (Regularizer r : regularizers) {
            l = l.add(r.perSample(pass.outputs()));
        }
        return l;
    }
}
