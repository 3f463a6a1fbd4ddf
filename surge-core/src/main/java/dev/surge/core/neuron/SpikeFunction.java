package dev.surge.core.neuron;

import dev.surge.core.autograd.Var;
import dev.surge.core.surrogate.Surrogate;

/**
 * How a model turns its distance to threshold {@code h} into spikes. Every built-in model calls
 * {@link StepContext#fire} rather than {@code h.spike(...)} itself, so that the all-or-none event can be swapped
 * without touching the models: {@link #HEAVISIDE} (the default) is {@code H(h)} forward and the surrogate's
 * derivative backward; {@link #smooth} is a differentiable stand-in for checking a model's other terms against
 * finite differences; stochastic (escape-noise) firing draws from {@link StepContext#random()}.
 */
@FunctionalInterface
public interface SpikeFunction {
    /** Spikes {@code [B, N]} for {@code h [B, N]}. */
    Var fire(Var h, Surrogate surrogate, StepContext ctx);

    /** {@code H(h)} forward, {@code σ'(h)} backward. */
    SpikeFunction HEAVISIDE = (h, surrogate, ctx) -> h.spike(surrogate);

    /**
     * {@code sigmoid(k·h)} in the forward pass as well: not a spiking model any more, but every path of the model's
     * graph (resets, adaptation, traces) becomes smooth, so {@code GradCheck} can check them.
     */
    static SpikeFunction smooth(float k) {
        return (h, surrogate, ctx) -> h.mul(k).sigmoid();
    }
}
