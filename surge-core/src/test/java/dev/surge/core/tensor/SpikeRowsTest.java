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
    void simdAndScalarPathsAreBitIdenticalAndMatchTheDefinition() {
        // widths that exercise the 4-vector tiles, single vectors and the scalar tail
        for (int n : new int[] {1, 7, 20, 64, 100, 256, 301}) {
            for (double density : new double[] {0.0, 0.03, 0.3, 1.0}) {
                SplittableRandom r = new SplittableRandom(n * 31L + (long) (density * 100));
                int rows = 37;
                int cols = 23;
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
