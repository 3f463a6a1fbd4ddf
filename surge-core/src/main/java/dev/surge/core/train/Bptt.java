package dev.surge.core.train;

import dev.surge.core.autograd.Var;
import dev.surge.core.loss.Targets;
import dev.surge.core.nn.ForwardContext;
import dev.surge.core.nn.Network;
import dev.surge.core.tensor.Tensor;

/** Backpropagation through time: reverse-mode differentiation of the whole unrolled forward pass. */
final class Bptt implements LearningRule {
    static final Bptt INSTANCE = new Bptt();

    private Bptt() {
    }

    @Override
    public Outcome apply(Network net, Var input, Targets targets, Objective objective, ForwardContext ctx,
                         float weight) {
        Network.Pass pass = net.forward(input, ctx);
        Var loss = objective.apply(pass, targets);
        input.tape().backward(loss, Tensor.scalar(weight));
        return new Outcome(pass, loss);
    }

    @Override
    public String toString() {
        return "bptt";
    }
}
