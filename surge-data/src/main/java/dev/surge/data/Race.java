package dev.surge.data;

import dev.surge.core.data.SampleSet;
import java.util.SplittableRandom;

/**
 * A winner-take-all race decided by the first spike, generated in-process from a seed, one sample at a time:
 * {@code channels} groups of 10 Poisson inputs, each group firing at its own rate for the whole trial; the label is
 * the group with the highest rate. The winner fires at a rate drawn from {@code [rate/2, rate]} per step, every other
 * group at a fraction drawn from {@code [0.3, gap]} of the winner's. Trained with {@code temporal_margin} on a spiking
 * output layer (preset {@code race}), the output neuron of the strongest channel must fire first.
 */
public final class Race {
    /** Inputs per channel. */
    public static final int GROUP = 10;

    private Race() {
    }

    /**
     * Generation parameters.
     *
     * @param channels competing channels (classes), at least 2
     * @param steps    sequence length T
     * @param rate     the winner's largest firing probability per step
     * @param gap      the largest ratio of a loser's rate to the winner's, below 1
     * @param samples  number of samples
     * @param seed     everything follows from this seed and the sample's index
     */
    public record Config(int channels, int steps, double rate, double gap, int samples, long seed) {
        public Config {
            if (channels < 2) {
                throw new IllegalArgumentException("race: channels must be at least 2, got " + channels);
            }
            if (steps <= 0 || samples <= 0) {
                throw new IllegalArgumentException("race: steps and samples must be positive, got " + steps + " and "
                        + samples);
            }
            if (!(rate > 0 && rate <= 1)) {
                throw new IllegalArgumentException("race: rate is a probability per step in (0, 1], got " + rate);
            }
            if (!(gap > 0.3 && gap < 1)) {
                throw new IllegalArgumentException("race: gap must be in (0.3, 1), got " + gap);
            }
        }

        /** The same race with another seed and size (for the splits). */
        public Config with(int n, long s) {
            return new Config(channels, steps, rate, gap, n, s);
        }
    }

    /** The samples of {@code c}: labels and rates drawn now, spikes whenever a batch asks for them. */
    public static SampleSet generate(Config c) {
        return new Set(c);
    }

    private static SplittableRandom rng(Config c, int index) {
        return new SplittableRandom(c.seed() * 0x9E3779B97F4A7C15L + 0x52414345L + index);
    }

    /** Per-channel rates of sample {@code index}: the winner's, and a fraction of it for the others. */
    private static double[] rates(Config c, int index, SplittableRandom r) {
        int winner = r.nextInt(c.channels());
        double top = c.rate() * (0.5 + 0.5 * r.nextDouble());
        double[] p = new double[c.channels()];
        for (int k = 0; k < p.length; k++) {
            p[k] = k == winner ? top : top * (0.3 + (c.gap() - 0.3) * r.nextDouble());
        }
        return p;
    }

    private static final class Set extends GeneratedEvents {
        private final Config c;
        private final byte[] labels;

        Set(Config c) {
            this.c = c;
            labels = new byte[c.samples()];
            for (int i = 0; i < labels.length; i++) {
                double[] p = rates(c, i, rng(c, i));
                int best = 0;
                for (int k = 1; k < p.length; k++) {
                    best = p[k] > p[best] ? k : best;
                }
                labels[i] = (byte) best;
            }
        }

        @Override
        public int size() {
            return labels.length;
        }

        @Override
        public int inputs() {
            return c.channels() * GROUP;
        }

        @Override
        public int steps() {
            return c.steps();
        }

        @Override
        public int classes() {
            return c.channels();
        }

        @Override
        public int label(int index) {
            return labels[index];
        }

        @Override
        public void writeEvents(int index, EventSink sink, SplittableRandom ignored) {
            SplittableRandom r = rng(c, index);
            double[] p = rates(c, index, r); // the same draws as the label's
            for (int t = 0; t < c.steps(); t++) {
                for (int i = 0; i < c.channels() * GROUP; i++) {
                    if (r.nextDouble() < p[i / GROUP]) {
                        sink.spike(t, i);
                    }
                }
            }
        }

        @Override
        public String toString() {
            return "race(" + labels.length + " samples, " + c.channels() + " channels, T=" + c.steps() + ")";
        }
    }
}
