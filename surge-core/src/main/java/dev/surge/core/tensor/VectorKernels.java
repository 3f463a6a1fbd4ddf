package dev.surge.core.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final int IL = IS.length();

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
        // a cell holds a dozen entries or so: each is copied a vector of indices at a time, the last vector running
        // past the cell's end into the space of the cells after it, which are written later (in order); hence the
        // slack of one vector at the end of bl
        int[] bl = Arena.intsAtLeast((int) entries + IL);
        int q = 0;
        for (int c = 0; c < cells; c++) {
            bs[c] = q;
            int p0 = pos[c];
            int pe = pos[c + segments];
            int p = p0;
            for (; p < pe && p + IL <= list.length; p += IL) {
                IntVector.fromArray(IS, list, p).intoArray(bl, q + (p - p0));
            }
            for (; p < pe; p++) {
                bl[q + (p - p0)] = list[p];
            }
            q += pe - p0;
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

    /**
     * {@link Kernels#narrowProduct}: rows of {@code c} four at a time, tiles of four vectors of each in registers while
     * the {@code n} scaled rows of {@code b} are added in order (each load of {@code b} serving four rows); the rows
     * and columns left over one row at a time, the columns past the last full vector scalar.
     *
     * <p>No branch skips zero entries of {@code a}: on JDK 17 a data-dependent branch around the fused multiply-adds
     * makes C2 merge the accumulators as boxed objects, and the kernel ran ten times slower (8.3 against 0.8 ms at
     * {@code [1600, 10]·[10, 1000]} with 10% zeros), allocating a vector per operation.
     */
    static void narrowProduct(int m, int n, int k, float[] a, float[] b, float[] c, boolean add) {
        int i = 0;
        int full = k - k % (4 * L);
        for (; i + 4 <= m; i += 4) {
            for (int j = 0; j < full; j += 4 * L) {
                // c[i..i+3, j..] over o: the rows of b, scaled by a[i + r, o]
                tile4x4(n, b, j, k, a, i * n, 1, n, c, i * k + j, k, add);
            }
            for (int r = i; r < i + 4; r++) {
                productRow(n, k, a, b, c, add, r, full);
            }
        }
        for (; i < m; i++) {
            productRow(n, k, a, b, c, add, i, 0);
        }
    }

    /**
     * A tile of four rows × four vectors of {@code c} (rows {@code cOff + r·cStride}, {@code r < 4}) in sixteen
     * registers, from {@code c} or from zero when not adding, and {@code steps} rank-one updates in order: at step
     * {@code t}, the four vectors at {@code vec[vecOff + t·vecStep ..]} scaled by the four scalars
     * {@code sc[scOff + t·scStep + r·scStride]}, one per row, by fused multiply-adds. Each load of a vector serves four
     * rows. {@link #narrowProduct} runs it over {@code o} (rows of {@code c}, rows of {@code b} as the vectors),
     * {@link #addNarrowOuter} over {@code i} (rows of {@code gw}, rows of {@code x} as the vectors).
     */
    private static void tile4x4(int steps, float[] vec, int vecOff, int vecStep, float[] sc, int scOff, int scStep,
                                int scStride, float[] c, int cOff, int cStride, boolean add) {
        int r0 = cOff;
        int r1 = r0 + cStride;
        int r2 = r1 + cStride;
        int r3 = r2 + cStride;
        FloatVector c00 = add ? FloatVector.fromArray(S, c, r0) : FloatVector.zero(S);
        FloatVector c01 = add ? FloatVector.fromArray(S, c, r0 + L) : FloatVector.zero(S);
        FloatVector c02 = add ? FloatVector.fromArray(S, c, r0 + 2 * L) : FloatVector.zero(S);
        FloatVector c03 = add ? FloatVector.fromArray(S, c, r0 + 3 * L) : FloatVector.zero(S);
        FloatVector c10 = add ? FloatVector.fromArray(S, c, r1) : FloatVector.zero(S);
        FloatVector c11 = add ? FloatVector.fromArray(S, c, r1 + L) : FloatVector.zero(S);
        FloatVector c12 = add ? FloatVector.fromArray(S, c, r1 + 2 * L) : FloatVector.zero(S);
        FloatVector c13 = add ? FloatVector.fromArray(S, c, r1 + 3 * L) : FloatVector.zero(S);
        FloatVector c20 = add ? FloatVector.fromArray(S, c, r2) : FloatVector.zero(S);
        FloatVector c21 = add ? FloatVector.fromArray(S, c, r2 + L) : FloatVector.zero(S);
        FloatVector c22 = add ? FloatVector.fromArray(S, c, r2 + 2 * L) : FloatVector.zero(S);
        FloatVector c23 = add ? FloatVector.fromArray(S, c, r2 + 3 * L) : FloatVector.zero(S);
        FloatVector c30 = add ? FloatVector.fromArray(S, c, r3) : FloatVector.zero(S);
        FloatVector c31 = add ? FloatVector.fromArray(S, c, r3 + L) : FloatVector.zero(S);
        FloatVector c32 = add ? FloatVector.fromArray(S, c, r3 + 2 * L) : FloatVector.zero(S);
        FloatVector c33 = add ? FloatVector.fromArray(S, c, r3 + 3 * L) : FloatVector.zero(S);
        for (int t = 0, vb = vecOff, sb = scOff; t < steps; t++, vb += vecStep, sb += scStep) {
            FloatVector b0 = FloatVector.fromArray(S, vec, vb);
            FloatVector b1 = FloatVector.fromArray(S, vec, vb + L);
            FloatVector b2 = FloatVector.fromArray(S, vec, vb + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, vec, vb + 3 * L);
            FloatVector xv0 = FloatVector.broadcast(S, sc[sb]);
            c00 = xv0.fma(b0, c00);
            c01 = xv0.fma(b1, c01);
            c02 = xv0.fma(b2, c02);
            c03 = xv0.fma(b3, c03);
            FloatVector xv1 = FloatVector.broadcast(S, sc[sb + scStride]);
            c10 = xv1.fma(b0, c10);
            c11 = xv1.fma(b1, c11);
            c12 = xv1.fma(b2, c12);
            c13 = xv1.fma(b3, c13);
            FloatVector xv2 = FloatVector.broadcast(S, sc[sb + 2 * scStride]);
            c20 = xv2.fma(b0, c20);
            c21 = xv2.fma(b1, c21);
            c22 = xv2.fma(b2, c22);
            c23 = xv2.fma(b3, c23);
            FloatVector xv3 = FloatVector.broadcast(S, sc[sb + 3 * scStride]);
            c30 = xv3.fma(b0, c30);
            c31 = xv3.fma(b1, c31);
            c32 = xv3.fma(b2, c32);
            c33 = xv3.fma(b3, c33);
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + L);
        c02.intoArray(c, r0 + 2 * L);
        c03.intoArray(c, r0 + 3 * L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c12.intoArray(c, r1 + 2 * L);
        c13.intoArray(c, r1 + 3 * L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c22.intoArray(c, r2 + 2 * L);
        c23.intoArray(c, r2 + 3 * L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c32.intoArray(c, r3 + 2 * L);
        c33.intoArray(c, r3 + 3 * L);
    }

    /** Row {@code i} of {@code c} from column {@code j0} on: tiles of four vectors, single vectors, then scalars. */
    private static void productRow(int n, int k, float[] a, float[] b, float[] c, boolean add, int i, int j0) {
        int ci = i * k;
        int ai = i * n;
        int j = j0;
        for (; j + 4 * L <= k; j += 4 * L) {
            FloatVector c0 = add ? FloatVector.fromArray(S, c, ci + j) : FloatVector.zero(S);
            FloatVector c1 = add ? FloatVector.fromArray(S, c, ci + j + L) : FloatVector.zero(S);
            FloatVector c2 = add ? FloatVector.fromArray(S, c, ci + j + 2 * L) : FloatVector.zero(S);
            FloatVector c3 = add ? FloatVector.fromArray(S, c, ci + j + 3 * L) : FloatVector.zero(S);
            for (int o = 0; o < n; o++) {
                FloatVector xv = FloatVector.broadcast(S, a[ai + o]);
                int bo = o * k + j;
                c0 = xv.fma(FloatVector.fromArray(S, b, bo), c0);
                c1 = xv.fma(FloatVector.fromArray(S, b, bo + L), c1);
                c2 = xv.fma(FloatVector.fromArray(S, b, bo + 2 * L), c2);
                c3 = xv.fma(FloatVector.fromArray(S, b, bo + 3 * L), c3);
            }
            c0.intoArray(c, ci + j);
            c1.intoArray(c, ci + j + L);
            c2.intoArray(c, ci + j + 2 * L);
            c3.intoArray(c, ci + j + 3 * L);
        }
        for (; j + L <= k; j += L) {
            FloatVector acc = add ? FloatVector.fromArray(S, c, ci + j) : FloatVector.zero(S);
            for (int o = 0; o < n; o++) {
                acc = FloatVector.broadcast(S, a[ai + o]).fma(FloatVector.fromArray(S, b, o * k + j), acc);
            }
            acc.intoArray(c, ci + j);
        }
        for (; j < k; j++) {
            float acc = add ? c[ci + j] : 0f;
            for (int o = 0; o < n; o++) {
                acc = Math.fma(a[ai + o], b[o * k + j], acc);
            }
            c[ci + j] = acc;
        }
    }

    /** Lanes of the preferred float vector. */
    static int lanes() {
        return L;
    }

    /**
     * {@link Kernels#addNarrowDots}, two rows at a time ({@link #dotsTwoRows}); the partial sums of a dot product are
     * its accumulator's lanes, stored and added in lane order.
     */
    static void addNarrowDots(int m, int k, int n, float[] x, float[] w, float[] y) {
        float[] part = new float[8 * L];
        int full = k - k % L;
        int i = 0;
        for (; i + 2 <= m; i += 2) {
            dotsTwoRows(k, n, x, w, y, part, full, i, true);
        }
        if (i < m) {
            dotsTwoRows(k, n, x, w, y, part, full, i, false); // the odd last row, paired with itself
        }
    }

    /**
     * Rows {@code i} and {@code i + 1} of {@link #addNarrowDots}: eight dot products (two rows × four outputs) at a
     * time, so that eight chains of fused multiply-adds are in flight (four were bound by the latency of each), then
     * the outputs left over two at a time (one per row). Without {@code two}, only row {@code i}: it is paired with
     * itself and the second copy's sums are dropped.
     */
    private static void dotsTwoRows(int k, int n, float[] x, float[] w, float[] y, float[] part, int full, int i,
                                    boolean two) {
        int xa = i * k;
        int xb = two ? xa + k : xa;
        int o = 0;
        for (; o + 4 <= n; o += 4) {
            int w0 = o * k;
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            FloatVector b0 = FloatVector.zero(S);
            FloatVector b1 = FloatVector.zero(S);
            FloatVector b2 = FloatVector.zero(S);
            FloatVector b3 = FloatVector.zero(S);
            for (int j = 0; j < full; j += L) {
                FloatVector xv = FloatVector.fromArray(S, x, xa + j);
                FloatVector xw = FloatVector.fromArray(S, x, xb + j);
                FloatVector v0 = FloatVector.fromArray(S, w, w0 + j);
                FloatVector v1 = FloatVector.fromArray(S, w, w0 + k + j);
                FloatVector v2 = FloatVector.fromArray(S, w, w0 + 2 * k + j);
                FloatVector v3 = FloatVector.fromArray(S, w, w0 + 3 * k + j);
                a0 = xv.fma(v0, a0);
                a1 = xv.fma(v1, a1);
                a2 = xv.fma(v2, a2);
                a3 = xv.fma(v3, a3);
                b0 = xw.fma(v0, b0);
                b1 = xw.fma(v1, b1);
                b2 = xw.fma(v2, b2);
                b3 = xw.fma(v3, b3);
            }
            a0.intoArray(part, 0);
            a1.intoArray(part, L);
            a2.intoArray(part, 2 * L);
            a3.intoArray(part, 3 * L);
            b0.intoArray(part, 4 * L);
            b1.intoArray(part, 5 * L);
            b2.intoArray(part, 6 * L);
            b3.intoArray(part, 7 * L);
            for (int q = 0; q < 4; q++) {
                finishDot(x, xa, w, w0 + q * k, full, k, part, q * L, y, i * n + o + q);
                if (two) {
                    finishDot(x, xb, w, w0 + q * k, full, k, part, (4 + q) * L, y, (i + 1) * n + o + q);
                }
            }
        }
        for (; o < n; o++) {
            int wo = o * k;
            FloatVector a0 = FloatVector.zero(S);
            FloatVector b0 = FloatVector.zero(S);
            for (int j = 0; j < full; j += L) {
                FloatVector v0 = FloatVector.fromArray(S, w, wo + j);
                a0 = FloatVector.fromArray(S, x, xa + j).fma(v0, a0);
                b0 = FloatVector.fromArray(S, x, xb + j).fma(v0, b0);
            }
            a0.intoArray(part, 0);
            b0.intoArray(part, L);
            finishDot(x, xa, w, wo, full, k, part, 0, y, i * n + o);
            if (two) {
                finishDot(x, xb, w, wo, full, k, part, L, y, (i + 1) * n + o);
            }
        }
    }

    /** {@code y[at] +=} the partial sums in lane order, then the elements from {@code full} on, in order. */
    private static void finishDot(float[] x, int xi, float[] w, int wo, int full, int k, float[] part, int p0,
                                  float[] y, int at) {
        float s = y[at];
        for (int l = 0; l < L; l++) {
            s += part[p0 + l];
        }
        for (int j = full; j < k; j++) {
            s = Math.fma(x[xi + j], w[wo + j], s);
        }
        y[at] = s;
    }

    /**
     * {@link Kernels#addNarrowOuter} by column tiles of four vectors: for each tile and each four rows of {@code gw}
     * (sixteen registers), every row of {@code x} is loaded once and added, scaled by four gradients; no branch on
     * zero gradients (see {@link #narrowProduct}).
     */
    static void addNarrowOuter(int m, int n, int k, float[] g, float[] x, float[] gw) {
        int j0 = 0;
        for (; j0 + 4 * L <= k; j0 += 4 * L) {
            int o = 0;
            for (; o + 4 <= n; o += 4) {
                // gw[o..o+3, j0..] over i: the rows of x, scaled by g[i, o + r]
                tile4x4(m, x, j0, k, g, o, n, 1, gw, o * k + j0, k, true);
            }
            for (; o < n; o++) {
                outer1(m, n, k, g, x, gw, o, j0);
            }
        }
        for (; j0 + L <= k; j0 += L) {
            for (int o = 0; o < n; o++) {
                int wo = o * k + j0;
                FloatVector c0 = FloatVector.fromArray(S, gw, wo);
                for (int i = 0; i < m; i++) {
                    c0 = FloatVector.broadcast(S, g[i * n + o]).fma(FloatVector.fromArray(S, x, i * k + j0), c0);
                }
                c0.intoArray(gw, wo);
            }
        }
        for (int o = 0; o < n; o++) {
            for (int j = j0; j < k; j++) {
                float acc = gw[o * k + j];
                for (int i = 0; i < m; i++) {
                    acc = Math.fma(g[i * n + o], x[i * k + j], acc);
                }
                gw[o * k + j] = acc;
            }
        }
    }

    /** Columns {@code [j0, j0 + 4L)} of row {@code o} of {@code gw} over every row of {@code x}, in row order. */
    private static void outer1(int m, int n, int k, float[] g, float[] x, float[] gw, int o, int j0) {
        int w0 = o * k + j0;
        FloatVector c0 = FloatVector.fromArray(S, gw, w0);
        FloatVector c1 = FloatVector.fromArray(S, gw, w0 + L);
        FloatVector c2 = FloatVector.fromArray(S, gw, w0 + 2 * L);
        FloatVector c3 = FloatVector.fromArray(S, gw, w0 + 3 * L);
        for (int i = 0; i < m; i++) {
            int xi = i * k + j0;
            FloatVector av = FloatVector.broadcast(S, g[i * n + o]);
            c0 = av.fma(FloatVector.fromArray(S, x, xi), c0);
            c1 = av.fma(FloatVector.fromArray(S, x, xi + L), c1);
            c2 = av.fma(FloatVector.fromArray(S, x, xi + 2 * L), c2);
            c3 = av.fma(FloatVector.fromArray(S, x, xi + 3 * L), c3);
        }
        c0.intoArray(gw, w0);
        c1.intoArray(gw, w0 + L);
        c2.intoArray(gw, w0 + 2 * L);
        c3.intoArray(gw, w0 + 3 * L);
    }

    /**
     * {@link SpikeRows#addRowSums}: tiles of four vectors of {@code gb} stay in registers while every row's slice is
     * added, in row order; the columns past the last full vector are scalar, also in row order.
     */
    static void addRowSums(float[] g, int rows, int n, float[] gb) {
        int o0 = 0;
        for (; o0 + 4 * L <= n; o0 += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(S, gb, o0);
            FloatVector a1 = FloatVector.fromArray(S, gb, o0 + L);
            FloatVector a2 = FloatVector.fromArray(S, gb, o0 + 2 * L);
            FloatVector a3 = FloatVector.fromArray(S, gb, o0 + 3 * L);
            for (int r = 0, gr = o0; r < rows; r++, gr += n) {
                a0 = a0.add(FloatVector.fromArray(S, g, gr));
                a1 = a1.add(FloatVector.fromArray(S, g, gr + L));
                a2 = a2.add(FloatVector.fromArray(S, g, gr + 2 * L));
                a3 = a3.add(FloatVector.fromArray(S, g, gr + 3 * L));
            }
            a0.intoArray(gb, o0);
            a1.intoArray(gb, o0 + L);
            a2.intoArray(gb, o0 + 2 * L);
            a3.intoArray(gb, o0 + 3 * L);
        }
        for (; o0 + L <= n; o0 += L) {
            FloatVector a = FloatVector.fromArray(S, gb, o0);
            for (int r = 0, gr = o0; r < rows; r++, gr += n) {
                a = a.add(FloatVector.fromArray(S, g, gr));
            }
            a.intoArray(gb, o0);
        }
        for (; o0 < n; o0++) {
            float a = gb[o0];
            for (int r = 0, gr = o0; r < rows; r++, gr += n) {
                a += g[gr];
            }
            gb[o0] = a;
        }
    }

    /**
     * The rows of {@link Kernels#transposed} in whole vectors' worth: for each {@code L} rows of {@code a} and each
     * column, one gathered load down the column and one store into the transposed row. Returns the rows done (the
     * rest, fewer than {@code L}, are left to the scalar copy).
     */
    static int transposeRows(float[] a, int rows, int cols, float[] t, int off, int stride) {
        int[] down = new int[L];
        for (int l = 0; l < L; l++) {
            down[l] = l * cols;
        }
        int i0 = 0;
        for (; i0 + L <= rows; i0 += L) {
            int base = i0 * cols;
            for (int j = 0; j < cols; j++) {
                FloatVector.fromArray(S, a, base + j, down, 0).intoArray(t, off + j * stride + i0);
            }
        }
        return i0;
    }

    /**
     * {@link SpikeRows#addTransposed} for the inputs in whole vectors' worth: for each {@code L} inputs and each output
     * {@code o}, one gathered load of their partial sums (stride {@code stride}) added to the row of {@code gw}.
     * Returns the inputs done (the rest, fewer than {@code L}, are left to the scalar loop).
     */
    static int addTransposed(float[] part, int cols, int from, int w, int stride, float[] gw, int gwOff) {
        int[] down = new int[L];
        for (int l = 0; l < L; l++) {
            down[l] = l * stride;
        }
        int c0 = 0;
        for (; c0 + L <= cols; c0 += L) {
            int base = c0 * stride;
            for (int o = from; o < w; o++) {
                int at = gwOff + o * cols + c0;
                FloatVector.fromArray(S, gw, at).add(FloatVector.fromArray(S, part, base + o, down, 0))
                        .intoArray(gw, at);
            }
        }
        return c0;
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
