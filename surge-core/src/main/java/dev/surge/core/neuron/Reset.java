package dev.surge.core.neuron;

import java.util.Locale;

/** What a spike does to the membrane at the next step. */
public enum Reset {
    /** {@code v ← β·v + I − θ·s}: subtract the threshold. */
    SUBTRACT,
    /** {@code v ← β·v·(1 − s) + I}: reset to zero. */
    ZERO,
    /** {@code v ← β·v + I}: no reset. */
    NONE;

    public static Reset parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "subtract" -> SUBTRACT;
            case "zero" -> ZERO;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("unknown reset '" + s + "'; known: subtract, zero, none");
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
