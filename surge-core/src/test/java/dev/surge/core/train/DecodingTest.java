package dev.surge.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.surge.core.loss.Loss;
import dev.surge.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Each loss reads the class the way it trains it: max membrane, mean membrane, spike count, or first spike. */
class DecodingTest {
    /** Output [T=4, B=1, C=3]. */
    static Tensor out(float... v) {
        return Tensor.of(v, 4, 1, 3);
    }

    @Test
    void maxMembranePicksTheHighestPeak() {
        // class 0 peaks at 5 once, class 1 is steadily 2 (higher mean), class 2 low
        Tensor o = out(5, 2, 0, 0, 2, 0, 0, 2, 0, 0, 2, 0);
        assertArrayEquals(new int[] {0}, Decoding.predict(new Loss.CeMaxMembrane(), o));
        assertArrayEquals(new int[] {1}, Decoding.predict(new Loss.CeMeanMembrane(), o));
    }

    @Test
    void countPicksTheMostSpikesAndFirstSpikePicksTheEarliest() {
        // class 2 fires first (t=0) once; class 1 fires three times from t=1
        Tensor s = out(0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0);
        assertArrayEquals(new int[] {1}, Decoding.predict(new Loss.CeCount(), s));
        assertArrayEquals(new int[] {1}, Decoding.predict(new Loss.MseCount(0.5f, 0.05f), s));
        assertArrayEquals(new int[] {2}, Decoding.predict(new Loss.CeFirstSpike(), s));
        assertArrayEquals(new int[] {2}, Decoding.predict(new Loss.TemporalMargin(2f), s));
    }

    @Test
    void firstSpikeTiesGoToTheNeuronWithMoreSpikes() {
        Tensor s = out(1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0);
        assertArrayEquals(new int[] {1}, Decoding.predict(new Loss.CeFirstSpike(), s));
    }

    @Test
    void firstSpikeMarginIsTheEarliestWrongFirstSpikeMinusTheRightOne() {
        // T = 4, B = 2, C = 3. Sample 0 (label 1): class 1 fires at t=0, class 0 at t=2, class 2 never (t=4): 2 − 0.
        // Sample 1 (label 0): class 0 never fires (4), class 2 fires at t=1: 1 − 4 = −3.
        float[] d = new float[4 * 2 * 3];
        d[(0 * 2 + 0) * 3 + 1] = 1;
        d[(2 * 2 + 0) * 3 + 0] = 1;
        d[(3 * 2 + 0) * 3 + 1] = 1;
        d[(1 * 2 + 1) * 3 + 2] = 1;
        d[(3 * 2 + 1) * 3 + 2] = 1;
        assertArrayEquals(new double[] {2, -3}, Decoding.firstSpikeMargins(Tensor.of(d, 4, 2, 3), new int[] {1, 0}));
    }
}
