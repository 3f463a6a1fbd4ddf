package dev.surge.core.neuron;

import dev.surge.core.autograd.Ops;
import dev.surge.core.autograd.Var;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.RandomStream;
import dev.surge.core.tensor.Tensor;

/**
 * How a model turns its distance to threshold {@code h} into spikes. Every built-in model calls
 * {@link StepContext#fire} rather than {@code h.spike(...)} itself, so that the all-or-none event can be swapped
 * without touching the models: {@link #HEAVISIDE} (the default) is {@code H(h)} forward and the surrogate's
 * derivative backward, or a draw for a stochastic layer; {@link #smooth} is a differentiable stand-in for checking a
 * model's other terms against finite differences; the gradient estimators ({@code dev.surge.core.estimate}) bring
 * their own.
 */
@FunctionalInterface
public interface SpikeFunction {
    /** Spikes {@code [B, N]} for {@code h [B, N]}. */
    Var fire(Var h, Surrogate surrogate, StepContext ctx);

    /**
     * The layer's own spike. Deterministic layer: {@code H(h)} forward, {@code σ'(h)} backward. Stochastic layer
     * ({@link StepContext#noise()} set): {@code s ~ Bernoulli(sig(k·h))} forward from the layer's stream, and the
     * escape noise's derivative {@code k·p·(1 − p)} backward (the stochastic surrogate gradient).
     */
    SpikeFunction HEAVISIDE = (h, surrogate, ctx) -> ctx.noise() == null ? h.spike(surrogate)
            : sample(h, ctx, ctx.noise()::derivative);

    /**
     * {@code sigmoid(k·h)} in the forward pass as well: not a spiking model any more, but every path of the model's
     * graph (resets, adaptation, traces) becomes smooth, so {@code GradCheck} can check them.
     */
    static SpikeFunction smooth(float k) {
        return (h, surrogate, ctx) -> h.mul(k).sigmoid();
    }

    /** A local derivative {@code ds/dh} as a function of {@code h}. */
    @FunctionalInterface
    interface Derivative {
        float at(float h);
    }

    /**
     * {@code s ~ Bernoulli(sig(k·h))} with the context's escape noise, element (b, k) from the layer's stream at
     * row b and counter {@code t·N + k}; {@code derivative} is used backward.
     */
    static Var sample(Var h, StepContext ctx, Derivative derivative) {
        EscapeNoise noise = ctx.noise();
        if (noise == null) {
            throw new IllegalStateException("sample: the layer has no escape noise");
        }
        float[] hs = h.value().data();
        int[] sh = h.shape();
        int n = sh[sh.length - 1];
        int rows = hs.length / n;
        float[] s = new float[hs.length];
        float[] d = new float[hs.length];
        RandomStream random = ctx.random();
        long base = (long) ctx.step() * n;
        for (int b = 0; b < rows; b++) {
            for (int k = 0; k < n; k++) {
                int i = b * n + k;
                s[i] = random.uniform(b, base + k) < noise.probability(hs[i]) ? 1f : 0f;
                d[i] = derivative.at(hs[i]);
            }
        }
        return Ops.given(h, Tensor.of(s, sh), d);
    }
}
