package dev.surge.core.neuron;

import java.util.Locale;

/**
 * Escape noise: a stochastic neuron fires with probability {@code p_t = sig(k·(v_t − θ_t))} instead of
 * deterministically when {@code v_t > θ_t}; {@code s_t ~ Bernoulli(p_t)}, independently per neuron, sample and step
 * given the past. The draw comes from the layer's counter-based {@link StepContext#random() stream} (row b, counter
 * {@code t·N + k}), so a seed gives the same spikes on any thread count. As {@code k → ∞} the neuron becomes
 * deterministic again.
 *
 * @param noise the escape function; only {@code sigmoid} for now
 * @param scale its steepness {@code k}
 */
public record EscapeNoise(String noise, float scale) {
    /** The escape functions {@link #of} accepts. */
    public static final String NOISES = "sigmoid";

    public EscapeNoise {
        if (noise == null || !noise.equals("sigmoid")) {
            throw new IllegalArgumentException("stochastic: unknown noise '" + noise + "'; known: " + NOISES);
        }
        if (!(scale > 0) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("stochastic: scale must be a positive number, got " + scale);
        }
    }

    /** Sigmoid escape noise of steepness {@code k}. */
    public static EscapeNoise sigmoid(float k) {
        return new EscapeNoise("sigmoid", k);
    }

    /** By name (case-insensitive) and scale. */
    public static EscapeNoise of(String noise, float scale) {
        return new EscapeNoise(noise == null ? null : noise.trim().toLowerCase(Locale.ROOT), scale);
    }

    /** The escape logit {@code k·h}: {@code p = sig(k·h)}. */
    public float logit(float h) {
        return scale * h;
    }

    /** The firing probability {@code sig(k·h)} for distance to threshold {@code h}. */
    public float probability(float h) {
        return (float) (1.0 / (1.0 + Math.exp(-(double) scale * h)));
    }

    /** {@code dp/dh = k·p·(1 − p)}. */
    public float derivative(float h) {
        float p = probability(h);
        return scale * p * (1f - p);
    }
}
