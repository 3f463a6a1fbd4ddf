package dev.surge.core.nn;

import dev.surge.core.surrogate.Surrogate;

/**
 * A spiking layer. Per step, with input current {@code I_t = x_t·Wᵀ + b (+ s_{t−1}·Vᵀ if recurrent)}:
 * <pre>
 *   synaptic:  i_t = α·i_{t−1} + I_t, and i_t replaces I_t below
 *   r = s_{t−1}  (detached from the graph when detachReset)
 *   subtract:  v_t = β·v_{t−1} + I_t − θ·r
 *   zero:      v_t = β·v_{t−1}·(1 − r) + I_t
 *   none:      v_t = β·v_{t−1} + I_t
 *   alif:      a_t = ρ·a_{t−1} + s_{t−1},  θ_t = θ + adapt·a_t   (subtract still subtracts the base θ)
 *   s_t = H(v_t − θ_t), backward through the surrogate
 *   refractory R &gt; 0:  s_t ← s_t·(1 − Σ_{k=1..R} s_{t−k})  (not detached; suppressed spikes do not reset)
 * </pre>
 * IF is LIF with β = 1. With {@code learnBeta}/{@code learnThreshold}, β and θ are per-neuron parameters.
 *
 * @param kind        LIF (also IF), SYNAPTIC (current-based) or ALIF (adaptive threshold)
 * @param alpha       synaptic current decay (SYNAPTIC only)
 * @param rho         adaptation decay (ALIF only)
 * @param adapt       adaptation strength (ALIF only)
 * @param refractory  refractory period R in steps (0: none)
 * @param stp         short-term plasticity on the input, or null
 */
public record SpikingSpec(Kind kind, int out, float beta, float threshold, Reset reset, boolean detachReset,
                          Surrogate surrogate, boolean recurrent, boolean learnBeta, boolean learnThreshold,
                          int refractory, float alpha, float rho, float adapt, StpSpec stp) implements LayerSpec {

    /** The neuron family. */
    public enum Kind { LIF, SYNAPTIC, ALIF }

    public SpikingSpec {
        if (out <= 0) {
            throw new IllegalArgumentException("spiking layer: out must be positive, got " + out);
        }
        if (kind == null || reset == null || surrogate == null) {
            throw new IllegalArgumentException("spiking layer: kind, reset and surrogate are required");
        }
        if (refractory < 0) {
            throw new IllegalArgumentException("spiking layer: refractory period must be >= 0, got " + refractory);
        }
        if (!Float.isFinite(beta) || !Float.isFinite(threshold)) {
            throw new IllegalArgumentException("spiking layer: beta and threshold must be finite");
        }
    }

    /** LIF with β = 0.9, θ = 1, subtract reset (detached), fast_sigmoid(25), feed-forward. */
    public static SpikingSpec lif(int out) {
        return new SpikingSpec(Kind.LIF, out, 0.9f, 1f, Reset.SUBTRACT, true, Surrogate.of("fast_sigmoid", 25f),
                false, false, false, 0, 0f, 0f, 0f, null);
    }

    /** Integrate-and-fire: LIF with β = 1. */
    public static SpikingSpec integrateAndFire(int out) {
        return lif(out).withBeta(1f);
    }

    public SpikingSpec withKind(Kind k) {
        return new SpikingSpec(k, out, beta, threshold, reset, detachReset, surrogate, recurrent, learnBeta,
                learnThreshold, refractory, alpha, rho, adapt, stp);
    }

    public SpikingSpec withBeta(float b) {
        return new SpikingSpec(kind, out, b, threshold, reset, detachReset, surrogate, recurrent, learnBeta,
                learnThreshold, refractory, alpha, rho, adapt, stp);
    }

    public SpikingSpec withThreshold(float th) {
        return new SpikingSpec(kind, out, beta, th, reset, detachReset, surrogate, recurrent, learnBeta,
                learnThreshold, refractory, alpha, rho, adapt, stp);
    }

    public SpikingSpec withReset(Reset r, boolean detach) {
        return new SpikingSpec(kind, out, beta, threshold, r, detach, surrogate, recurrent, learnBeta,
                learnThreshold, refractory, alpha, rho, adapt, stp);
    }

    public SpikingSpec withSurrogate(Surrogate s) {
        return new SpikingSpec(kind, out, beta, threshold, reset, detachReset, s, recurrent, learnBeta,
                learnThreshold, refractory, alpha, rho, adapt, stp);
    }

    public SpikingSpec withRecurrent(boolean r) {
        return new SpikingSpec(kind, out, beta, threshold, reset, detachReset, surrogate, r, learnBeta,
                learnThreshold, refractory, alpha, rho, adapt, stp);
    }

    public SpikingSpec withLearnable(boolean learnB, boolean learnTh) {
        return new SpikingSpec(kind, out, beta, threshold, reset, detachReset, surrogate, recurrent, learnB,
                learnTh, refractory, alpha, rho, adapt, stp);
    }

    public SpikingSpec withRefractory(int r) {
        return new SpikingSpec(kind, out, beta, threshold, reset, detachReset, surrogate, recurrent, learnBeta,
                learnThreshold, r, alpha, rho, adapt, stp);
    }

    /** Current-based (synaptic) neuron with current decay α. */
    public SpikingSpec withSynaptic(float a) {
        return new SpikingSpec(Kind.SYNAPTIC, out, beta, threshold, reset, detachReset, surrogate, recurrent,
                learnBeta, learnThreshold, refractory, a, rho, adapt, stp);
    }

    /** Adaptive threshold with decay ρ and strength {@code adaptation}. */
    public SpikingSpec withAdaptation(float r, float adaptation) {
        return new SpikingSpec(Kind.ALIF, out, beta, threshold, reset, detachReset, surrogate, recurrent,
                learnBeta, learnThreshold, refractory, alpha, r, adaptation, stp);
    }

    public SpikingSpec withStp(StpSpec s) {
        return new SpikingSpec(kind, out, beta, threshold, reset, detachReset, surrogate, recurrent, learnBeta,
                learnThreshold, refractory, alpha, rho, adapt, s);
    }

    /** Whether the fused whole-sequence kernel implements this configuration (LIF, IF, synaptic; no refractory). */
    public boolean fusable() {
        return (kind == Kind.LIF || kind == Kind.SYNAPTIC) && refractory == 0;
    }
}
