package dev.surge.core.tensor;

import java.util.Locale;

/**
 * How products with spike tensors are computed. {@code AUTO} (the default) measures each spike operand's density
 * and adds weight rows of the active inputs (event-driven) below a crossover density, else runs a dense GEMM;
 * {@code DENSE} and {@code EVENT} force one path (for tests and benchmarks). Set with the system property
 * {@code surge.products=auto|dense|event} or {@link #setProducts}.
 */
public final class Kernels {
    /** The product path policy. */
    public enum Products { AUTO, DENSE, EVENT }

    /**
     * Density of a 0/1 input below which a linear layer with {@code outputs} outputs runs its input product and
     * weight gradient event-driven. Measured with {@code surge-bench}'s {@code LinearBench} (forward and weight
     * gradient, ms per op, 1 thread, 2026-11-30, OpenBLAS through off-heap operands; see docs/PERFORMANCE.md):
     * <ul>
     *   <li>{@code [3200, 700] → 256}: dense OpenBLAS 28–31 at any density; SIMD event-driven 8.8 / 15 / 27 / 38 at
     *       5 / 10 / 20 / 30%; scalar event-driven 10 / 20 / 43 / 69 at 2 / 5 / 10 / 20% (earlier run);</li>
     *   <li>{@code [1600, 784] → 1000}: dense 55–58, SIMD event-driven 28 / 40 / 45 / 63 at 10 / 20 / 25 / 30%;</li>
     *   <li>{@code [3200, 256] → 20}: dense 1.4–1.6, SIMD event-driven 1.8–7.6 (a narrow product: dense wins).</li>
     * </ul>
     * Hence 20% for layers with 64 to 511 outputs and 25% from 512 outputs with the SIMD kernels, 7% with the scalar
     * ones, and always dense below 64 outputs.
     * With the pure-Java GEMM (several times slower than OpenBLAS) the event path pays up to higher densities; 25%
     * there is a conservative guess, not a measurement.
     */
    public static double linearCrossover(int outputs) {
        if (outputs < 64) {
            return 0;
        }
        if (!Blas.get().name().equals("openblas")) {
            return 0.25;
        }
        if (!SpikeRows.VECTOR) {
            return 0.07;
        }
        return outputs >= 512 ? 0.25 : 0.2;
    }

    /**
     * Fraction of active neurons below which the recurrent product of a step is event-driven: 5% with the scalar
     * adds (measured when the fused kernel was written), 20% with the SIMD kernels (the crossover measured for a
     * linear layer of the same width, 256; not measured for the per-step recurrent product itself).
     */
    public static double recurrentCrossover() {
        return SpikeRows.VECTOR ? 0.2 : 0.05;
    }

    private static volatile Products products = parse(System.getProperty("surge.products", "auto"));

    private Kernels() {
    }

    static Products parse(String s) {
        try {
            return Products.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("surge.products must be auto, dense or event, not '" + s + "'");
        }
    }

    public static Products products() {
        return products;
    }

    public static void setProducts(Products p) {
        products = java.util.Objects.requireNonNull(p);
    }

    /** The density up to which a product is event-driven under the current policy, given the AUTO crossover. */
    public static double eventMaxDensity(double autoCrossover) {
        return switch (products) {
            case AUTO -> autoCrossover;
            case DENSE -> -1;
            case EVENT -> 1.0;
        };
    }

    /**
     * {@code [rows, cols]} → {@code [cols, rows]} with row {@code j} of the result at {@code off + j·stride}, in an
     * array from the current arena (padding between rows is neither read nor written). With SIMD, sixteen rows at a
     * time by gathered loads down each column (0.67–0.71 against 1.1–1.2 ms for the blocked scalar copy at
     * {@code [1000, 784]}, interleaved in one JVM); the same values either way.
     */
    public static float[] transposed(float[] a, int rows, int cols, int off, int stride) {
        float[] t = Arena.floatsToOverwrite(off + cols * stride);
        int done = SpikeRows.VECTOR ? VectorKernels.transposeRows(a, rows, cols, t, off, stride) : 0;
        transposeScalar(a, done, rows, cols, t, off, stride);
        return t;
    }

    /** Rows {@code [r0, rows)} of {@link #transposed}, in 32 × 32 blocks so that both sides stay in the L1 cache. */
    static void transposeScalar(float[] a, int r0, int rows, int cols, float[] t, int off, int stride) {
        for (int i0 = r0; i0 < rows; i0 += 32) {
            int i1 = Math.min(rows, i0 + 32);
            for (int j0 = 0; j0 < cols; j0 += 32) {
                int j1 = Math.min(cols, j0 + 32);
                for (int i = i0; i < i1; i++) {
                    int r = i * cols;
                    for (int j = j0; j < j1; j++) {
                        t[off + j * stride + i] = a[r + j];
                    }
                }
            }
        }
    }

    /** Whether every element of {@code a} is finite (SIMD when available). */
    public static boolean allFinite(float[] a) {
        if (SpikeRows.VECTOR) {
            return VectorKernels.allFinite(a);
        }
        for (float v : a) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The sum of a spike tensor's elements: exact, and equal to {@link Tensor#sum()}, for values that are 0/1 spikes
     * (or small counts), in any order of addition; SIMD when available.
     */
    public static double spikeSum(float[] a) {
        if (SpikeRows.VECTOR) {
            return VectorKernels.spikeSum(a);
        }
        double s = 0;
        for (float v : a) {
            s += v;
        }
        return s;
    }

    /**
     * Widest {@code n} (a layer's outputs) for which the products of a linear layer run in Java instead of a GEMM
     * ({@link #addNarrowProduct}, {@link #addNarrowDots}, {@link #addNarrowOuter}): there each product is memory-bound
     * (each element of the wide operand takes {@code n} multiply-adds), and OpenBLAS through off-heap operands copies
     * the wide operand in (and the accumulator out) on every call. At a readout of W3 ({@code [1600, 1000] → 10}) the
     * three OpenBLAS calls took about 1, 1.7 and 1.2 ms per chunk in a training step.
     */
    public static final int NARROW = 32;

    /**
     * {@code c[i, j] += Σ_{o < n} a[i, o] · b[o, j]} for {@code a [m, n]}, {@code b [n, k]}, {@code c [m, k]} with a
     * narrow {@code n} (at most {@link #NARROW}): per element, fused multiply-adds over {@code o} in order, the same in
     * the SIMD and scalar paths.
     */
    public static void addNarrowProduct(int m, int n, int k, float[] a, float[] b, float[] c) {
        narrowProduct(m, n, k, a, b, c, true);
    }

    /**
     * {@link #addNarrowProduct} when {@code add}; otherwise {@code c} is overwritten with the product alone, its
     * contents never read (the same values as adding into zeros, without zeroing {@code c} first).
     */
    public static void narrowProduct(int m, int n, int k, float[] a, float[] b, float[] c, boolean add) {
        if (SpikeRows.VECTOR) {
            VectorKernels.narrowProduct(m, n, k, a, b, c, add);
        } else {
            if (!add) {
                java.util.Arrays.fill(c, 0, m * k, 0f);
            }
            addNarrowProductScalar(m, n, k, a, b, c);
        }
    }

    static void addNarrowProductScalar(int m, int n, int k, float[] a, float[] b, float[] c) {
        for (int i = 0; i < m; i++) {
            int ci = i * k;
            for (int o = 0; o < n; o++) {
                float x = a[i * n + o];
                int bo = o * k;
                for (int j = 0; j < k; j++) {
                    c[ci + j] = Math.fma(x, b[bo + j], c[ci + j]);
                }
            }
        }
    }

    /**
     * {@code y[i, o] += Σ_{j < k} x[i, j] · w[o, j]} for {@code x [m, k]}, {@code w [n, k]}, {@code y [m, n]} with a
     * narrow {@code n}: the forward product of a readout. Each dot product keeps {@link #DOT_LANES} partial sums
     * (element {@code j} of a full block of {@code DOT_LANES} goes to partial {@code j mod DOT_LANES} by fused
     * multiply-add), adds them to {@code y} in lane order, then the remaining elements in order; the SIMD and scalar
     * paths compute exactly this.
     */
    public static void addNarrowDots(int m, int k, int n, float[] x, float[] w, float[] y) {
        if (SpikeRows.VECTOR) {
            VectorKernels.addNarrowDots(m, k, n, x, w, y);
        } else {
            addNarrowDotsScalar(m, k, n, x, w, y, DOT_LANES);
        }
    }

    /**
     * Partial sums per dot product in {@link #addNarrowDots}: the lanes of the machine's preferred float vector (16 with
     * AVX-512, 8 with AVX2), or 16 without the Vector API. As with OpenBLAS, whose kernels also depend on the CPU, the
     * last bits of a readout may differ between machines; on one machine they do not vary.
     */
    static final int DOT_LANES = SpikeRows.VECTOR ? VectorKernels.lanes() : 16;

    static void addNarrowDotsScalar(int m, int k, int n, float[] x, float[] w, float[] y, int lanes) {
        float[] part = new float[lanes];
        int full = k - k % lanes;
        for (int i = 0; i < m; i++) {
            int xi = i * k;
            for (int o = 0; o < n; o++) {
                int wo = o * k;
                java.util.Arrays.fill(part, 0f);
                for (int j = 0; j < full; j += lanes) {
                    for (int l = 0; l < lanes; l++) {
                        part[l] = Math.fma(x[xi + j + l], w[wo + j + l], part[l]);
                    }
                }
                float s = y[i * n + o];
                for (int l = 0; l < lanes; l++) {
                    s += part[l];
                }
                for (int j = full; j < k; j++) {
                    s = Math.fma(x[xi + j], w[wo + j], s);
                }
                y[i * n + o] = s;
            }
        }
    }

    /**
     * {@code gw[o, j] += Σ_{i < m} g[i, o] · x[i, j]} for {@code g [m, n]}, {@code x [m, k]}, {@code gw [n, k]} with a
     * narrow {@code n}: the weight gradient of a readout. Per element, fused multiply-adds over {@code i} in order, the
     * same in the SIMD and scalar paths.
     */
    public static void addNarrowOuter(int m, int n, int k, float[] g, float[] x, float[] gw) {
        if (SpikeRows.VECTOR) {
            VectorKernels.addNarrowOuter(m, n, k, g, x, gw);
        } else {
            addNarrowOuterScalar(m, n, k, g, x, gw);
        }
    }

    static void addNarrowOuterScalar(int m, int n, int k, float[] g, float[] x, float[] gw) {
        for (int i = 0; i < m; i++) {
            for (int o = 0; o < n; o++) {
                float a = g[i * n + o];
                int wo = o * k;
                int xi = i * k;
                for (int j = 0; j < k; j++) {
                    gw[wo + j] = Math.fma(a, x[xi + j], gw[wo + j]);
                }
            }
        }
    }
}
