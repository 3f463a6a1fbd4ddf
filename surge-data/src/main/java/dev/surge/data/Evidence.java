package dev.surge.data;

import dev.surge.core.data.SampleSet;
import java.util.SplittableRandom;

/**
 * Evidence accumulation with a delayed decision (the cue task of Bellec et al., Nat. Commun. 2020, after Morcos &amp;
 * Tank 2016), generated in-process from a seed, one sample at a time: no sample is stored, so a set of any length
 * and size takes no memory beyond its labels.
 *
 * <p>40 inputs in four groups of 10: left cue, right cue, recall cue, background noise. A trial shows {@code cues}
 * cues, each {@code cueSteps} of firing at {@code cueRate} per step on its side's group followed by {@code gapSteps}
 * of silence; each cue's side is drawn uniformly. Then a delay (the rest of the sequence) and, in the last
 * {@code recallSteps}, the recall group fires at {@code cueRate}. Background neurons fire at {@code noiseRate}
 * throughout. The label is the side that showed more cues (0 = left, 1 = right; an odd cue count leaves no tie).
 * The reference timing (ms steps) is 7 cues of 100 + 50, a recall of 150, 40 Hz cues and 10 Hz noise: with
 * {@code T = 2250} the delay is 1050 steps; {@code --time-steps} lengthens or shortens the delay.
 */
public final class Evidence {
    /** Inputs per group; groups are left, right, recall, noise. */
    public static final int GROUP = 10;

    private Evidence() {
    }

    /**
     * Generation parameters.
     *
     * @param cues        number of cues (odd)
     * @param cueSteps    steps of firing per cue
     * @param gapSteps    silent steps after each cue
     * @param recallSteps steps of the recall cue at the end
     * @param steps       sequence length T
     * @param cueRate     firing probability per step of a cue's (and the recall cue's) neurons
     * @param noiseRate   firing probability per step of the background neurons
     * @param samples     number of samples
     * @param seed        everything follows from this seed and the sample's index
     */
    public record Config(int cues, int cueSteps, int gapSteps, int recallSteps, int steps, double cueRate,
                         double noiseRate, int samples, long seed) {
        public Config {
            if (cues <= 0 || cues % 2 == 0) {
                throw new IllegalArgumentException("evidence: cues must be a positive odd number, got " + cues);
            }
            if (cueSteps <= 0 || gapSteps < 0 || recallSteps <= 0) {
                throw new IllegalArgumentException("evidence: cue and recall steps must be positive and the gap not "
                        + "negative, got cue=" + cueSteps + " gap=" + gapSteps + " recall=" + recallSteps);
            }
            if (!(cueRate >= 0 && cueRate <= 1) || !(noiseRate >= 0 && noiseRate <= 1)) {
                throw new IllegalArgumentException("evidence: rates are probabilities per step in [0, 1], got rate="
                        + cueRate + " noise=" + noiseRate);
            }
            if (samples <= 0) {
                throw new IllegalArgumentException("evidence: samples must be positive, got " + samples);
            }
            long need = (long) cues * (cueSteps + gapSteps) + recallSteps + 1;
            if (steps < need) {
                throw new IllegalArgumentException("evidence: --time-steps " + steps + " leaves no delay after "
                        + cues + " cues of " + (cueSteps + gapSteps) + " steps and a recall of " + recallSteps
                        + "; use at least " + need);
            }
        }

        /** The reference timing (7 cues of 100 + 50 steps, recall 150, 0.04 and 0.01 per step). */
        public static Config defaults(int steps, int samples, long seed) {
            return new Config(7, 100, 50, 150, steps, 0.04, 0.01, samples, seed);
        }

        /** Steps between the last cue's gap and the recall cue. */
        public int delay() {
            return steps - cues * (cueSteps + gapSteps) - recallSteps;
        }

        /** The same task with another seed and size (for the splits). */
        public Config with(int n, long s) {
            return new Config(cues, cueSteps, gapSteps, recallSteps, steps, cueRate, noiseRate, n, s);
        }
    }

    /** The samples of {@code c}: labels computed now, events generated whenever a batch asks for them. */
    public static SampleSet generate(Config c) {
        return new Set(c);
    }

    private static SplittableRandom rng(Config c, int index) {
        return new SplittableRandom(c.seed() * 0x9E3779B97F4A7C15L + index);
    }

    private static final class Set extends GeneratedEvents {
        private final Config c;
        private final byte[] labels;

        Set(Config c) {
            this.c = c;
            labels = new byte[c.samples()];
            for (int i = 0; i < labels.length; i++) {
                int right = 0;
                SplittableRandom r = rng(c, i);
                for (int k = 0; k < c.cues(); k++) {
                    right += r.nextInt(2);
                }
                labels[i] = (byte) (2 * right > c.cues() ? 1 : 0);
            }
        }

        @Override
        public int size() {
            return labels.length;
        }

        @Override
        public int inputs() {
            return 4 * GROUP;
        }

        @Override
        public int steps() {
            return c.steps();
        }

        @Override
        public int classes() {
            return 2;
        }

        @Override
        public int label(int index) {
            return labels[index];
        }

        @Override
        public void writeEvents(int index, EventSink sink, SplittableRandom ignored) {
            SplittableRandom r = rng(c, index);
            int[] side = new int[c.cues()];
            for (int k = 0; k < side.length; k++) {
                side[k] = r.nextInt(2); // the same draws as the label's
            }
            int cuesEnd = c.cues() * (c.cueSteps() + c.gapSteps());
            int recallFrom = c.steps() - c.recallSteps();
            for (int t = 0; t < c.steps(); t++) {
                int group = -1;
                if (t < cuesEnd) {
                    int k = t / (c.cueSteps() + c.gapSteps());
                    if (t - k * (c.cueSteps() + c.gapSteps()) < c.cueSteps()) {
                        group = side[k];
                    }
                } else if (t >= recallFrom) {
                    group = 2;
                }
                for (int i = 0; i < 4 * GROUP; i++) {
                    int g = i / GROUP;
                    double p = g == 3 ? c.noiseRate() : g == group ? c.cueRate() : 0;
                    if (p > 0 && r.nextDouble() < p) {
                        sink.spike(t, i);
                    }
                }
            }
        }

        @Override
        public String toString() {
            return "evidence(" + labels.length + " samples, T=" + c.steps() + ", delay " + c.delay() + ")";
        }
    }
}
