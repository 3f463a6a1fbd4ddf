/**
 * Spiking neuron models, one file each with its parameters (the record), its state and its step:
 * {@link dev.surge.core.neuron.Lif} (also IF), {@link dev.surge.core.neuron.Synaptic},
 * {@link dev.surge.core.neuron.Alif}, {@link dev.surge.core.neuron.Izhikevich}, {@link dev.surge.core.neuron.AdEx},
 * behind the sealed {@link dev.surge.core.neuron.NeuronModel}, and {@link dev.surge.core.neuron.CustomNeuron} for
 * models of your own. {@link dev.surge.core.neuron.StepContext} carries what a step may use (learnt parameters,
 * surrogate, spike function, mode, random stream). {@link dev.surge.core.neuron.SpikingDynamics} runs any model over
 * a sequence on tape ops (the composed path); {@link dev.surge.core.neuron.Fused} picks the fused whole-sequence
 * kernel: {@code FusedLif} for LIF and synaptic layers (row loops at the end of {@code Lif}, SIMD twins in
 * {@code LifVectorKernels}), {@code FusedTwoVariable} for Izhikevich and AdEx (each model's {@code rule()}).
 * Also short-term plasticity ({@link dev.surge.core.neuron.StpSpec}) and the readout integrator.
 *
 * <p>May import: {@code autograd}, {@code surrogate}, {@code tensor}. Knows no weights and no layers: the
 * projection that makes a model's input current is {@code nn}'s.
 */
package dev.surge.core.neuron;
