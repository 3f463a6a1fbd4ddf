package dev.surge.core.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.SpikeRows;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The SIMD LIF rows give bit for bit the scalar rows, for every reset mode and option, including row tails. */
class LifKernelsTest {
    private static final int[] WIDTHS = {1, 7, 16, 33, 256};

    private static float[] random(SplittableRandom r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    private static float[] spikes(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextDouble() < 0.3 ? 1f : 0f;
        }
        return a;
    }

    @Test
    void forwardRowsMatchTheScalarLoop() {
        assertTrue(SpikeRows.VECTOR, "the SIMD path must be present in tests");
        SplittableRandom r = new SplittableRandom(3);
        for (int n : WIDTHS) {
            for (Reset reset : Reset.values()) {
                for (boolean first : new boolean[] {true, false}) {
                    float[] x = random(r, n + 3, 1f);
                    float[] v = random(r, 2 * n, 1f);
                    float[] out = new float[2 * n];
                    System.arraycopy(spikes(r, n), 0, out, 0, n);
                    float[] beta = random(r, n, 0.3f);
                    float[] th = random(r, n, 0.5f);
                    float[] v2 = v.clone();
                    float[] out2 = out.clone();
                    Lif.forwardRowScalar(reset, first, x, 3, v, n, 0, out, beta, th, n, 0);
                    LifVectorKernels.forwardRow(reset, first, x, 3, v2, n, 0, out2, beta, th, n);
                    String what = reset + " first=" + first + " n=" + n;
                    assertArrayEquals(v, v2, what);
                    assertArrayEquals(out, out2, what);
                }
            }
        }
    }

    @Test
    void fastSigmoidRowMatchesTheSurrogate() {
        SplittableRandom r = new SplittableRandom(4);
        Surrogate.FastSigmoid f = new Surrogate.FastSigmoid(25f);
        for (int n : WIDTHS) {
            float[] v = random(r, n + 5, 1f);
            float[] th = random(r, n, 0.5f);
            float[] sg = new float[n];
            LifVectorKernels.fastSigmoidRow(25f, v, 5, th, sg, n);
            for (int k = 0; k < n; k++) {
                assertTrue(Float.compare(f.derivative(v[5 + k] - th[k]), sg[k]) == 0, "n=" + n + " k=" + k);
            }
        }
    }

    @Test
    void backwardRowsMatchTheScalarLoop() {
        SplittableRandom r = new SplittableRandom(5);
        boolean[] tf = {true, false};
        for (int n : WIDTHS) {
            for (Reset reset : Reset.values()) {
                for (boolean synaptic : tf) {
                    for (boolean first : tf) {
                        for (boolean needTh : tf) {
                            for (boolean needBeta : tf) {
                                float[] gs = random(r, n, 1f);
                                float[] sg = random(r, n, 1f);
                                float[] gvNext = random(r, 2 * n, 1f);
                                float[] gInNext = random(r, 2 * n, 1f);
                                float[] v = random(r, 2 * n, 1f);
                                float[] out = spikes(r, 2 * n);
                                float[] beta = random(r, n, 0.3f);
                                float[] gCur = new float[2 * n];
                                float[] gTh = random(r, n, 1f);
                                float[] gBeta = random(r, n, 1f);
                                float[][] a = {gvNext, gInNext, gCur, gTh, gBeta};
                                float[][] b = new float[a.length][];
                                for (int i = 0; i < a.length; i++) {
                                    b[i] = a[i].clone();
                                }
                                Lif.backwardRowScalar(reset, synaptic, 0.7f, first, needTh, needBeta, gs, sg,
                                        a[0], a[1], n, v, out, n, 0, beta, a[2], a[3], a[4], n, 0);
                                LifVectorKernels.backwardRow(reset, synaptic, 0.7f, first, needTh, needBeta, gs, sg,
                                        b[0], b[1], n, v, out, n, 0, beta, b[2], b[3], b[4], n);
                                String what = reset + " synaptic=" + synaptic + " first=" + first + " th=" + needTh
                                        + " beta=" + needBeta + " n=" + n;
                                for (int i = 0; i < a.length; i++) {
                                    assertArrayEquals(a[i], b[i], what + " array " + i);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
