package dev.surge.data;

import dev.surge.core.data.SampleSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The target-spike-train task: a network driven by a frozen Poisson input must emit a given raster. Every sample
 * has the same frozen input (drawn once from the pattern seed: each input fires with probability {@code rate} per
 * step) plus its own noise (extra spikes with probability {@code noise} per step where the frozen input is silent),
 * and the same target raster. Trained with the van Rossum loss; {@link dev.surge.core.train.SpikeTiming} measures
 * how precisely the output lands on the target spikes.
 */
public final class Pattern {
    private Pattern() {
    }

    /**
     * A 0/1 raster of {@code neurons} spike trains over {@code steps} steps; {@code on[t·neurons + n]}.
     */
    public record Raster(int neurons, int steps, boolean[] on) {
        public Raster {
            if (neurons <= 0 || steps <= 0 || on.length != neurons * steps) {
                throw new IllegalArgumentException("raster: " + neurons + " neurons × " + steps + " steps do not match "
                        + on.length + " entries");
            }
        }

        public boolean spike(int step, int neuron) {
            return on[step * neurons + neuron];
        }

        /** Number of spikes. */
        public int spikes() {
            int n = 0;
            for (boolean b : on) {
                n += b ? 1 : 0;
            }
            return n;
        }
    }

    /** The 5×7 glyphs of the built-in target, top row first. */
    private static final String[][] GLYPHS = {
        {".###.", "#...#", "#....", ".###.", "....#", "#...#", ".###."}, // S
        {"#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."}, // U
        {"####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"}, // R
        {".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".###."}, // G
        {"#####", "#....", "#....", "####.", "#....", "#....", "#####"}, // E
    };

    /** Steps between two columns of a glyph in the built-in target. */
    public static final int COLUMN_STEPS = 4;

    /**
     * The built-in target: "SURGE" in a 5×7 font, one output neuron per glyph row (the top row the highest neuron,
     * so a raster plot reads upright), a glyph column every {@value #COLUMN_STEPS} steps and a blank column between
     * letters, after 10 silent steps and before 10 more: 7 neurons, 133 steps, 83 spikes.
     */
    public static Raster builtin() {
        int lead = 10;
        int columns = GLYPHS.length * 6 - 1;
        int steps = lead + (columns - 1) * COLUMN_STEPS + 1 + lead;
        int neurons = 7;
        boolean[] on = new boolean[steps * neurons];
        for (int g = 0; g < GLYPHS.length; g++) {
            for (int row = 0; row < 7; row++) {
                for (int col = 0; col < 5; col++) {
                    if (GLYPHS[g][row].charAt(col) == '#') {
                        int t = lead + (g * 6 + col) * COLUMN_STEPS;
                        on[t * neurons + (6 - row)] = true;
                    }
                }
            }
        }
        return new Raster(neurons, steps, on);
    }

    /**
     * Reads a raster from a text file: one line per output neuron (the first line neuron 0), one 0 or 1 per step,
     * optionally separated by spaces or commas; blank lines and lines starting with {@code #} are skipped. Every
     * line must have the same number of steps.
     */
    public static Raster read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, "target raster not found (a text file of 0/1 rows, one per neuron)");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<boolean[]> rows = new ArrayList<>();
        int width = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String digits = line.replaceAll("[\\s,]", "");
            boolean[] row = new boolean[digits.length()];
            for (int k = 0; k < digits.length(); k++) {
                char ch = digits.charAt(k);
                if (ch != '0' && ch != '1') {
                    throw new DataFormatException(file, "line " + (i + 1) + ": '" + ch + "' is not 0 or 1 (one row of "
                            + "0/1 per neuron, one column per time step)");
                }
                row[k] = ch == '1';
            }
            if (width >= 0 && row.length != width) {
                throw new DataFormatException(file, "line " + (i + 1) + " has " + row.length + " steps, the rows "
                        + "before it " + width + " (every neuron's row needs one value per time step)");
            }
            width = row.length;
            rows.add(row);
        }
        if (rows.isEmpty() || width == 0) {
            throw new DataFormatException(file, "no raster rows (one row of 0/1 per neuron, one column per step)");
        }
        int neurons = rows.size();
        boolean[] on = new boolean[width * neurons];
        int spikes = 0;
        for (int n = 0; n < neurons; n++) {
            for (int t = 0; t < width; t++) {
                on[t * neurons + n] = rows.get(n)[t];
                spikes += rows.get(n)[t] ? 1 : 0;
            }
        }
        if (spikes == 0) {
            throw new DataFormatException(file, "the raster has no spikes: nothing to learn");
        }
        return new Raster(neurons, width, on);
    }

    /**
     * Generation parameters.
     *
     * @param target      the raster every sample must produce
     * @param inputs      input channels
     * @param rate        the frozen input's spike probability per step
     * @param noise       each sample's extra spike probability per step (where the frozen input is silent)
     * @param samples     number of samples
     * @param patternSeed the frozen input follows from this seed
     * @param noiseSeed   each sample's noise follows from this seed and its index
     */
    public record Config(Raster target, int inputs, double rate, double noise, int samples, long patternSeed,
                         long noiseSeed) {
        public Config {
            if (inputs <= 0 || samples <= 0) {
                throw new IllegalArgumentException("pattern: inputs and samples must be positive, got " + inputs
                        + " and " + samples);
            }
            if (!(rate > 0 && rate <= 1)) {
                throw new IllegalArgumentException("pattern: rate is a probability per step in (0, 1], got " + rate);
            }
            if (!(noise >= 0 && noise < 1)) {
                throw new IllegalArgumentException("pattern: noise is a probability per step in [0, 1), got " + noise);
            }
        }

        /** The same task with another number of samples and noise seed (for the splits). */
        public Config with(int n, long seed) {
            return new Config(target, inputs, rate, noise, n, patternSeed, seed);
        }
    }

    /** The samples of {@code c}: the frozen input drawn now, each sample's noise when a batch asks for it. */
    public static SampleSet generate(Config c) {
        return new Set(c);
    }

    private static final class Set extends GeneratedEvents {
        private final Config c;
        private final boolean[] frozen; // [T·inputs]

        Set(Config c) {
            this.c = c;
            int steps = c.target().steps();
            frozen = new boolean[steps * c.inputs()];
            SplittableRandom r = new SplittableRandom(c.patternSeed() * 0x9E3779B97F4A7C15L + 0x50415454L);
            for (int i = 0; i < frozen.length; i++) {
                frozen[i] = r.nextDouble() < c.rate();
            }
        }

        @Override
        public int size() {
            return c.samples();
        }

        @Override
        public int inputs() {
            return c.inputs();
        }

        @Override
        public int steps() {
            return c.target().steps();
        }

        /** The output layer's width: one class per target neuron (every label is 0; the targets are the raster). */
        @Override
        public int classes() {
            return c.target().neurons();
        }

        @Override
        public int label(int index) {
            return 0;
        }

        @Override
        public int targetOutputs() {
            return c.target().neurons();
        }

        @Override
        public void writeTarget(int index, float[] y, int slot, int batch) {
            Raster r = c.target();
            int n = r.neurons();
            for (int t = 0; t < r.steps(); t++) {
                for (int k = 0; k < n; k++) {
                    if (r.spike(t, k)) {
                        y[(t * batch + slot) * n + k] = 1f;
                    }
                }
            }
        }

        @Override
        public void writeEvents(int index, EventSink sink, SplittableRandom ignored) {
            SplittableRandom r = new SplittableRandom(c.noiseSeed() * 0x9E3779B97F4A7C15L + 0x4E4F4953L + index);
            int in = c.inputs();
            for (int i = 0; i < frozen.length; i++) {
                if (frozen[i] || (c.noise() > 0 && r.nextDouble() < c.noise())) {
                    sink.spike(i / in, i % in);
                }
            }
        }

        @Override
        public String toString() {
            return "pattern(" + c.samples() + " samples, " + c.inputs() + " inputs, " + c.target().neurons()
                    + " targets, T=" + c.target().steps() + ")";
        }
    }
}
