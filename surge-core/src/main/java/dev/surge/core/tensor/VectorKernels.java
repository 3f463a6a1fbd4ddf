package dev.surge.core.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD versions of the event-driven products with the JDK's Vector API ({@code jdk.incubator.vector}). Each output
 * tile of four vectors stays in registers while all active inputs of a row (forward) or all active rows of an
 * input (weight gradient) are added, and is stored once. Every element is still summed in the same order as the
 * scalar loops of {@link SpikeRows}, so both give bit-identical results. Only loaded when the module is present
 * ({@link SpikeRows#VECTOR}): run with {@code --add-modules jdk.incubator.vector} (the launcher and the build do).
 */
final class VectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorKernels() {
    }

    /**
     * {@code out[outOff + i·n + o] += Σ_{p in [start[i], start[i+1])} src[srcOff + list[p]·srcStride + o]} for each
     * segment {@code i}: the forward row adds ({@code i} a row, {@code list} its active inputs, {@code src = Wᵀ}) and the
     * gathered weight gradient ({@code i} an input, {@code list} its active rows, {@code src = G}).
     */
    static void segmentSums(int segments, int[] start, int[] list, float[] src, int srcOff, int srcStride, int n,
                            float[] out, int outOff, int srcRows) {
        sums(plan(segments, start, list, srcRows), src, srcOff, srcStride, n, out, outOff, n);
    }

    /** Columns of one full tile: eight vectors, kept in registers while a segment's entries are added. */
    static final int TILE = 8 * L;

    /** Source rows per block: a block's slab of one tile (rows × 8 vectors of 64 B) is 32 KiB, the L1 cache. */
    static final int BLOCK = 64;
    /** Entries per segment and block from which blocking pays for reloading each segment's tile once per block. */
    private static final int MIN_PER_BLOCK = 8;

    /** Whether {@code entries} spread over {@code segments} lists of {@code srcRows} source rows are worth blocking. */
    static boolean blocked(long entries, int segments, int srcRows) {
        return srcRows > BLOCK && entries * BLOCK >= (long) MIN_PER_BLOCK * segments * srcRows;
    }

    /**
     * Segment lists arranged for {@link #sums}: the entries of segment {@code i} that fall in source block {@code b}
     * are {@code list[start[b·segments + i] .. start[b·segments + i + 1])}, in the order given.
     */
    record Plan(int segments, int blocks, int[] start, int[] list) {
    }

    /**
     * The lists as given (one block) or, when they are dense enough that a block of source rows is reused by many
     * segments, regrouped by blocks of {@link #BLOCK} source rows so that the kernel walks block by block and each
     * block's slab of a tile stays in the L1 cache. Each segment's entries keep their order (lists are ascending), so
     * every element is summed in the same order either way.
     */
    static Plan plan(int segments, int[] start, int[] list, int srcRows) {
        long entries = start[segments] - start[0];
        if (!blocked(entries, segments, srcRows)) {
            return new Plan(segments, 1, start, list);
        }
        int blocks = (srcRows + BLOCK - 1) / BLOCK;
        int cells = blocks * segments;
        // pos[b·segments + i]: where segment i's entries of block b begin in its ascending list (b = blocks: its end)
        int[] pos = Arena.intsAtLeast(cells + segments);
        for (int i = 0; i < segments; i++) {
            int p = start[i];
            int pe = start[i + 1];
            for (int b = 0; b < blocks; b++) {
                pos[b * segments + i] = p;
                int limit = (b + 1) * BLOCK;
                while (p < pe && list[p] < limit) {
                    p++;
                }
            }
            pos[cells + i] = pe;
        }
        int[] bs = Arena.intsAtLeast(cells + 1);
        int[] bl = Arena.intsAtLeast((int) Math.max(1, entries));
        int q = 0;
        for (int c = 0; c < cells; c++) {
            bs[c] = q;
            int pe = pos[c + segments];
            for (int p = pos[c]; p < pe; p++) {
                bl[q++] = list[p];
            }
        }
        bs[cells] = q;
        return new Plan(segments, blocks, bs, bl);
    }

    /**
     * The product of a {@link Plan}: tiles of eight vectors across the columns, then four, then one; columns left over
     * are done by one more tile that ends at column {@code n} and overlaps the previous one, whose lanes already done
     * are restored before the store. Below one vector's width, scalar.
     */
    static void sums(Plan plan, float[] src, int srcOff, int srcStride, int n, float[] out, int outOff,
                     int outStride) {
        int o0 = 0;
        for (; o0 + TILE <= n; o0 += TILE) {
            tile8(plan, src, srcOff, srcStride, o0, o0, out, outOff, outStride);
        }
        if (o0 == n) {
            return;
        }
        if (o0 > 0) {
            tile8(plan, src, srcOff, srcStride, n - TILE, o0, out, outOff, outStride);
            return;
        }
        for (; o0 + 4 * L <= n; o0 += 4 * L) {
            tile4(plan, src, srcOff, srcStride, o0, o0, out, outOff, outStride);
        }
        if (o0 == n) {
            return;
        }
        if (o0 > 0) {
            tile4(plan, src, srcOff, srcStride, n - 4 * L, o0, out, outOff, outStride);
            return;
        }
        for (; o0 + L <= n; o0 += L) {
            tile1(plan, src, srcOff, srcStride, o0, o0, out, outOff, outStride);
        }
        if (o0 == n) {
            return;
        }
        if (o0 > 0) {
            tile1(plan, src, srcOff, srcStride, n - L, o0, out, outOff, outStride);
            return;
        }
        // narrower than one vector: scalar, block by block
        int segments = plan.segments();
        int[] bs = plan.start();
        int[] bl = plan.list();
        for (int b = 0, q0 = 0; b < plan.blocks(); b++, q0 += segments) {
            for (int i = 0; i < segments; i++) {
                int ob = outOff + i * outStride;
                for (int p = bs[q0 + i]; p < bs[q0 + i + 1]; p++) {
                    int sb = srcOff + bl[p] * srcStride;
                    for (int o = 0; o < n; o++) {
                        out[ob + o] += src[sb + o];
                    }
                }
            }
        }
    }

    /** {@code lanes[L - k ..]}: a mask whose first {@code k} lanes are false and the others true. */
    private static final boolean[] LANES = new boolean[2 * L];

    static {
        java.util.Arrays.fill(LANES, L, 2 * L, true);
    }

    /** The lanes of the vector at column {@code c} that are at or after column {@code fresh}. */
    private static VectorMask<Float> freshLanes(int c, int fresh) {
        int stale = Math.max(0, Math.min(L, fresh - c));
        return VectorMask.fromArray(S, LANES, L - stale);
    }

    /**
     * Adds into the eight vectors at columns {@code [o0, o0 + 8L)}; columns below {@code fresh} are left as they were
     * (the overlapping last tile).
     */
    private static void tile8(Plan plan, float[] src, int srcOff, int srcStride, int o0, int fresh, float[] out,
                              int outOff, int outStride) {
        int segments = plan.segments();
        int[] bs = plan.start();
        int[] bl = plan.list();
        for (int b = 0, q0 = 0; b < plan.blocks(); b++, q0 += segments) {
            for (int i = 0; i < segments; i++) {
                int p = bs[q0 + i];
                int pe = bs[q0 + i + 1];
                if (p == pe) {
                    continue;
                }
                int ob = outOff + i * outStride + o0;
                FloatVector a0 = FloatVector.fromArray(S, out, ob);
                FloatVector a1 = FloatVector.fromArray(S, out, ob + L);
                FloatVector a2 = FloatVector.fromArray(S, out, ob + 2 * L);
                FloatVector a3 = FloatVector.fromArray(S, out, ob + 3 * L);
                FloatVector a4 = FloatVector.fromArray(S, out, ob + 4 * L);
                FloatVector a5 = FloatVector.fromArray(S, out, ob + 5 * L);
                FloatVector a6 = FloatVector.fromArray(S, out, ob + 6 * L);
                FloatVector a7 = FloatVector.fromArray(S, out, ob + 7 * L);
                for (; p < pe; p++) {
                    int sb = srcOff + bl[p] * srcStride + o0;
                    a0 = a0.add(FloatVector.fromArray(S, src, sb));
                    a1 = a1.add(FloatVector.fromArray(S, src, sb + L));
                    a2 = a2.add(FloatVector.fromArray(S, src, sb + 2 * L));
                    a3 = a3.add(FloatVector.fromArray(S, src, sb + 3 * L));
                    a4 = a4.add(FloatVector.fromArray(S, src, sb + 4 * L));
                    a5 = a5.add(FloatVector.fromArray(S, src, sb + 5 * L));
                    a6 = a6.add(FloatVector.fromArray(S, src, sb + 6 * L));
                    a7 = a7.add(FloatVector.fromArray(S, src, sb + 7 * L));
                }
                store(a0, out, ob, o0, fresh);
                store(a1, out, ob + L, o0 + L, fresh);
                store(a2, out, ob + 2 * L, o0 + 2 * L, fresh);
                store(a3, out, ob + 3 * L, o0 + 3 * L, fresh);
                store(a4, out, ob + 4 * L, o0 + 4 * L, fresh);
                store(a5, out, ob + 5 * L, o0 + 5 * L, fresh);
                store(a6, out, ob + 6 * L, o0 + 6 * L, fresh);
                store(a7, out, ob + 7 * L, o0 + 7 * L, fresh);
            }
        }
    }

    /** {@link #tile8} with four vectors, for outputs narrower than eight. */
    private static void tile4(Plan plan, float[] src, int srcOff, int srcStride, int o0, int fresh, float[] out,
                              int outOff, int outStride) {
        int segments = plan.segments();
        int[] bs = plan.start();
        int[] bl = plan.list();
        for (int b = 0, q0 = 0; b < plan.blocks(); b++, q0 += segments) {
            for (int i = 0; i < segments; i++) {
                int p = bs[q0 + i];
                int pe = bs[q0 + i + 1];
                if (p == pe) {
                    continue;
                }
                int ob = outOff + i * outStride + o0;
                FloatVector a0 = FloatVector.fromArray(S, out, ob);
                FloatVector a1 = FloatVector.fromArray(S, out, ob + L);
                FloatVector a2 = FloatVector.fromArray(S, out, ob + 2 * L);
                FloatVector a3 = FloatVector.fromArray(S, out, ob + 3 * L);
                for (; p < pe; p++) {
                    int sb = srcOff + bl[p] * srcStride + o0;
                    a0 = a0.add(FloatVector.fromArray(S, src, sb));
                    a1 = a1.add(FloatVector.fromArray(S, src, sb + L));
                    a2 = a2.add(FloatVector.fromArray(S, src, sb + 2 * L));
                    a3 = a3.add(FloatVector.fromArray(S, src, sb + 3 * L));
                }
                store(a0, out, ob, o0, fresh);
                store(a1, out, ob + L, o0 + L, fresh);
                store(a2, out, ob + 2 * L, o0 + 2 * L, fresh);
                store(a3, out, ob + 3 * L, o0 + 3 * L, fresh);
            }
        }
    }

    /** {@link #tile8} with one vector, for outputs narrower than four. */
    private static void tile1(Plan plan, float[] src, int srcOff, int srcStride, int o0, int fresh, float[] out,
                              int outOff, int outStride) {
        int segments = plan.segments();
        int[] bs = plan.start();
        int[] bl = plan.list();
        for (int b = 0, q0 = 0; b < plan.blocks(); b++, q0 += segments) {
            for (int i = 0; i < segments; i++) {
                int p = bs[q0 + i];
                int pe = bs[q0 + i + 1];
                if (p == pe) {
                    continue;
                }
                int ob = outOff + i * outStride + o0;
                FloatVector a = FloatVector.fromArray(S, out, ob);
                for (; p < pe; p++) {
                    a = a.add(FloatVector.fromArray(S, src, srcOff + bl[p] * srcStride + o0));
                }
                store(a, out, ob, o0, fresh);
            }
        }
    }

    /**
     * Stores {@code a}, the vector at column {@code c}, at {@code out[at]}: all of it, or in the overlapping last tile
     * only the lanes at or after column {@code fresh}, the others keeping what {@code out} holds.
     */
    private static void store(FloatVector a, float[] out, int at, int c, int fresh) {
        if (c >= fresh) {
            a.intoArray(out, at);
        } else {
            FloatVector.fromArray(S, out, at).blend(a, freshLanes(c, fresh)).intoArray(out, at);
        }
    }

    /**
     * The same kernel as {@link #segmentSums}, kept as a separate method for the per-step recurrent product: its short
     * segments would otherwise shape the JIT's profile of the layer-sized products (a small-array warm-up of the shared
     * method made W1 twice as slow).
     */
    static void segmentSumsSmall(int segments, int[] start, int[] list, float[] src, int n, float[] out, int outOff) {
        int tileW = 4 * L;
        for (int i = 0; i < segments; i++) {
            int ob = outOff + i * n;
            int p0 = start[i];
            int p1 = start[i + 1];
            if (p0 == p1) {
                continue;
            }
            int o0 = 0;
            for (; o0 + tileW <= n; o0 += tileW) {
                FloatVector a0 = FloatVector.fromArray(S, out, ob + o0);
                FloatVector a1 = FloatVector.fromArray(S, out, ob + o0 + L);
                FloatVector a2 = FloatVector.fromArray(S, out, ob + o0 + 2 * L);
                FloatVector a3 = FloatVector.fromArray(S, out, ob + o0 + 3 * L);
                for (int p = p0; p < p1; p++) {
                    int sb = list[p] * n + o0;
                    a0 = a0.add(FloatVector.fromArray(S, src, sb));
                    a1 = a1.add(FloatVector.fromArray(S, src, sb + L));
                    a2 = a2.add(FloatVector.fromArray(S, src, sb + 2 * L));
                    a3 = a3.add(FloatVector.fromArray(S, src, sb + 3 * L));
                }
                a0.intoArray(out, ob + o0);
                a1.intoArray(out, ob + o0 + L);
                a2.intoArray(out, ob + o0 + 2 * L);
                a3.intoArray(out, ob + o0 + 3 * L);
            }
            for (; o0 + L <= n; o0 += L) {
                FloatVector a = FloatVector.fromArray(S, out, ob + o0);
                for (int p = p0; p < p1; p++) {
                    a = a.add(FloatVector.fromArray(S, src, list[p] * n + o0));
                }
                a.intoArray(out, ob + o0);
            }
            for (; o0 < n; o0++) {
                float a = out[ob + o0];
                for (int p = p0; p < p1; p++) {
                    a += src[list[p] * n + o0];
                }
                out[ob + o0] = a;
            }
        }
    }

    /** Whether every element is finite: {@code x·0} is 0 for finite x and NaN otherwise, and NaN survives a sum. */
    static boolean allFinite(float[] a) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= a.length; i += L) {
            acc = acc.add(FloatVector.fromArray(S, a, i).mul(0f));
        }
        float r = acc.reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            r += a[i] * 0f;
        }
        return r == 0f;
    }

    /**
     * Sum per lane, flushed to a double every 2^20 vectors, so that 0/1 values (at most 2^20 per lane, below float's
     * 2^24 exact integers) are added exactly.
     */
    static double spikeSum(float[] a) {
        double total = 0;
        int i = 0;
        while (i + L <= a.length) {
            FloatVector acc = FloatVector.zero(S);
            int end = (int) Math.min(a.length - L, i + (long) L * (1 << 20) - L);
            for (; i <= end; i += L) {
                acc = acc.add(FloatVector.fromArray(S, a, i));
            }
            total += acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < a.length; i++) {
            total += a[i];
        }
        return total;
    }
}
