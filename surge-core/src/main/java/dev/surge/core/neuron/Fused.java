package dev.surge.core.neuron;

import dev.surge.core.autograd.Var;
import dev.surge.core.surrogate.Surrogate;
import java.util.Map;

/**
 * The fused whole-sequence kernels, by model: {@link FusedLif} for {@link Lif}, {@link Synaptic} and {@link Alif}
 * (no refractory period), {@link FusedTwoVariable} for {@link Izhikevich} and {@link AdEx}. Every other model
 * (refractory LIF, custom ones) runs composed.
 */
public final class Fused {
    private Fused() {
    }

    /** Whether a fused kernel implements {@code model}. */
    public static boolean supports(NeuronModel<?> model) {
        return FusedLif.supports(model) || model instanceof Izhikevich || model instanceof AdEx;
    }

    /**
     * Spikes {@code [T, B, N]} of {@code model} for currents {@code [T, B, N]} by its fused kernel.
     *
     * @param recurrentWeights {@code V [N, N]} or null
     * @param learnt           the model's learnt parameters by name ({@code beta}, {@code threshold} for LIF)
     */
    public static Var forward(NeuronModel<?> model, Surrogate surrogate, Var currents, Var recurrentWeights,
                              Map<String, Var> learnt) {
        if (model instanceof Izhikevich iz) {
            return FusedTwoVariable.forward(iz.rule(), surrogate, currents, recurrentWeights);
        }
        if (model instanceof AdEx ad) {
            return FusedTwoVariable.forward(ad.rule(), surrogate, currents, recurrentWeights);
        }
        return FusedLif.forward(model, surrogate, currents, recurrentWeights, learnt.get("beta"),
                learnt.get("threshold"));
    }
}
