package dev.surge.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.data.EventSampleSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Randman: deterministic for a seed, one spike per unit, balanced classes, timing carries the class. */
class RandmanTest {
    static float[] dense(EventSampleSet s, int i) {
        float[] x = new float[s.steps() * s.inputs()];
        s.write(i, x, 0, 1, new SplittableRandom(0));
        return x;
    }

    @Test
    void sameSeedSameDataDifferentSeedDifferentData() {
        Randman.Config c = new Randman.Config(4, 10, 50, 1, 2.0, 30, 1, 7);
        EventSampleSet a = Randman.generate(c);
        EventSampleSet b = Randman.generate(c);
        EventSampleSet d = Randman.generate(new Randman.Config(4, 10, 50, 1, 2.0, 30, 1, 8));
        boolean anyDiff = false;
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.label(i), b.label(i));
            assertArrayEquals(dense(a, i), dense(b, i));
            anyDiff |= !java.util.Arrays.equals(dense(a, i), dense(d, i));
        }
        assertTrue(anyDiff, "a different seed must give different data");
    }

    @Test
    void everyUnitFiresOncePerManifoldAndClassesAreBalanced() {
        EventSampleSet s = Randman.generate(new Randman.Config(5, 12, 40, 2, 2.0, 20, 2, 3));
        assertEquals(100, s.size());
        int[] perClass = new int[5];
        for (int i = 0; i < s.size(); i++) {
            perClass[s.label(i)]++;
            float[] x = dense(s, i);
            for (int u = 0; u < 12; u++) {
                float count = 0;
                for (int t = 0; t < 40; t++) {
                    count += x[t * 12 + u];
                }
                assertEquals(2f, count, "unit " + u + " of sample " + i + " fires once per manifold");
            }
        }
        assertArrayEquals(new int[] {20, 20, 20, 20, 20}, perClass);
    }

    @Test
    void spikeTimesSpanTheWholeWindowPerUnit() {
        EventSampleSet s = Randman.generate(new Randman.Config(2, 6, 100, 1, 2.0, 200, 1, 11));
        for (int u = 0; u < 6; u++) {
            for (int k = 0; k < 2; k++) {
                int min = Integer.MAX_VALUE;
                int max = -1;
                for (int i = 0; i < s.size(); i++) {
                    if (s.label(i) != k) {
                        continue;
                    }
                    float[] x = dense(s, i);
                    for (int t = 0; t < 100; t++) {
                        if (x[t * 6 + u] > 0) {
                            min = Math.min(min, t);
                            max = Math.max(max, t);
                        }
                    }
                }
                // standardised per class and unit: earliest at step 0, latest at the last step
                assertEquals(0, min);
                assertEquals(99, max);
            }
        }
    }

    @Test
    void samplesAreShuffled() {
        EventSampleSet s = Randman.generate(new Randman.Config(3, 5, 20, 1, 2.0, 50, 1, 5));
        boolean sortedByClass = true;
        for (int i = 1; i < s.size(); i++) {
            sortedByClass &= s.label(i) >= s.label(i - 1);
        }
        assertFalse(sortedByClass);
    }

    @Test
    void badParametersAreRejectedWithTheirName() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Randman.Config(1, 10, 50, 1, 2, 10, 1, 0));
        assertTrue(e.getMessage().contains("classes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Randman.Config(3, 10, 50, 1, -2, 10, 1, 0));
        assertTrue(e.getMessage().contains("alpha"), e.getMessage());
    }
}
