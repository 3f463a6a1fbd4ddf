package dev.surge.core.tensor;

import jdk.incubator.vector.FloatVector;
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
     * {@code out[b·n + o] += Σ_{p in [start[i], start[i+1])} src[srcOff + list[p]·srcStride + o]} for each segment
     * {@code i} with base {@code b = base(i)}: the forward row adds ({@code i} a row, {@code list} its active inputs,
     * {@code src = Wᵀ}) and the gathered weight gradient ({@code i} an input, {@code list} its active rows,
     * {@code src = G}).
     */
    static void segmentSums(int segments, int[] start, int[] list, float[] src, int srcOff, int srcStride, int n,
                            float[] out, int outOff, int srcRows) {
        segmentSums(segments, start, list, src, srcOff, srcStride, n, out, outOff, srcRows, n);
    }

    /** {@link #segmentSums} with segment {@code i}'s output row at {@code out[outOff + i·outStride]}. */
    static void segmentSums(int segments, int[] start, int[] list, float[] src, int srcOff, int srcStride, int n,
                            float[] out, int outOff, int srcRows, int outStride) {
        // Column tiles outside, segments inside: one tile's slab of src (its rows × 4 vectors) stays in the L2 cache
        // while every segment adds its rows, instead of each segment streaming whole src rows from memory.
        int tileW = 4 * L;
        int o0 = 0;
        long entries = start[segments] - start[0];
        if (n >= tileW && entries * BLOCK >= (long) MIN_PER_BLOCK * segments * srcRows && srcRows > BLOCK) {
            // dense enough lists: blocks of BLOCK src rows, so that a block's slab stays in the L1 cache
            o0 = blockedTiles(segments, start, list, src, srcOff, srcStride, n, out, outOff, srcRows, outStride);
        }
        for (; o0 + tileW <= n; o0 += tileW) {
            for (int i = 0; i < segments; i++) {
                int p0 = start[i];
                int p1 = start[i + 1];
                if (p0 == p1) {
                    continue;
                }
                int ob = outOff + i * outStride + o0;
                FloatVector a0 = FloatVector.fromArray(S, out, ob);
                FloatVector a1 = FloatVector.fromArray(S, out, ob + L);
                FloatVector a2 = FloatVector.fromArray(S, out, ob + 2 * L);
                FloatVector a3 = FloatVector.fromArray(S, out, ob + 3 * L);
                for (int p = p0; p < p1; p++) {
                    int sb = srcOff + list[p] * srcStride + o0;
                    a0 = a0.add(FloatVector.fromArray(S, src, sb));
                    a1 = a1.add(FloatVector.fromArray(S, src, sb + L));
                    a2 = a2.add(FloatVector.fromArray(S, src, sb + 2 * L));
                    a3 = a3.add(FloatVector.fromArray(S, src, sb + 3 * L));
                }
                a0.intoArray(out, ob);
                a1.intoArray(out, ob + L);
                a2.intoArray(out, ob + 2 * L);
                a3.intoArray(out, ob + 3 * L);
            }
        }
        if (o0 == n) {
            return;
        }
        int tail = o0;
        for (int i = 0; i < segments; i++) {
            int p0 = start[i];
            int p1 = start[i + 1];
            if (p0 == p1) {
                continue;
            }
            int ob = outOff + i * outStride;
            int o = tail;
            for (; o + L <= n; o += L) {
                FloatVector a = FloatVector.fromArray(S, out, ob + o);
                for (int p = p0; p < p1; p++) {
                    a = a.add(FloatVector.fromArray(S, src, srcOff + list[p] * srcStride + o));
                }
                a.intoArray(out, ob + o);
            }
            for (; o < n; o++) {
                float a = out[ob + o];
                for (int p = p0; p < p1; p++) {
                    a += src[srcOff + list[p] * srcStride + o];
                }
                out[ob + o] = a;
            }
        }
    }

    /** Source rows per block of the L1-blocked kernel: a block's slab (rows × 4 vectors of 64 B) is 16 KiB. */
    private static final int BLOCK = 64;
    /** Entries per segment and block from which blocking pays for reloading each segment's tile once per block. */
    private static final int MIN_PER_BLOCK = 8;

    /**
     * {@link #segmentSums} over its full 4-vector column tiles with the source rows in blocks of {@link #BLOCK}: each
     * segment keeps a cursor into its (ascending) list and adds, block after block, the entries that fall in the block,
     * so every element is still summed in list order. Returns the first column not done.
     */
    private static int blockedTiles(int segments, int[] start, int[] list, float[] src, int srcOff, int srcStride,
                                    int n, float[] out, int outOff, int srcRows, int outStride) {
        int tileW = 4 * L;
        int[] cursor = Arena.intsAtLeast(segments);
        int o0 = 0;
        for (; o0 + tileW <= n; o0 += tileW) {
            System.arraycopy(start, 0, cursor, 0, segments);
            for (int r1 = BLOCK; ; r1 += BLOCK) {
                for (int i = 0; i < segments; i++) {
                    int p = cursor[i];
                    int pe = start[i + 1];
                    if (p == pe || list[p] >= r1) {
                        continue;
                    }
                    int ob = outOff + i * outStride + o0;
                    FloatVector a0 = FloatVector.fromArray(S, out, ob);
                    FloatVector a1 = FloatVector.fromArray(S, out, ob + L);
                    FloatVector a2 = FloatVector.fromArray(S, out, ob + 2 * L);
                    FloatVector a3 = FloatVector.fromArray(S, out, ob + 3 * L);
                    for (; p < pe; p++) {
                        int c = list[p];
                        if (c >= r1) {
                            break;
                        }
                        int sb = srcOff + c * srcStride + o0;
                        a0 = a0.add(FloatVector.fromArray(S, src, sb));
                        a1 = a1.add(FloatVector.fromArray(S, src, sb + L));
                        a2 = a2.add(FloatVector.fromArray(S, src, sb + 2 * L));
                        a3 = a3.add(FloatVector.fromArray(S, src, sb + 3 * L));
                    }
                    cursor[i] = p;
                    a0.intoArray(out, ob);
                    a1.intoArray(out, ob + L);
                    a2.intoArray(out, ob + 2 * L);
                    a3.intoArray(out, ob + 3 * L);
                }
                if (r1 >= srcRows) {
                    break;
                }
            }
        }
        return o0;
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
