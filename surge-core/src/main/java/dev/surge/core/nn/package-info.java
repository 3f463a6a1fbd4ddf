/**
 * Layers and networks: a {@link dev.surge.core.nn.Layer} is a {@link dev.surge.core.nn.Projection}
 * ({@link dev.surge.core.nn.Dense} today) that turns its input into currents, optional recurrent weights and STP,
 * and a neuron model or a readout, described by a {@link dev.surge.core.nn.LayerSpec}
 * ({@link dev.surge.core.nn.SpikingSpec}, {@link dev.surge.core.nn.ReadoutSpec}). {@link dev.surge.core.nn.Network}
 * stacks layers, names parameters as PyTorch would ({@code layers.0.W}) and runs a forward pass under a
 * {@link dev.surge.core.nn.ForwardContext} (backend, mode, random stream, spike function).
 * {@link dev.surge.core.nn.Parameter} holds a value and its gradient.
 *
 * <p>May import: {@code neuron}, {@code autograd}, {@code surrogate}, {@code tensor}.
 */
package dev.surge.core.nn;
