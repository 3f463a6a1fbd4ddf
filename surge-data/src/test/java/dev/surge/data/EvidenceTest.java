package dev.surge.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.data.SampleSet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The evidence task: the label is the majority side, the timing is as configured, samples repeat by seed. */
class EvidenceTest {

    private static List<int[]> events(SampleSet s, int index) {
        List<int[]> e = new ArrayList<>();
        s.writeEvents(index, (t, i) -> e.add(new int[] {t, i}), new SplittableRandom(index));
        return e;
    }

    @Test
    void labelIsTheSideThatShowedMoreCues() {
        // rate 1: every cue neuron fires at every cue step, so the cues can be read back from the events
        Evidence.Config c = new Evidence.Config(5, 4, 2, 3, 60, 1.0, 0.0, 200, 7);
        SampleSet s = Evidence.generate(c);
        int right = 0;
        for (int n = 0; n < s.size(); n++) {
            int[] perGroup = new int[4];
            for (int[] e : events(s, n)) {
                int g = e[1] / Evidence.GROUP;
                perGroup[g]++;
                int t = e[0];
                if (g < 2) {
                    assertTrue(t < 5 * 6 && t % 6 < 4, "cue spikes only inside cue windows: t=" + t);
                } else if (g == 2) {
                    assertTrue(t >= 60 - 3, "recall only at the end: t=" + t);
                }
            }
            assertEquals(5 * 4 * Evidence.GROUP, perGroup[0] + perGroup[1]);
            assertEquals(3 * Evidence.GROUP, perGroup[2]);
            assertEquals(0, perGroup[3]);
            assertEquals(perGroup[1] > perGroup[0] ? 1 : 0, s.label(n), "sample " + n);
            right += s.label(n);
        }
        assertTrue(right > 70 && right < 130, "both sides occur: " + right + " of 200 right");
    }

    @Test
    void samplesRepeatBySeedWhateverTheOrderAndBatchWritingMatchesEvents() {
        Evidence.Config c = Evidence.Config.defaults(1300, 10, 3);
        SampleSet a = Evidence.generate(c);
        SampleSet b = Evidence.generate(c);
        List<int[]> late = events(b, 7);
        List<int[]> first = events(a, 7);
        assertEquals(first.size(), late.size());
        for (int i = 0; i < first.size(); i++) {
            assertEquals(first.get(i)[0], late.get(i)[0]);
            assertEquals(first.get(i)[1], late.get(i)[1]);
        }
        assertNotEquals(events(a, 6).size(), 0);
        float[] x = new float[1300 * 2 * 40];
        a.write(7, x, 1, 2, new SplittableRandom(0));
        double sum = 0;
        for (float v : x) {
            sum += v;
        }
        assertEquals(first.size(), sum, 0);
        assertEquals(1300 - 7 * 150 - 150, c.delay());
        // another seed, other samples
        assertNotEquals(events(Evidence.generate(c.with(10, 4)), 7).size(), first.size());
    }

    @Test
    void aSequenceWithNoRoomForADelayIsRefusedWithTheMinimum() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Evidence.Config.defaults(1200, 10, 1));
        assertEquals("evidence: --time-steps 1200 leaves no delay after 7 cues of 150 steps and a recall of 150; "
                + "use at least 1201", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Evidence.Config(4, 1, 1, 1, 100, 0.1, 0.1, 1, 1));
    }
}
