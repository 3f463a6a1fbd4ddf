package dev.surge.core.nn;

import dev.surge.core.neuron.SpikeFunction;
import dev.surge.core.tensor.RandomStream;

/**
 * How a forward pass runs: the backend (fused kernels or composed ops), training or evaluation mode, the random
 * stream (one key per batch row, so numbers do not depend on threads; each layer forks its own), and the spike
 * function the neuron models fire with.
 */
public record ForwardContext(Backend backend, boolean training, RandomStream random, SpikeFunction spikes) {
    public ForwardContext {
        if (backend == null || random == null || spikes == null) {
            throw new IllegalArgumentException("forward context: backend, random stream and spike function are "
                    + "required");
        }
    }

    /** Evaluation with Heaviside spikes and a stream seeded with 0. */
    public static ForwardContext eval(Backend backend) {
        return new ForwardContext(backend, false, RandomStream.of(0L), SpikeFunction.HEAVISIDE);
    }

    /** Training with Heaviside spikes and the given stream. */
    public static ForwardContext training(Backend backend, RandomStream random) {
        return new ForwardContext(backend, true, random, SpikeFunction.HEAVISIDE);
    }

    public ForwardContext withSpikes(SpikeFunction f) {
        return new ForwardContext(backend, training, random, f);
    }
}
