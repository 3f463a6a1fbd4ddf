package dev.surge.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The SIMD checks the trainer runs on every batch (finiteness, the exact spike count) and the narrow products. */
class KernelsTest {

    @Test
    void transposedPutsEachColumnInARowAtTheGivenStride() {
        SplittableRandom r = new SplittableRandom(8);
        // fewer rows than a vector, exactly one, a remainder after whole vectors, and W3's first layer
        for (int[] shape : new int[][] {{1, 1}, {15, 7}, {16, 33}, {37, 100}, {1000, 784}}) {
            int rows = shape[0];
            int cols = shape[1];
            float[] a = new float[rows * cols];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextGaussian();
            }
            int off = SpikeRows.ALIGNED_OFFSET;
            int stride = SpikeRows.alignedStride(rows);
            float[] t = Kernels.transposed(a, rows, cols, off, stride);
            for (int j = 0; j < cols; j++) {
                for (int i = 0; i < rows; i++) {
                    assertEquals(a[i * cols + j], t[off + j * stride + i], 0f, "rows=" + rows + " cols=" + cols);
                }
            }
        }
    }

    @Test
    void allFiniteFindsOneBadValueAnywhere() {
        SplittableRandom r = new SplittableRandom(1);
        for (int n : new int[] {0, 1, 5, 16, 17, 100, 1000}) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (float) (r.nextGaussian() * 1e30); // large but finite, as are their products with zero
            }
            assertTrue(Kernels.allFinite(a), "n=" + n);
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                for (int at = 0; at < n; at += Math.max(1, n / 7)) {
                    float[] b = a.clone();
                    b[at] = bad;
                    assertFalse(Kernels.allFinite(b), bad + " at " + at + " of " + n);
                }
                if (n > 0) {
                    float[] b = a.clone();
                    b[n - 1] = bad; // in the scalar tail
                    assertFalse(Kernels.allFinite(b), bad + " last of " + n);
                }
            }
        }
    }

    @Test
    void spikeSumEqualsTheSequentialSum() {
        SplittableRandom r = new SplittableRandom(2);
        for (int n : new int[] {0, 3, 16, 31, 4097, 250_001, 16 * (1 << 20) + 21}) { // the last flushes its lane sums
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = r.nextDouble() < 0.4 ? 1f : 0f;
            }
            assertEquals(Tensor.of(a, n).sum(), Kernels.spikeSum(a), "n=" + n);
        }
    }

    @Test
    void narrowProductIsTheSameWithSimdAndScalarAndMatchesTheDefinition() {
        SplittableRandom r = new SplittableRandom(4);
        for (int[] shape : new int[][] {{1, 1, 1}, {7, 3, 5}, {50, 10, 784}, {33, 32, 17}, {20, 20, 1000}}) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            float[] a = new float[m * n];
            float[] b = new float[n * k];
            float[] c0 = new float[m * k];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextDouble() < 0.3 ? 0f : (float) r.nextGaussian(); // a readout gradient has zeros
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < c0.length; i++) {
                c0[i] = (float) r.nextGaussian();
            }
            float[] c1 = c0.clone();
            float[] c2 = c0.clone();
            Kernels.addNarrowProduct(m, n, k, a, b, c1);
            Kernels.addNarrowProductScalar(m, n, k, a, b, c2);
            org.junit.jupiter.api.Assertions.assertArrayEquals(c2, c1, 0f, "m=" + m + " n=" + n + " k=" + k);
            // overwriting: whatever c held (NaN here) is never read; the values of a product added into zeros
            float[] c3 = new float[m * k];
            java.util.Arrays.fill(c3, Float.NaN);
            float[] c4 = new float[m * k];
            Kernels.narrowProduct(m, n, k, a, b, c3, false);
            Kernels.addNarrowProductScalar(m, n, k, a, b, c4);
            org.junit.jupiter.api.Assertions.assertArrayEquals(c4, c3, 0f, "overwrite m=" + m + " n=" + n + " k=" + k);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < k; j++) {
                    double want = c0[i * k + j];
                    for (int o = 0; o < n; o++) {
                        want += (double) a[i * n + o] * b[o * k + j];
                    }
                    assertEquals(want, c1[i * k + j], 1e-5 * (1 + Math.abs(want)), "m=" + m + " n=" + n + " k=" + k);
                }
            }
        }
    }

    @Test
    void narrowDotsAndOuterProductsAreTheSameWithSimdAndScalarAndMatchTheDefinitions() {
        SplittableRandom r = new SplittableRandom(5);
        for (int[] shape : new int[][] {{1, 1, 1}, {9, 5, 3}, {40, 10, 1000}, {17, 7, 33}, {25, 32, 784}, {3, 4, 16}}) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            float[] x = new float[m * k];
            float[] w = new float[n * k];
            float[] g = new float[m * n];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextDouble() < 0.8 ? 0f : 1f; // spikes, as a readout's input
            }
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < g.length; i++) {
                g[i] = r.nextDouble() < 0.2 ? 0f : (float) r.nextGaussian();
            }
            float[] y0 = new float[m * n];
            for (int i = 0; i < y0.length; i++) {
                y0[i] = (float) r.nextGaussian();
            }
            float[] y1 = y0.clone();
            float[] y2 = y0.clone();
            Kernels.addNarrowDots(m, k, n, x, w, y1);
            Kernels.addNarrowDotsScalar(m, k, n, x, w, y2, Kernels.DOT_LANES);
            org.junit.jupiter.api.Assertions.assertArrayEquals(y2, y1, 0f, "dots m=" + m + " n=" + n + " k=" + k);
            for (int i = 0; i < m; i++) {
                for (int o = 0; o < n; o++) {
                    double want = y0[i * n + o];
                    for (int j = 0; j < k; j++) {
                        want += (double) x[i * k + j] * w[o * k + j];
                    }
                    assertEquals(want, y1[i * n + o], 1e-5 * (1 + Math.abs(want)), "dots m=" + m + " n=" + n);
                }
            }
            float[] gw0 = w.clone();
            float[] gw1 = w.clone();
            float[] gw2 = w.clone();
            Kernels.addNarrowOuter(m, n, k, g, x, gw1);
            Kernels.addNarrowOuterScalar(m, n, k, g, x, gw2);
            org.junit.jupiter.api.Assertions.assertArrayEquals(gw2, gw1, 0f, "outer m=" + m + " n=" + n + " k=" + k);
            for (int o = 0; o < n; o++) {
                for (int j = 0; j < k; j++) {
                    double want = gw0[o * k + j];
                    for (int i = 0; i < m; i++) {
                        want += (double) g[i * n + o] * x[i * k + j];
                    }
                    assertEquals(want, gw1[o * k + j], 1e-5 * (1 + Math.abs(want)), "outer m=" + m + " n=" + n);
                }
            }
        }
    }
}
