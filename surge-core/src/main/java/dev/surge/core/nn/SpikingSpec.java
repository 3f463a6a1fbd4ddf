package dev.surge.core.nn;

import dev.surge.core.neuron.EscapeNoise;
import dev.surge.core.neuron.Fused;
import dev.surge.core.neuron.Lif;
import dev.surge.core.neuron.NeuronModel;
import dev.surge.core.neuron.StpSpec;
import dev.surge.core.surrogate.Surrogate;

/**
 * A spiking layer: a dense projection {@code I_t = x_t·Wᵀ + b} (plus {@code s_{t−1}·Vᵀ} when recurrent, and
 * short-term plasticity on its input when {@code stp} is set) driving a neuron model. The model's equations are in
 * its own file ({@link Lif}, {@code Synaptic}, {@code Alif}, {@code Izhikevich}, {@code AdEx}, or a
 * {@code CustomNeuron} of yours).
 *
 * @param out       number of neurons
 * @param neuron    the neuron model
 * @param surrogate the surrogate derivative of the spike
 * @param recurrent whether the layer has recurrent weights {@code V [out, out]}
 * @param stp       short-term plasticity on the input, or null
 * @param stochastic escape noise ({@code s_t ~ Bernoulli(sig(k·(v_t − θ_t)))}), or null for deterministic spikes
 */
public record SpikingSpec(int out, NeuronModel<?> neuron, Surrogate surrogate, boolean recurrent, StpSpec stp,
                          EscapeNoise stochastic) implements LayerSpec {

    public SpikingSpec {
        if (out <= 0) {
            throw new IllegalArgumentException("spiking layer: out must be positive, got " + out);
        }
        if (neuron == null || surrogate == null) {
            throw new IllegalArgumentException("spiking layer: neuron model and surrogate are required");
        }
    }

    /** A deterministic layer. */
    public SpikingSpec(int out, NeuronModel<?> neuron, Surrogate surrogate, boolean recurrent, StpSpec stp) {
        this(out, neuron, surrogate, recurrent, stp, null);
    }

    /** {@link Lif#DEFAULT} neurons (β = 0.9, θ = 1, subtract reset detached), fast_sigmoid(25), feed-forward. */
    public static SpikingSpec lif(int out) {
        return of(out, Lif.DEFAULT);
    }

    /** {@code out} neurons of {@code model}, fast_sigmoid(25), feed-forward, no STP. */
    public static SpikingSpec of(int out, NeuronModel<?> model) {
        return new SpikingSpec(out, model, Surrogate.of("fast_sigmoid", 25f), false, null);
    }

    public SpikingSpec withNeuron(NeuronModel<?> model) {
        return new SpikingSpec(out, model, surrogate, recurrent, stp, stochastic);
    }

    public SpikingSpec withOut(int n) {
        return new SpikingSpec(n, neuron, surrogate, recurrent, stp, stochastic);
    }

    public SpikingSpec withSurrogate(Surrogate s) {
        return new SpikingSpec(out, neuron, s, recurrent, stp, stochastic);
    }

    public SpikingSpec withRecurrent(boolean r) {
        return new SpikingSpec(out, neuron, surrogate, r, stp, stochastic);
    }

    public SpikingSpec withStp(StpSpec s) {
        return new SpikingSpec(out, neuron, surrogate, recurrent, s, stochastic);
    }

    /** The same layer with escape noise {@code n} (null: deterministic). */
    public SpikingSpec withStochastic(EscapeNoise n) {
        return new SpikingSpec(out, neuron, surrogate, recurrent, stp, n);
    }

    /**
     * Whether a fused whole-sequence kernel implements this layer: deterministic spikes and a neuron model that
     * {@link Fused#supports}.
     */
    public boolean fusable() {
        return stochastic == null && Fused.supports(neuron);
    }
}
