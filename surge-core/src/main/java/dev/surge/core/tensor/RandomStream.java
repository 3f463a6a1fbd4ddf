package dev.surge.core.tensor;

import java.util.Arrays;

/**
 * Counter-based random numbers: each draw is a pure function of a key and a counter (a SplitMix64 finaliser of
 * both), so a number does not depend on how many were drawn before, on thread scheduling or on how a batch was
 * split into chunks. A stream has one key per batch row, normally derived from (seed, epoch, sample), so a sample
 * sees the same numbers whichever chunk or thread computes it.
 */
public final class RandomStream {
    private final long[] keys;
    /** Whether one key serves every row (mixed with the row index), as {@link #of} makes. */
    private final boolean shared;

    private RandomStream(long[] keys, boolean shared) {
        this.keys = keys;
        this.shared = shared;
    }

    /** A stream with the one key {@code seed} for every row; {@link #uniform} mixes the row in. */
    public static RandomStream of(long seed) {
        return new RandomStream(new long[] {seed}, true);
    }

    /** A stream whose row {@code i} has key {@code keys[i]}. */
    public static RandomStream perRow(long[] keys) {
        if (keys.length == 0) {
            throw new IllegalArgumentException("random stream: no rows");
        }
        return new RandomStream(keys.clone(), false);
    }

    /** A stream with every key mixed with {@code id}: independent numbers for another layer or purpose. */
    public RandomStream fork(long id) {
        long[] k = new long[keys.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = mix(keys[i], id);
        }
        return new RandomStream(k, shared);
    }

    /** Number of rows with their own key (1 for {@link #of}). */
    public int rows() {
        return keys.length;
    }

    /** A uniform number in [0, 1) with 24 random bits, for row {@code row} and counter {@code counter}. */
    public float uniform(int row, long counter) {
        long key = shared ? mix(keys[0], row) : keys[row];
        return (mix(key, counter) >>> 40) * 0x1.0p-24f;
    }

    /**
     * Uniform numbers for a {@code [B, N]} tensor at draw {@code draw} (e.g. the time step): element (b, k) uses
     * row b and counter {@code draw·N + k}.
     */
    public Tensor uniform(long draw, int batch, int n) {
        float[] u = new float[batch * n];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < n; k++) {
                u[b * n + k] = uniform(b, draw * n + k);
            }
        }
        return Tensor.of(u, batch, n);
    }

    /** A 64-bit hash of two values (SplitMix64's finaliser over {@code a·φ + b}). */
    public static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "RandomStream" + Arrays.toString(keys.length > 4 ? Arrays.copyOf(keys, 4) : keys);
    }
}
