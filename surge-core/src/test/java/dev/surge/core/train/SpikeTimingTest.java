package dev.surge.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Matching output spikes to target spikes, on trains worked out by hand. */
class SpikeTimingTest {

    /** One neuron, one sample: a train of {@code steps} with spikes at {@code times}. */
    static Tensor train(int steps, int... times) {
        Tensor x = Tensor.zeros(steps, 1, 1);
        for (int t : times) {
            x.data()[t] = 1f;
        }
        return x;
    }

    @Test
    void handWorkedTrains() {
        // targets 5, 10, 20; outputs 5 (exact), 11 (1 late), 25 (5 late: beyond ±2, extra), 26 (extra)
        SpikeTiming m = SpikeTiming.of(train(30, 5, 11, 25, 26), train(30, 5, 10, 20), 2);
        assertEquals(3, m.targetSpikes());
        assertEquals(4, m.outputSpikes());
        assertEquals(2, m.matched());
        assertEquals(1, m.exact());
        assertEquals(2.0 / 3, m.hitRate(), 1e-12);
        assertEquals(1.0 / 3, m.exactRate(), 1e-12);
        assertEquals(0.5, m.timingError(), 1e-12); // (0 + 1) / 2
        assertEquals(2.0 / 3, m.extraRate(), 1e-12); // 2 unmatched outputs per 3 targets
        // with a tolerance of 5 the spike at 25 matches 20
        SpikeTiming wide = SpikeTiming.of(train(30, 5, 11, 25, 26), train(30, 5, 10, 20), 5);
        assertEquals(3, wide.matched());
        assertEquals(2.0, wide.timingError(), 1e-12); // (0 + 1 + 5) / 3
    }

    @Test
    void oneOutputSpikeServesOneTarget() {
        // targets 10 and 12 both within ±2 of the single output at 11: the earlier target takes it
        SpikeTiming m = SpikeTiming.of(train(20, 11), train(20, 10, 12), 2);
        assertEquals(1, m.matched());
        assertEquals(0.5, m.hitRate(), 1e-12);
        assertEquals(0, m.outputSpikes() - m.matched());
        // the nearest free output wins, the earlier one on a tie: target 10 with outputs 9 and 11 takes 9
        SpikeTiming tie = SpikeTiming.of(train(20, 9, 11), train(20, 10), 2);
        assertEquals(1, tie.matched());
        assertEquals(1.0, tie.timingError(), 1e-12);
        assertEquals(1.0, tie.extraRate(), 1e-12);
    }

    @Test
    void neuronsAndSamplesAreMatchedSeparately() {
        // [T=4, B=2, C=2]: a spike of another neuron or sample at the right step is no hit
        Tensor out = Tensor.zeros(4, 2, 2);
        Tensor target = Tensor.zeros(4, 2, 2);
        target.data()[(1 * 2 + 0) * 2 + 0] = 1f; // t=1, b=0, c=0
        out.data()[(1 * 2 + 0) * 2 + 1] = 1f; // t=1, b=0, c=1
        out.data()[(1 * 2 + 1) * 2 + 0] = 1f; // t=1, b=1, c=0
        SpikeTiming m = SpikeTiming.of(out, target, 1);
        assertEquals(0, m.matched());
        assertEquals(2.0, m.extraRate(), 1e-12);
        assertTrue(Double.isNaN(m.timingError()));
        assertEquals(m.plus(m).targetSpikes(), 2);
        assertThrows(IllegalArgumentException.class, () -> SpikeTiming.of(out, Tensor.zeros(4, 2, 3), 1));
    }
}
