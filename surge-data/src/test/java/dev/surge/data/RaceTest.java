package dev.surge.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.data.SampleSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The race: the label is the channel that fires most, samples repeat by seed. */
class RaceTest {

    @Test
    void theLabelIsTheFastestChannel() {
        // long trials: the channel with the highest rate has the most spikes
        SampleSet s = Race.generate(new Race.Config(3, 4000, 0.1, 0.6, 100, 5));
        int[] perLabel = new int[3];
        for (int n = 0; n < s.size(); n++) {
            int[] count = new int[3];
            s.writeEvents(n, (t, i) -> count[i / Race.GROUP]++, new SplittableRandom(0));
            int best = 0;
            for (int k = 1; k < 3; k++) {
                best = count[k] > count[best] ? k : best;
            }
            assertEquals(best, s.label(n), "sample " + n);
            perLabel[s.label(n)]++;
        }
        for (int c : perLabel) {
            assertTrue(c > 15, "every channel wins sometimes: " + java.util.Arrays.toString(perLabel));
        }
        int[] again = new int[1];
        int[] first = new int[1];
        s.writeEvents(7, (t, i) -> first[0] += t * 31 + i, new SplittableRandom(1));
        Race.generate(new Race.Config(3, 4000, 0.1, 0.6, 100, 5)).writeEvents(7, (t, i) -> again[0] += t * 31 + i,
                new SplittableRandom(2));
        assertEquals(first[0], again[0], "a sample is fixed by its seed and index");
        assertThrows(IllegalArgumentException.class, () -> new Race.Config(1, 10, 0.1, 0.8, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Race.Config(2, 10, 0.1, 1.0, 1, 0));
    }
}
