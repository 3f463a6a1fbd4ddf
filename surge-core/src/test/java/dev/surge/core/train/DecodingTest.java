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
}
