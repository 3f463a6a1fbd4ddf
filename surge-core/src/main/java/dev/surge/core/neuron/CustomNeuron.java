package dev.surge.core.neuron;

/**
 * A neuron model defined outside Surge: implement {@link #type}, {@link #initial} and {@link #step} (and
 * {@link #learnable} if it learns per-neuron parameters) with tape ops, call {@link StepContext#fire} for the spike,
 * and pass it to {@code SpikingSpec.of(n, model)}. It then trains by BPTT on the composed path, and
 * {@code GradCheck} with {@link SpikeFunction#smooth} checks its gradients. docs/EXTENDING.md walks through a
 * quadratic integrate-and-fire neuron.
 *
 * @param <S> the model's state record
 */
public non-sealed interface CustomNeuron<S extends NeuronState> extends NeuronModel<S> {
}
