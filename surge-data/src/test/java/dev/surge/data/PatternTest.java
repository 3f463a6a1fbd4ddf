package dev.surge.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.data.SampleSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The target-raster task: the built-in "SURGE" raster, raster files, the frozen input and its noise. */
class PatternTest {

    @Test
    void builtinRasterSpellsSurge() {
        Pattern.Raster r = Pattern.builtin();
        assertEquals(7, r.neurons());
        // 10 lead steps, 29 glyph columns 4 steps apart (5 letters of 5 columns and 4 blank columns), 10 trailing
        assertEquals(10 + 28 * 4 + 1 + 10, r.steps());
        // '#' count of the glyphs, by hand from the font in Pattern: S 15, U 15, R 18, G 17, E 18
        assertEquals(83, r.spikes());
        // S: the top row ".###." fires neuron 6 at the columns 1..3 of letter 0 (steps 14, 18, 22), not at 10
        assertFalse(r.spike(10, 6));
        assertTrue(r.spike(14, 6) && r.spike(18, 6) && r.spike(22, 6));
        // E (letter 4, columns 24..28): the bottom row "#####" fires neuron 0 at steps 106..122, 4 apart
        for (int col = 0; col < 5; col++) {
            assertTrue(r.spike(10 + (24 + col) * 4, 0), "E bottom row, column " + col);
        }
        // the blank column after each letter is silent: e.g. column 5 (step 30)
        for (int n = 0; n < 7; n++) {
            assertFalse(r.spike(30, n));
        }
        // only glyph columns carry spikes
        for (int t = 0; t < r.steps(); t++) {
            for (int n = 0; n < 7; n++) {
                if (r.spike(t, n)) {
                    assertEquals(2, t % 4, "step " + t);
                }
            }
        }
    }

    @Test
    void rasterFilesAreReadRowPerNeuron(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("t.txt");
        Files.writeString(f, "# two neurons, four steps\n0 1 0 0\n\n1,0,0,1\n");
        Pattern.Raster r = Pattern.read(f);
        assertEquals(2, r.neurons());
        assertEquals(4, r.steps());
        assertTrue(r.spike(1, 0) && r.spike(0, 1) && r.spike(3, 1));
        assertEquals(3, r.spikes());
        Files.writeString(f, "0101\n011\n");
        assertEquals(f + ": line 2 has 3 steps, the rows before it 4 (every neuron's row needs one value per time "
                + "step)", assertThrows(DataFormatException.class, () -> Pattern.read(f)).getMessage());
        Files.writeString(f, "0102\n");
        assertTrue(assertThrows(DataFormatException.class, () -> Pattern.read(f)).getMessage()
                .contains("line 1: '2' is not 0 or 1"));
        Files.writeString(f, "# nothing\n");
        assertTrue(assertThrows(DataFormatException.class, () -> Pattern.read(f)).getMessage()
                .contains("no raster rows"));
        Files.writeString(f, "000\n000\n");
        assertTrue(assertThrows(DataFormatException.class, () -> Pattern.read(f)).getMessage()
                .contains("no spikes"));
        assertTrue(assertThrows(DataFormatException.class, () -> Pattern.read(tmp.resolve("missing.txt")))
                .getMessage().contains("not found"));
    }

    static boolean[] events(SampleSet s, int index) {
        boolean[] on = new boolean[s.steps() * s.inputs()];
        s.writeEvents(index, (t, i) -> {
            assertFalse(on[t * s.inputs() + i], "one event per (step, input)");
            on[t * s.inputs() + i] = true;
        }, new SplittableRandom(0));
        return on;
    }

    @Test
    void everySampleSharesTheFrozenInputAndHasItsOwnNoise() {
        Pattern.Config c = new Pattern.Config(Pattern.builtin(), 40, 0.05, 0.0, 8, 3, 3);
        SampleSet quiet = Pattern.generate(c);
        assertArrayEquals(events(quiet, 0), events(quiet, 5), "without noise all samples are the frozen input");
        // another split (noise seed) shares the frozen input
        assertArrayEquals(events(quiet, 0), events(Pattern.generate(c.with(4, 99)), 2));
        int frozen = 0;
        for (boolean b : events(quiet, 0)) {
            frozen += b ? 1 : 0;
        }
        double expected = 0.05 * 40 * 133;
        assertTrue(Math.abs(frozen - expected) < 4 * Math.sqrt(expected), frozen + " vs " + expected);
        SampleSet noisy = Pattern.generate(new Pattern.Config(Pattern.builtin(), 40, 0.05, 0.01, 8, 3, 3));
        boolean[] a = events(noisy, 0);
        boolean[] b = events(noisy, 1);
        boolean[] q = events(quiet, 0);
        int extra = 0;
        for (int i = 0; i < q.length; i++) {
            assertTrue(!q[i] || a[i], "noise only adds spikes");
            extra += a[i] && !q[i] ? 1 : 0;
        }
        assertTrue(extra > 0 && !java.util.Arrays.equals(a, b), "samples differ by their noise");
        assertArrayEquals(a, events(noisy, 0), "a sample is the same each time it is asked for");
        // and the frozen input follows the pattern seed
        assertFalse(java.util.Arrays.equals(q, events(Pattern.generate(
                new Pattern.Config(Pattern.builtin(), 40, 0.05, 0.0, 8, 4, 3)), 0)));
    }

    @Test
    void targetsAreTheRasterInEverySlot() {
        Pattern.Raster r = Pattern.builtin();
        SampleSet s = Pattern.generate(new Pattern.Config(r, 10, 0.05, 0.0, 4, 1, 1));
        assertEquals(7, s.targetOutputs());
        assertEquals(7, s.classes());
        float[] y = new float[r.steps() * 3 * 7];
        s.writeTarget(2, y, 1, 3);
        for (int t = 0; t < r.steps(); t++) {
            for (int slot = 0; slot < 3; slot++) {
                for (int n = 0; n < 7; n++) {
                    float want = slot == 1 && r.spike(t, n) ? 1f : 0f;
                    assertEquals(want, y[(t * 3 + slot) * 7 + n]);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Pattern.Config(r, 10, 0.05, 1.0, 4, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Pattern.Config(r, 0, 0.05, 0.0, 4, 1, 1));
    }
}
