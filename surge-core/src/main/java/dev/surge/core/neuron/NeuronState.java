package dev.surge.core.neuron;

import dev.surge.core.autograd.Var;

/**
 * The state of a layer of neurons after one time step, as the model's own record (membrane, currents, adaptation,
 * ...). The layer runner only needs the spikes: they are the layer's output at that step and, for recurrent layers,
 * the input of the recurrent projection at the next one.
 */
public interface NeuronState {
    /** Spikes of this step, {@code [B, N]}, 0 or 1 in the forward pass. */
    Var spikes();
}
