package dev.surge.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The event-driven kernels: SIMD and scalar paths agree bit for bit, and both equal the dense definition. */
class SpikeRowsTest {

    @Test
    void testsRunWithTheVectorModule() {
        assertTrue(SpikeRows.VECTOR, "the build adds jdk.incubator.vector to the test JVM; the SIMD path must be tested");
    }

    @Test
    void rowSumsAreTheSameWithSimdAndScalarAndMatchTheDefinition() {
        SplittableRandom r = new SplittableRandom(9);
        for (int n : new int[] {1, 7, 16, 20, 64, 100, 301, 1000}) {
            int rows = 37;
            float[] g = new float[rows * n];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) r.nextGaussian();
            }
            float[] gb0 = new float[n];
            for (int o = 0; o < n; o++) {
                gb0[o] = (float) r.nextGaussian();
            }
            float[] gb1 = gb0.clone();
            float[] gb2 = gb0.clone();
            SpikeRows.addRowSums(g, rows, n, gb1);
            SpikeRows.addRowSumsScalar(g, rows, n, gb2);
            assertArrayEquals(gb2, gb1, 0f, "n=" + n);
            for (int o = 0; o < n; o++) {
                double want = gb0[o];
                for (int i = 0; i < rows; i++) {
                    want += g[i * n + o];
                }
                assertEquals(want, gb1[o], 1e-4 * (1 + Math.abs(want)), "n=" + n + ", o=" + o);
            }
        }
    }

    @Test
    void simdAndScalarPathsAreBitIdenticalAndMatchTheDefinition() {
        // widths that exercise the 8- and 4-vector tiles, single vectors, the overlapping last tile of each and the
        // scalar path below one vector; the 150×300 shape at 30% and
        // above has long enough lists for the L1-blocked kernel (blocks of 64 source rows, both ways)
        for (int[] shape : new int[][] {{37, 23}, {150, 300}}) {
            for (int n : new int[] {1, 7, 20, 40, 64, 100, 130, 256, 301}) {
                for (double density : new double[] {0.0, 0.03, 0.3, 1.0}) {
                    SplittableRandom r = new SplittableRandom(n * 31L + (long) (density * 100));
                    int rows = shape[0];
                    int cols = shape[1];
                    float[] x = new float[rows * cols];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = r.nextDouble() < density ? 1f : 0f;
                    }
                    float[] wt = new float[cols * n];
                    float[] g = new float[rows * n];
                    for (int i = 0; i < wt.length; i++) {
                        wt[i] = (float) r.nextGaussian();
                    }
                    for (int i = 0; i < g.length; i++) {
                        g[i] = (float) r.nextGaussian();
                    }
                    SpikeRows s = SpikeRows.of(x, 0, rows, cols, 1.0);
                    float[] y1 = new float[rows * n];
                    float[] y2 = new float[rows * n];
                    s.addRowsInto(wt, n, y1, 0);
                    s.addRowsScalar(wt, n, y2, 0);
                    assertArrayEquals(y2, y1, 0f, "forward, n=" + n + ", density " + density);
                    float[] g1 = new float[cols * n];
                    float[] g2 = new float[cols * n];
                    s.weightGradInto(g, n, g1);
                    s.weightGradScalar(g, n, g2);
                    assertArrayEquals(g2, g1, 0f, "weight gradient, n=" + n + ", density " + density);
                    // the same from rows at an offset with a padded stride; NaN padding shows if it is ever read
                    int off = SpikeRows.ALIGNED_OFFSET;
                    int stride = SpikeRows.alignedStride(n) + 16;
                    float[] wtp = padRows(wt, cols, n, off, stride);
                    float[] gp = padRows(g, rows, n, off, stride);
                    float[] y3 = new float[rows * n];
                    s.addRowsInto(wtp, off, stride, n, y3, 0);
                    assertArrayEquals(y1, y3, 0f, "forward from padded rows, n=" + n + ", density " + density);
                    float[] g3 = new float[cols * n];
                    s.weightGradInto(gp, off, stride, n, g3);
                    assertArrayEquals(g1, g3, 0f, "weight gradient from padded rows, n=" + n + ", density " + density);
                    // into W's layout [n, cols] on top of what is there: each element gets its sum added once
                    float[] gw = new float[n * cols];
                    float[] wantGw = new float[n * cols];
                    for (int o = 0; o < n; o++) {
                        for (int c = 0; c < cols; c++) {
                            gw[o * cols + c] = (float) r.nextGaussian();
                            wantGw[o * cols + c] = gw[o * cols + c] + g1[c * n + o];
                        }
                    }
                    s.weightGradIntoWeights(g, n, gw);
                    assertArrayEquals(wantGw, gw, 0f, "weight gradient into W's layout, n=" + n + ", density " + density);
                    // the definitions, in double: y = x·wt and gwt = xᵀ·g
                    for (int i = 0; i < rows; i++) {
                        for (int o = 0; o < n; o++) {
                            double want = 0;
                            for (int c = 0; c < cols; c++) {
                                want += x[i * cols + c] * wt[c * n + o];
                            }
                            assertEquals(want, y1[i * n + o], 1e-4 * (1 + Math.abs(want)));
                        }
                    }
                    for (int c = 0; c < cols; c++) {
                        for (int o = 0; o < n; o++) {
                            double want = 0;
                            for (int i = 0; i < rows; i++) {
                                want += x[i * cols + c] * g[i * n + o];
                            }
                            assertEquals(want, g1[c * n + o], 1e-4 * (1 + Math.abs(want)));
                        }
                    }
                }
            }
        }
    }

    /** {@code a [rows, n]} copied to rows at {@code off + r·stride}, everything else NaN. */
    private static float[] padRows(float[] a, int rows, int n, int off, int stride) {
        float[] p = new float[off + rows * stride];
        java.util.Arrays.fill(p, Float.NaN);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(a, r * n, p, off + r * stride, n);
        }
        return p;
    }

    @Test
    void entriesInAnyOrderListTheSameRowsAsTheScanAndRepeatsAreCounts() {
        SplittableRandom r = new SplittableRandom(3);
        int rows = 29;
        int cols = 17;
        float[] x = new float[rows * cols];
        java.util.List<int[]> entries = new java.util.ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (r.nextDouble() < 0.2) {
                x[i] = 1f;
                entries.add(new int[] {i / cols, i % cols});
            }
        }
        java.util.Collections.shuffle(entries, new java.util.Random(5));
        int[] row = entries.stream().mapToInt(e -> e[0]).toArray();
        int[] col = entries.stream().mapToInt(e -> e[1]).toArray();
        SpikeRows given = SpikeRows.fromEntries(rows, cols, row, col, row.length);
        SpikeRows scanned = SpikeRows.of(x, 0, rows, cols, 1.0);
        assertEquals(scanned.count(), given.count());
        assertArrayEquals(x, given.toDense(), 0f);
        float[] wt = new float[cols * 9];
        for (int i = 0; i < wt.length; i++) {
            wt[i] = (float) r.nextGaussian();
        }
        float[] y1 = new float[rows * 9];
        float[] y2 = new float[rows * 9];
        given.addRowsInto(wt, 9, y1, 0);
        scanned.addRowsInto(wt, 9, y2, 0);
        assertArrayEquals(y2, y1, 0f, "same lists, same order, same sums");

        SpikeRows twice = SpikeRows.fromEntries(2, 3, new int[] {1, 0, 1}, new int[] {2, 0, 2}, 3);
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 2}, twice.toDense(), 0f);
        float[] y = new float[2];
        twice.addRowsInto(new float[] {1, 10, 100}, 1, y, 0);
        assertArrayEquals(new float[] {1, 200}, y, 0f);
        float[] gwt = new float[3];
        twice.weightGradInto(new float[] {3, 5}, 1, gwt);
        assertArrayEquals(new float[] {3, 0, 10}, gwt, 0f);

        SpikeRows rowsGiven = SpikeRows.ofRows(2, 3, new int[] {0, 1, 3}, new int[] {0, 2, 2});
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 2}, rowsGiven.toDense(), 0f);
        IllegalArgumentException order = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SpikeRows.ofRows(2, 3, new int[] {0, 1, 3}, new int[] {0, 2, 1}));
        assertTrue(order.getMessage().contains("row 1: column 1 out of order"), order.getMessage());

        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SpikeRows.fromEntries(2, 3, new int[] {0, 2}, new int[] {1, 1}, 2));
        assertTrue(e.getMessage().contains("event 1 at (row 2, column 1)"), e.getMessage());
    }

    @Test
    void aSpikeTensorKeepsItsEventsThroughReshapesAndExpandsOnlyWhenAsked() {
        SpikeRows ev = SpikeRows.fromEntries(6, 4, new int[] {0, 5, 5}, new int[] {3, 0, 0}, 3);
        Tensor t = Tensor.ofEvents(ev, 2, 3, 4);
        assertEquals(24, t.size());
        Tensor flat = t.reshape(6, 4);
        assertTrue(flat.events() == ev, "a reshape that keeps the last axis keeps the events");
        float[] d = flat.data();
        assertEquals(1f, d[3]);
        assertEquals(2f, d[20]);
        assertTrue(t.data() == d, "views share one expansion");
        assertEquals(3.0, t.sum());
        assertTrue(t.reshape(24).events() == null);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Tensor.ofEvents(ev, 3, 8));
        assertTrue(e.getMessage().contains("[3, 8]"), e.getMessage());
    }
}
