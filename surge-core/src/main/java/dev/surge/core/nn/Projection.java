package dev.surge.core.nn;

import dev.surge.core.autograd.Var;
import dev.surge.core.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The synapses of a layer: how its input {@code [T, B, in]} becomes the input current {@code [T, B, out]} of its
 * neurons, and which parameters that takes. Separate from the neuron model, so that new kinds of connection
 * (convolutions, per-synapse delays) come as new projections and leave the models alone.
 */
public sealed interface Projection permits Dense {
    int inputs();

    int outputs();

    /**
     * The parameters with their initial values, by local name, drawn from {@code rng} in a fixed order (the
     * order of the map).
     */
    Map<String, Tensor> initialParameters(SplittableRandom rng);

    /** The current {@code [T, B, out]} for the input {@code x [T, B, in]}; {@code param} binds a parameter by name. */
    Var apply(Var x, Function<String, Var> param);

    /** Synaptic operations caused by one input event (a spike reaches this many targets). */
    long fanOut();
}
