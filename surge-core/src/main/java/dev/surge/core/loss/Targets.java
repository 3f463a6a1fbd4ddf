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

    /** The targets of samples {@code rows[0], rows[1], ...} of this batch, in that order (rows may repeat). */
    public Targets rows(int[] rows) {
        int[] c = classes == null ? null : new int[rows.length];
        Tensor sp = null;
        if (spikes != null) {
            int[] sh = spikes.shape();
            int t = sh[0];
            int b = sh[1];
            int n = sh[2];
            float[] src = spikes.data();
            float[] dst = new float[t * rows.length * n];
            for (int s = 0; s < t; s++) {
                for (int r = 0; r < rows.length; r++) {
                    System.arraycopy(src, (s * b + rows[r]) * n, dst, (s * rows.length + r) * n, n);
                }
            }
            sp = Tensor.of(dst, t, rows.length, n);
        }
        for (int r = 0; c != null && r < rows.length; r++) {
            c[r] = classes[rows[r]];
        }
        return new Targets(c, sp);
    }
}
