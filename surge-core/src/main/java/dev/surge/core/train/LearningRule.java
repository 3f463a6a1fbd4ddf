package dev.surge.core.train;

import dev.surge.core.autograd.Var;
import dev.surge.core.loss.Targets;
import dev.surge.core.nn.ForwardContext;
import dev.surge.core.nn.Network;

/**
 * How the parameter gradients of a batch are obtained: the trainer hands each chunk of a batch to the rule and then
 * adds the chunks' gradients (in chunk order) into the parameters, clips them and steps the optimizer. Backpropagation
 * through time ({@link #bptt()}) is one rule; online rules (e-prop) and gradient estimators (REINFORCE,
 * straight-through, stochastic surrogates) are others, and reuse the optimizers, the data pipeline, the divergence
 * guard and the training loop unchanged.
 */
public interface LearningRule {

    /**
     * Runs {@code net} on one chunk and leaves in the variables that the returned pass bound the parameters to
     * ({@link Network.Pass#accumulateGrads}) the chunk's gradient of {@code objective} times {@code weight}.
     *
     * @param input   the chunk's input {@code [T, b, inputs]} on a fresh tape
     * @param ctx     training mode, backend, spike function and the chunk's random stream
     * @param weight  the chunk's share of the batch ({@code b / B}): the batch gradient is the sum over chunks
     * @return the pass (outputs and bound parameters) and the chunk's objective value
     */
    Outcome apply(Network net, Var input, Targets targets, Objective objective, ForwardContext ctx, float weight);

    /**
     * The forward pass the trainer evaluates with (validation, test, the loss of a batch it does not train on):
     * the network's own by default. A rule that streams through time overrides it, so that evaluating needs no more
     * memory than training; the outputs it gives must decode to the same predictions and give the same
     * {@code objective}.
     */
    default Network.Pass infer(Network net, Var input, ForwardContext ctx, Objective objective) {
        return net.forward(input, ctx);
    }

    /**
     * Bytes this rule keeps alive per sample of a batch while it works on it, for the memory check before a run:
     * BPTT's tape by default ({@link MemoryModel#perSample}).
     */
    default long bytesPerSample(Network net, int steps, long inputBytesPerSample) {
        return MemoryModel.perSample(net, steps, inputBytesPerSample);
    }

    /**
     * Called by the trainer, on its own thread, before the first batch of each epoch. Rules with state across batches
     * (a REINFORCE baseline) reset it here, so that an epoch's numbers do not depend on the epochs before it and a
     * resumed run repeats them bit for bit.
     */
    default void epochStarted(int epoch) {
    }

    /** Called by the trainer, on its own thread, after each batch's optimizer step, with the batch's mean loss. */
    default void batchDone(double batchLoss) {
    }

    /** A chunk's forward pass and objective. */
    record Outcome(Network.Pass pass, Var loss) {
    }

    /** Backpropagation through time: one forward pass on a tape, then {@code tape.backward} from the objective. */
    static LearningRule bptt() {
        return Bptt.INSTANCE;
    }
}
