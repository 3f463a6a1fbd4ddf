package dev.surge.core.nn;


/** The architecture of one layer: a closed family of spiking layers and readouts. */
public sealed interface LayerSpec permits SpikingSpec, ReadoutSpec {
    /** Number of output neurons. */
    int out();
}
