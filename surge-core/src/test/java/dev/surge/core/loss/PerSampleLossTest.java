package dev.surge.core.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every loss's per-sample values average to its batch value, and each sample's value depends only on that sample
 * (computing a batch of one gives the same number); per-sample penalties likewise, and homeostasis refuses.
 */
class PerSampleLossTest {
    private static final int T = 5;
    private static final int B = 4;
    private static final int C = 3;

    private static Tensor spikes(SplittableRandom r, int t, int b, int c) {
        float[] d = new float[t * b * c];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextDouble() < 0.4 ? 1f : 0f;
        }
        return Tensor.of(d, t, b, c);
    }

    @Test
    void perSampleValuesAverageToTheBatchLossAndDependOnlyOnTheirSample() {
        SplittableRandom r = new SplittableRandom(3);
        Tensor out = spikes(r, T, B, C);
        Targets y = new Targets(new int[] {0, 2, 1, 2}, spikes(r, T, B, C));
        List<Loss> losses = List.of(new Loss.CeMaxMembrane(), new Loss.CeMeanMembrane(), new Loss.CeLastMembrane(2),
                new Loss.CeCount(),
                new Loss.MseCount(0.8f, 0.1f), new Loss.CeFirstSpike(), new Loss.TemporalMargin(2f),
                new Loss.VanRossum(0.7f));
        assertEquals(Loss.NAMES.size(), losses.size());
        for (Loss loss : losses) {
            Tape tape = new Tape();
            Var o = tape.constant(out);
            float batch = loss.apply(o, y).item();
            float[] rows = loss.perSample(o, y).value().data();
            assertEquals(B, rows.length, loss.name());
            double mean = 0;
            for (float v : rows) {
                mean += v / B;
            }
            assertEquals(batch, mean, 1e-5 * Math.max(1, Math.abs(batch)), loss.name());
            for (int b = 0; b < B; b++) {
                Tensor one = row(out, b);
                Targets yb = y.rows(new int[] {b});
                float alone = loss.apply(new Tape().constant(one), yb).item();
                assertEquals(alone, rows[b], 1e-5 * Math.max(1, Math.abs(alone)), loss.name() + " row " + b);
            }
        }
    }

    @Test
    void targetsOfSelectedRowsFollowTheRows() {
        Targets y = new Targets(new int[] {4, 5, 6}, Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3, 1));
        Targets s = y.rows(new int[] {2, 0, 2});
        assertArrayEquals(new int[] {6, 4, 6}, s.classes());
        assertArrayEquals(new float[] {3, 1, 3, 6, 4, 6}, s.spikes().data());
    }

    @Test
    void rateL1SplitsBySampleAndHomeostasisRefuses() {
        SplittableRandom r = new SplittableRandom(5);
        Tape tape = new Tape();
        List<Var> outs = List.of(tape.constant(spikes(r, T, B, C)));
        Regularizer l1 = new Regularizer.RateL1(0, 0.3f);
        float[] rows = l1.perSample(outs).value().data();
        double mean = 0;
        for (float v : rows) {
            mean += v / B;
        }
        assertEquals(l1.apply(outs).item(), mean, 1e-6);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Regularizer.Homeostasis(0, 0.1f, 1f).perSample(outs));
        assertTrue(e.getMessage().contains("homeostasis"), e.getMessage());
    }

    private static Tensor row(Tensor x, int b) {
        float[] d = new float[T * C];
        for (int t = 0; t < T; t++) {
            System.arraycopy(x.data(), (t * B + b) * C, d, t * C, C);
        }
        return Tensor.of(d, T, 1, C);
    }
}
