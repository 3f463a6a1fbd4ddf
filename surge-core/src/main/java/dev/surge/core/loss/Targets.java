package dev.surge.core.loss;

import dev.surge.core.tensor.Tensor;

/**
 * What a loss compares the output with: class ids {@code [B]}, and for spike-train losses target spikes
 * {@code [T, B, C]} (else null).
 */
public record Targets(int[] classes, Tensor spikes) {
    public static Targets of(int[] classes) {
        return new Targets(classes, null);
    }
}
