package dev.surge.core.loss;

import dev.surge.core.autograd.Var;
import java.util.List;

/**
 * Penalties on a layer's spikes {@code [T, B, N]}, added to the loss, with {@code rate_i} the spike rate of neuron i
 * averaged over T and B. Every penalty here depends on the spikes only through their time average, so it gives the
 * same value and gradient on the time average {@code [1, B, N]}: e-prop relies on that to penalise spikes without
 * keeping them.
 */
public sealed interface Regularizer {

    /** The penalty, given every layer's output. */
    Var apply(List<Var> layerOutputs);

    /**
     * Each sample's share {@code [B]} of the penalty, whose batch mean is {@link #apply}.
     *
     * @throws IllegalArgumentException when the penalty is not a mean of per-sample terms
     */
    Var perSample(List<Var> layerOutputs);

    /** {@code weight · mean_i(rate_i)}. */
    record RateL1(int layer, float weight) implements Regularizer {
        @Override
        public Var apply(List<Var> outs) {
            return rates(outs, layer).mean().mul(weight);
        }

        @Override
        public Var perSample(List<Var> outs) {
            return output(outs, layer).mean(0, false).mean(1, false).mul(weight);
        }
    }

    /** {@code weight · mean_i((rate_i − target)²)}. */
    record Homeostasis(int layer, float targetRate, float weight) implements Regularizer {
        @Override
        public Var apply(List<Var> outs) {
            return rates(outs, layer).add(-targetRate).square().mean().mul(weight);
        }

        @Override
        public Var perSample(List<Var> outs) {
            throw new IllegalArgumentException("homeostasis penalises the batch's mean rate, which is not a sum of "
                    + "per-sample terms; use rate_l1 with this estimator");
        }
    }

    private static Var rates(List<Var> outs, int layer) {
        return output(outs, layer).mean(0, false).mean(0, false);
    }

    private static Var output(List<Var> outs, int layer) {
        if (layer < 0 || layer >= outs.size()) {
            throw new IllegalArgumentException("regulariser on layer " + layer + " but the network has "
                    + outs.size() + " layers");
        }
        return outs.get(layer);
    }
}
