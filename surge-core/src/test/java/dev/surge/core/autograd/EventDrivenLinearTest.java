package dev.surge.core.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.tensor.Kernels;
import dev.surge.core.tensor.SpikeRows;
import dev.surge.core.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The event-driven path of {@code linear} (rows of Wᵀ added at the active inputs of a 0/1 input, weight gradient
 * accumulated over active inputs only) against finite differences and against the dense GEMM path.
 */
final class EventDrivenLinearTest {

    @AfterEach
    void restore() {
        Kernels.setProducts(Kernels.Products.AUTO);
    }

    private static Tensor spikes(long seed, double density, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextDouble() < density ? 1f : 0f;
        }
        return t;
    }

    @Test
    void eventDrivenLinearMatchesFiniteDifferences() {
        Kernels.setProducts(Kernels.Products.EVENT);
        SplittableRandom r = new SplittableRandom(3);
        GradCheck.Result res = GradCheck.check(v -> v[0].linear(v[1], v[2]).tanh(), GradCheck.DEFAULT_EPS, 1e-2,
                spikes(1, 0.3, 6, 5), Tensor.randn(r, 1f, 4, 5), Tensor.randn(r, 1f, 4));
        assertTrue(res.passed(), res::toString);
    }

    @Test
    void eventDrivenAndDenseGiveTheSameOutputsAndGradients() {
        for (double density : new double[] {0.0, 0.02, 0.1, 0.5, 1.0}) {
            Tensor x = spikes(11, density, 50, 37);
            SplittableRandom r = new SplittableRandom(5);
            Tensor w = Tensor.randn(r, 1f, 19, 37);
            Tensor b = Tensor.randn(r, 1f, 19);
            Tensor g = Tensor.randn(r, 1f, 50, 19);
            float[][] dense = run(Kernels.Products.DENSE, x, w, b, g);
            float[][] event = run(Kernels.Products.EVENT, x, w, b, g);
            for (int part = 0; part < dense.length; part++) {
                for (int i = 0; i < dense[part].length; i++) {
                    assertEquals(dense[part][i], event[part][i], 1e-4 * (1 + Math.abs(dense[part][i])),
                            "density " + density + ", part " + part + ", element " + i);
                }
            }
        }
    }

    @Test
    void layersWiderThanATileGiveTheSameOutputsAndGradients() {
        // wider than one 8-vector tile: the weight gradient runs slab by slab, the last one overlapping the one
        // before; the bias gradient is the same sum on both paths
        for (int n : new int[] {130, 301}) {
            for (double density : new double[] {0.05, 0.5}) {
                Tensor x = spikes(n, density, 70, 90);
                SplittableRandom r = new SplittableRandom(n);
                Tensor w = Tensor.randn(r, 1f, n, 90);
                Tensor b = Tensor.randn(r, 1f, n);
                Tensor g = Tensor.randn(r, 1f, 70, n);
                float[][] dense = run(Kernels.Products.DENSE, x, w, b, g);
                float[][] event = run(Kernels.Products.EVENT, x, w, b, g);
                for (int part = 0; part < dense.length; part++) {
                    for (int i = 0; i < dense[part].length; i++) {
                        assertEquals(dense[part][i], event[part][i], part == 3 ? 0 : 1e-4 * (1 + Math.abs(dense[part][i])),
                                "n " + n + ", density " + density + ", part " + part + ", element " + i);
                    }
                }
            }
        }
    }

    /** Output, ∂x, ∂W, ∂b of {@code x·Wᵀ + b} with output gradient {@code g}. */
    private static float[][] run(Kernels.Products mode, Tensor x, Tensor w, Tensor b, Tensor g) {
        Kernels.setProducts(mode);
        Tape tape = new Tape();
        Var xv = tape.param(x.copy());
        Var wv = tape.param(w.copy());
        Var bv = tape.param(b.copy());
        Var y = xv.linear(wv, bv);
        tape.backward(y, g);
        return new float[][] {y.value().data(), xv.grad().data(), wv.grad().data(), bv.grad().data()};
    }

    @Test
    void spikeRowsRefusesNonBinaryOrTooDenseInput() {
        assertNull(SpikeRows.of(new float[] {0f, 1f, 0.5f, 0f}, 0, 2, 2, 1.0), "0.5 is not a spike");
        assertNull(SpikeRows.of(new float[] {0f, 1f, 1f, 0f}, 0, 2, 2, 0.25), "density 0.5 > 0.25");
        assertNull(SpikeRows.of(new float[12], 0, 3, 4, -1), "forced dense, even for an all-zero input");
        assertNull(SpikeRows.of(new float[12], 0, 3, 4, 0), "crossover 0 (narrow layer): dense, even for all zeros");
        SpikeRows s = SpikeRows.of(new float[] {0f, 1f, 1f, 0f, 0f, 0f}, 0, 3, 2, 0.5);
        assertNotNull(s);
        assertEquals(2, s.count());
        assertEquals(1.0 / 3, s.density(), 1e-12);
    }

    @Test
    void autoModeChoosesByMeasuredDensity() {
        float[] sparse = spikes(2, 0.05, 100, 40).data();
        float[] dense = spikes(2, 0.6, 100, 40).data();
        double max = Kernels.eventMaxDensity(Kernels.linearCrossover(256));
        assertNotNull(SpikeRows.of(sparse, 0, 100, 40, max));
        assertNull(SpikeRows.of(dense, 0, 100, 40, max));
        Kernels.setProducts(Kernels.Products.DENSE);
        assertNull(SpikeRows.of(sparse, 0, 100, 40, Kernels.eventMaxDensity(Kernels.linearCrossover(256))));
    }
}
