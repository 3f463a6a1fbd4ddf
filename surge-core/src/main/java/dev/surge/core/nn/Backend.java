package dev.surge.core.nn;

import java.util.Locale;

/** How neuron layers are evaluated. Both give the same numbers within float32 rounding. */
public enum Backend {
    /** Fused whole-sequence kernels where the layer's neuron model has one, else composed. The default. */
    FUSED,
    /** Per-step graphs of tape ops (the reference implementation). */
    COMPOSED;

    /** {@code fused} or {@code composed}; anything else is refused with a message naming the known names. */
    public static Backend parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "fused" -> FUSED;
            case "composed" -> COMPOSED;
            default -> throw new IllegalArgumentException("unknown backend '" + s + "'; known: fused, composed");
        };
    }

    /** The name {@link #parse} reads. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
