package dev.surge.core.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * Recycles the large arrays of one training chunk from step to step, so that a step does not hand the garbage
 * collector tens of megabytes of short-lived arrays. The trainer installs one arena per chunk slot on the thread that
 * runs the chunk ({@link #install}); kernels ask for zeroed arrays with {@link #floats}; after the whole batch is done
 * (gradients accumulated, optimizer stepped) the trainer calls {@link #recycle}, which makes every array handed out
 * since the previous recycle available again. Without an installed arena (any use outside the trainer),
 * {@link #floats} is plain {@code new float[n]}. Small arrays are never pooled.
 */
public final class Arena {
    /** Arrays below this many elements (16 KiB of floats) are allocated normally: below that, a step allocates little. */
    static final int MIN_POOLED = 1 << 12;

    private static final ThreadLocal<Arena> CURRENT = new ThreadLocal<>();
    private static volatile boolean enabled = !"false".equals(System.getProperty("surge.arena"));

    private final Pool<float[]> floatPool = new Pool<>(float[]::new, a -> a.length);
    private final Pool<int[]> intPool = new Pool<>(int[]::new, a -> a.length);
    private final Pool<byte[]> bytePool = new Pool<>(byte[]::new, a -> a.length);

    /** Free arrays of one element type by length, and those handed out since the last recycle. */
    private static final class Pool<A> {
        private final IntFunction<A> make;
        private final ToIntFunction<A> length;
        private final Map<Integer, ArrayDeque<A>> free = new HashMap<>();
        private final List<A> inUse = new ArrayList<>();

        Pool(IntFunction<A> make, ToIntFunction<A> length) {
            this.make = make;
            this.length = length;
        }

        /** A free array of length {@code n} (old contents), or a new one (zeroed) when there is none. */
        A take(int n) {
            ArrayDeque<A> q = free.get(n);
            A r = q == null ? null : q.poll();
            if (r == null) {
                r = make.apply(n);
            }
            inUse.add(r);
            return r;
        }

        void recycle() {
            for (A a : inUse) {
                free.computeIfAbsent(length.applyAsInt(a), k -> new ArrayDeque<>()).add(a);
            }
            inUse.clear();
        }
    }

    /** The current thread's arena if pooling applies to an array of {@code n} elements, else null. */
    private static Arena pooling(int n) {
        Arena a = CURRENT.get();
        return a == null || n < MIN_POOLED || !enabled ? null : a;
    }

    /** A zeroed {@code float[n]}: recycled from the current thread's arena if one is installed. */
    public static float[] floats(int n) {
        Arena a = pooling(n);
        if (a == null) {
            return new float[n];
        }
        float[] r = a.floatPool.take(n);
        java.util.Arrays.fill(r, 0f);
        return r;
    }

    /**
     * A {@code float[n]} whose contents are arbitrary when it comes from the arena: only for callers that write every
     * element before reading any.
     */
    public static float[] floatsToOverwrite(int n) {
        Arena a = pooling(n);
        return a == null ? new float[n] : a.floatPool.take(n);
    }

    /**
     * An {@code int[]} of at least {@code n} elements (a power of two when pooled, so that lists whose length varies
     * from batch to batch still find a free array) with arbitrary contents: for index lists that carry their own
     * length.
     */
    public static int[] intsAtLeast(int n) {
        Arena a = pooling(n);
        if (a == null) {
            return new int[n];
        }
        int cap = Integer.highestOneBit(n - 1) << 1;
        return a.intPool.take(cap < 0 ? n : cap); // above 2^30 there is no power of two to round to
    }

    /** A {@code byte[n]} with arbitrary contents when pooled: only for callers that write every element first. */
    public static byte[] bytesToOverwrite(int n) {
        Arena a = pooling(n);
        return a == null ? new byte[n] : a.bytePool.take(n);
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
     * Runs {@code body} with no arena on the current thread, so that its arrays are plain garbage-collected ones: for
     * work that streams through a long sequence in blocks (e-prop), whose memory must not grow with the number of
     * blocks until the batch ends.
     */
    public static <T> T outside(java.util.function.Supplier<T> body) {
        Arena prev = CURRENT.get();
        CURRENT.remove();
        try {
            return body.get();
        } finally {
            if (prev != null) {
                CURRENT.set(prev);
            }
        }
    }

    /**
     * Makes every array handed out since the last recycle available again. The caller guarantees that none of them
     * is used any more (the trainer calls it when a batch is completely done).
     */
    public void recycle() {
        floatPool.recycle();
        intPool.recycle();
        bytePool.recycle();
    }
}
