package dev.surge.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The input encoders: what spikes each one emits for known intensities. */
class EncoderTest {
    static float[] enc(Encoder e, float[] x, int steps) {
        float[] out = new float[steps * e.inputs(x.length, 2)];
        e.encode(x, steps, out, 0, 1, new SplittableRandom(1));
        return out;
    }

    @Test
    void rateCodeFiresWithProbabilityProportionalToIntensityAndIsSeeded() {
        float[] x = {0f, 0.25f, 1f};
        int steps = 20000;
        float[] s = enc(new Encoder.Rate(1f), x, steps);
        double[] rate = new double[3];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < 3; i++) {
                rate[i] += s[t * 3 + i] / steps;
            }
        }
        assertEquals(0.0, rate[0]);
        assertEquals(0.25, rate[1], 0.015);
        assertEquals(1.0, rate[2], 1e-6);
        assertArrayEquals(s, enc(new Encoder.Rate(1f), x, steps), "same generator state, same spikes");
    }

    @Test
    void linearLatencyFiresOnceBrighterEarlierAndNotBelowThreshold() {
        float[] s = enc(new Encoder.Latency(0.2f), new float[] {1f, 0.5f, 0.1f}, 11);
        assertEquals(1f, s[0 * 3 + 0]);                // x = 1 at t = 0
        assertEquals(1f, s[5 * 3 + 1]);                // x = 0.5 at t = round(0.5·10) = 5
        double total = 0;
        for (float v : s) {
            total += v;
        }
        assertEquals(2.0, total, "x = 0.1 is below the threshold");
    }

    @Test
    void logLatencyMatchesTauLogFormula() {
        float[] s = enc(new Encoder.LogLatency(0.2f, 20f), new float[] {1f, 0.3f}, 100);
        int t0 = (int) Math.round(20 * Math.log(1 / 0.8));
        int t1 = (int) Math.round(20 * Math.log(0.3 / 0.1));
        assertEquals(1f, s[t0 * 2]);
        assertEquals(1f, s[t1 * 2 + 1]);
    }

    @Test
    void deltaEmitsOnAndOffEventsBetweenRows() {
        // 3 rows of width 2: column 0 rises then falls, column 1 stays
        float[] img = {0f, 0.5f, 1f, 0.5f, 0f, 0.5f};
        Encoder d = new Encoder.Delta(0.1f, 2);
        float[] s = new float[3 * 4];
        d.encode(img, 3, s, 0, 1, new SplittableRandom(0));
        // row 0: column 1 rises from 0 to 0.5 (ON); row 1: column 0 rises (ON); row 2: column 0 falls (OFF)
        assertArrayEquals(new float[] {0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0}, s);
        assertEquals(4, d.inputs(6, 2));
    }

    @Test
    void directRepeatsTheIntensitiesEveryStep() {
        float[] s = enc(new Encoder.Direct(), new float[] {0.3f, 0.7f}, 3);
        assertArrayEquals(new float[] {0.3f, 0.7f, 0.3f, 0.7f, 0.3f, 0.7f}, s);
    }

    @Test
    void unknownEncodingNamesTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Encoder.parse("morse"));
        assertTrue(e.getMessage().contains("rate, latency, latency-log, delta, direct"), e.getMessage());
    }
}
