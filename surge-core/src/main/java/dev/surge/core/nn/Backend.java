package dev.surge.core.nn;

/** How neuron layers are evaluated. Both give the same numbers within float32 rounding. */
public enum Backend {
    /** Fused whole-sequence kernels where the layer's configuration allows, else composed. The default. */
    FUSED,
    /** Per-step graphs of tape ops (the reference implementation). */
    COMPOSED
}
