package dev.surge.core.neuron;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import java.util.Map;

/**
 * A spiking neuron model: its parameters (the implementing record), its state ({@code S}) and one time step from
 * the input current. One file per model holds all three with the model's equations in its Javadoc: {@link Lif}
 * (also IF), {@link Synaptic} (current-based), {@link Alif} (adaptive threshold), {@link Izhikevich} and
 * {@link AdEx}. A model of your own implements {@link CustomNeuron} (see docs/EXTENDING.md).
 *
 * <p>A layer is a projection (which computes the input current {@code I_t}, e.g. {@code x_t·Wᵀ + b}, plus
 * {@code s_{t−1}·Vᵀ} when recurrent) followed by a neuron model; the model never sees weights. The composed path
 * calls {@link #step} once per time step on tape ops, so any model trains by BPTT with no more code. {@link Lif}
 * and {@link Synaptic} also have a fused whole-sequence kernel ({@link FusedLif}), pinned to their {@code step} by
 * tests.
 *
 * <p>Order of use: {@link #initial} once per sequence, then {@link #step} for t = 0, 1, ..., T−1, each with the
 * state the previous one returned.
 *
 * @param <S> the model's state record
 */
public sealed interface NeuronModel<S extends NeuronState>
        permits Lif, Synaptic, Alif, Izhikevich, AdEx, CustomNeuron {

    /** The model's name in model files and messages ({@code lif}, {@code izhikevich}, ...). */
    String type();

    /**
     * The model's learnt per-neuron parameters, by name, with the value each starts at; the layer creates each as a
     * parameter of shape {@code [N]} and the step reads it with {@link StepContext#param}. Empty by default.
     */
    default Map<String, Float> learnable() {
        return Map.of();
    }

    /** The state before the first step, for a batch of {@code batch} rows of {@code neurons} neurons. */
    S initial(Tape tape, int batch, int neurons);

    /**
     * One time step.
     *
     * @param state   the state after the previous step (or {@link #initial})
     * @param current the input current {@code I_t}, {@code [B, N]}
     * @param ctx     learnt parameters, surrogate, spike function, step index, mode and random stream
     * @return the new state; its {@link NeuronState#spikes()} must be {@code [B, N]}
     */
    S step(S state, Var current, StepContext ctx);
}
