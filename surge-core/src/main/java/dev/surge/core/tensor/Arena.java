package dev.surge.core.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recycles the large arrays of one training chunk from step to step, so that a step does not hand the garbage
 * collector tens of megabytes of short-lived arrays. The trainer installs one arena per chunk slot on the thread that
 * runs the chunk ({@link #install}); kernels ask for zeroed arrays with {@link #floats}; after the whole batch is done
 * (gradients accumulated, optimizer stepped) the trainer calls {@link #recycle}, which makes every array handed out
 * since the previous recycle available again. Without an installed arena (any use outside the trainer),
 * {@link #floats} is plain {@code new float[n]}. Small arrays are never pooled.
 */
public final class Arena {
    /** Arrays below this many elements are allocated normally. */
    static final int MIN_POOLED = 1 << 16;

    private static final ThreadLocal<Arena> CURRENT = new ThreadLocal<>();
    private static volatile boolean enabled = !"false".equals(System.getProperty("surge.arena"));

    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private final List<float[]> inUse = new ArrayList<>();
    private final Map<Integer, ArrayDeque<int[]>> freeInts = new HashMap<>();
    private final List<int[]> intsInUse = new ArrayList<>();
    private final Map<Integer, ArrayDeque<byte[]>> freeBytes = new HashMap<>();
    private final List<byte[]> bytesInUse = new ArrayList<>();

    /** A zeroed {@code float[n]}: recycled from the current thread's arena if one is installed. */
    public static float[] floats(int n) {
        return get(n, true);
    }

    /**
     * A {@code float[n]} whose contents are arbitrary when it comes from the arena: only for callers that write every
     * element before reading any.
     */
    public static float[] floatsToOverwrite(int n) {
        return get(n, false);
    }

    private static float[] get(int n, boolean zero) {
        Arena a = CURRENT.get();
        if (a == null || n < MIN_POOLED || !enabled) {
            return new float[n];
        }
        ArrayDeque<float[]> q = a.free.get(n);
        float[] r = q == null ? null : q.poll();
        if (r == null) {
            r = new float[n];
        } else if (zero) {
            java.util.Arrays.fill(r, 0f);
        }
        a.inUse.add(r);
        return r;
    }

    /**
     * An {@code int[]} of at least {@code n} elements (a power of two when pooled, so that lists whose length varies
     * from batch to batch still find a free array) with arbitrary contents: for index lists that carry their own
     * length.
     */
    public static int[] intsAtLeast(int n) {
        Arena a = CURRENT.get();
        if (a == null || n < MIN_POOLED || !enabled) {
            return new int[n];
        }
        int cap = Integer.highestOneBit(n - 1) << 1;
        if (cap < 0) { // n above 2^30: no power of two to round to
            cap = n;
        }
        ArrayDeque<int[]> q = a.freeInts.get(cap);
        int[] r = q == null ? null : q.poll();
        if (r == null) {
            r = new int[cap];
        }
        a.intsInUse.add(r);
        return r;
    }

    /** A {@code byte[n]} with arbitrary contents when pooled: only for callers that write every element first. */
    public static byte[] bytesToOverwrite(int n) {
        Arena a = CURRENT.get();
        if (a == null || n < MIN_POOLED || !enabled) {
            return new byte[n];
        }
        ArrayDeque<byte[]> q = a.freeBytes.get(n);
        byte[] r = q == null ? null : q.poll();
        if (r == null) {
            r = new byte[n];
        }
        a.bytesInUse.add(r);
        return r;
    }

    /**
     * Switches pooling on or off for the whole JVM (on by default; {@code -Dsurge.arena=false} starts it off). Results
     * are the same either way; tests use this to prove it.
     */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    /** Runs {@code body} with this arena installed on the current thread. */
    public <T> T install(java.util.function.Supplier<T> body) {
        Arena prev = CURRENT.get();
        CURRENT.set(this);
        try {
            return body.get();
        } finally {
            if (prev == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(prev);
            }
        }
    }

    /**
     * Makes every array handed out since the last recycle available again. The caller guarantees that none of them
     * is used any more (the trainer calls it when a batch is completely done).
     */
    public void recycle() {
        for (float[] a : inUse) {
            free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).add(a);
        }
        inUse.clear();
        for (int[] a : intsInUse) {
            freeInts.computeIfAbsent(a.length, k -> new ArrayDeque<>()).add(a);
        }
        intsInUse.clear();
        for (byte[] a : bytesInUse) {
            freeBytes.computeIfAbsent(a.length, k -> new ArrayDeque<>()).add(a);
        }
        bytesInUse.clear();
    }
}
