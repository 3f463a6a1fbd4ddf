package dev.surge.core.train;

import dev.surge.core.loss.Loss;
import dev.surge.core.tensor.Tensor;

/**
 * How a class is read from the output {@code [T, B, C]}, matching the loss: the largest maximum membrane
 * ({@code ce_max_membrane}), mean membrane ({@code ce_mean_membrane}; over the last window of steps for
 * {@code ce_last_membrane}), spike count ({@code ce_count},
 * {@code mse_count}, {@code van_rossum}), or the earliest first spike ({@code ce_first_spike},
 * {@code temporal_margin}; ties broken by spike count, then by the lowest index).
 */
public final class Decoding {
    private Decoding() {
    }

    public static int[] predict(Loss loss, Tensor out) {
        int[] sh = out.shape();
        int steps = sh[0];
        int batch = sh[1];
        int c = sh[2];
        float[] d = out.data();
        int[] pred = new int[batch];
        for (int b = 0; b < batch; b++) {
            double[] score = new double[c];
            for (int k = 0; k < c; k++) {
                double s;
                if (loss instanceof Loss.CeMaxMembrane) {
                    s = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t < steps; t++) {
                        s = Math.max(s, d[(t * batch + b) * c + k]);
                    }
                } else if (loss instanceof Loss.CeLastMembrane last) {
                    s = 0;
                    for (int t = last.from(steps); t < steps; t++) {
                        s += d[(t * batch + b) * c + k];
                    }
                } else if (loss instanceof Loss.CeFirstSpike || loss instanceof Loss.TemporalMargin) {
                    s = firstSpikeScore(d, steps, batch, c, b, k);
                } else {
                    s = 0;
                    for (int t = 0; t < steps; t++) {
                        s += d[(t * batch + b) * c + k];
                    }
                }
                score[k] = s;
            }
            int best = 0;
            for (int k = 1; k < c; k++) {
                if (score[k] > score[best]) {
                    best = k;
                }
            }
            pred[b] = best;
        }
        return pred;
    }

    /**
     * Per sample of {@code out [T, B, C]} (spikes), the first-spike margin: the earliest first spike among the wrong
     * classes minus the correct class's first spike, in steps (positive when the correct output fires first); a class
     * that never fires counts as firing at step T.
     */
    public static double[] firstSpikeMargins(Tensor out, int[] labels) {
        int[] sh = out.shape();
        int steps = sh[0];
        int batch = sh[1];
        int c = sh[2];
        float[] d = out.data();
        double[] m = new double[batch];
        for (int b = 0; b < batch; b++) {
            int[] first = new int[c];
            java.util.Arrays.fill(first, steps);
            for (int t = steps - 1; t >= 0; t--) {
                for (int k = 0; k < c; k++) {
                    if (d[(t * batch + b) * c + k] > 0) {
                        first[k] = t;
                    }
                }
            }
            int wrong = steps;
            for (int k = 0; k < c; k++) {
                if (k != labels[b]) {
                    wrong = Math.min(wrong, first[k]);
                }
            }
            m[b] = wrong - first[labels[b]];
        }
        return m;
    }

    /** Higher is earlier: {@code −t_first} plus a small count bonus to break ties. */
    private static double firstSpikeScore(float[] d, int steps, int batch, int c, int b, int k) {
        int first = steps;
        int count = 0;
        for (int t = 0; t < steps; t++) {
            if (d[(t * batch + b) * c + k] > 0) {
                if (first == steps) {
                    first = t;
                }
                count++;
            }
        }
        return -first + count * 1e-6;
    }
}
