package dev.surge.core.nn;

/**
 * Leaky-integrator readout (no spikes): {@code u_t = β·u_{t−1} + x_t·Wᵀ + b}; the output is {@code u}.
 *
 * @param learnBeta make β a per-neuron parameter {@code beta}
 */
public record ReadoutSpec(int out, float beta, boolean learnBeta) implements LayerSpec {
    public ReadoutSpec {
        if (out <= 0) {
            throw new IllegalArgumentException("readout: out must be positive, got " + out);
        }
        if (!Float.isFinite(beta)) {
            throw new IllegalArgumentException("readout: beta must be finite, got " + beta);
        }
    }

    public static ReadoutSpec of(int out, float beta) {
        return new ReadoutSpec(out, beta, false);
    }
}
