package dev.surge.data;

import dev.surge.core.data.EventSampleSet;
import java.util.SplittableRandom;

/**
 * The random-manifold spike-timing dataset of Zenke &amp; Vogels (2021), generated in-process from a seed.
 *
 * <p>Each class {@code k} (and each spike {@code j} of a unit) has its own smooth random manifold: a map from
 * manifold coordinates {@code x ∈ [0,1]^D} to {@code units} values,
 * <pre>
 *   f_u(x) = Π_d Σ_{i<F} θ_{u,d,0,i} · s_i · sin(2π(i·x_d·θ_{u,d,1,i} + θ_{u,d,2,i})),
 *   s_i = 1 / ((i+1)^α + 1),   F = ceil(1000^(1/α)) (at most 1000),   θ ~ U(0,1), θ_{u,d,0,0} = 0,
 * </pre>
 * as in the reference {@code randman} package. A sample of class k draws {@code x ~ U(0,1)^D}; each unit fires once
 * per manifold, at time {@code ⌊T·(f_u(x) − min_u)/(max_u − min_u + 1e-7)⌋}, where min/max are taken over the class's
 * samples. The information is entirely in relative spike timing: every unit fires the same number of spikes.
 */
public final class Randman {
    private Randman() {
    }

    /**
     * Generation parameters.
     *
     * @param classes         number of classes (manifolds)
     * @param units           input units (embedding dimension)
     * @param steps           time steps T
     * @param dimManifold     manifold dimension D
     * @param alpha           smoothness (power-spectrum fall-off)
     * @param samplesPerClass samples drawn from each class
     * @param spikesPerUnit   spikes per unit per sample (one manifold each)
     * @param seed            everything follows from this seed
     */
    public record Config(int classes, int units, int steps, int dimManifold, double alpha, int samplesPerClass,
                         int spikesPerUnit, long seed) {
        public Config {
            check(classes >= 2, "classes must be >= 2, got " + classes);
            check(units >= 1, "units must be >= 1, got " + units);
            check(steps >= 1, "steps must be >= 1, got " + steps);
            check(dimManifold >= 1, "manifold dimension must be >= 1, got " + dimManifold);
            check(alpha > 0 && Double.isFinite(alpha), "alpha must be positive, got " + alpha);
            check(samplesPerClass >= 1, "samples per class must be >= 1, got " + samplesPerClass);
            check(spikesPerUnit >= 1, "spikes per unit must be >= 1, got " + spikesPerUnit);
        }

        /** 10 classes, 20 units, T = 100, D = 1, α = 2, 1000 samples per class, one spike per unit. */
        public static Config defaults(long seed) {
            return new Config(10, 20, 100, 1, 2.0, 1000, 1, seed);
        }

        private static void check(boolean ok, String msg) {
            if (!ok) {
                throw new IllegalArgumentException("randman: " + msg);
            }
        }
    }

    /** Generates the whole dataset, samples in shuffled order. Deterministic for a config. */
    public static EventSampleSet generate(Config c) {
        SplittableRandom root = new SplittableRandom(c.seed());
        int n = c.classes() * c.samplesPerClass();
        int spikes = c.units() * c.spikesPerUnit();
        int[] labels = new int[n];
        int[][] times = new int[n][];
        int[][] units = new int[n][];
        int fc = (int) Math.min(Math.ceil(Math.pow(1e-3, -1.0 / c.alpha())), 1000);
        double[] spect = new double[fc];
        for (int i = 0; i < fc; i++) {
            spect[i] = 1.0 / (Math.pow(i + 1, c.alpha()) + 1.0);
        }
        int idx = 0;
        for (int k = 0; k < c.classes(); k++) {
            SplittableRandom classRng = root.split();
            double[][] x = new double[c.samplesPerClass()][c.dimManifold()];
            for (double[] row : x) {
                for (int d = 0; d < row.length; d++) {
                    row[d] = classRng.nextDouble();
                }
            }
            int[][] t = new int[c.samplesPerClass()][spikes];
            int[][] u = new int[c.samplesPerClass()][spikes];
            for (int j = 0; j < c.spikesPerUnit(); j++) {
                double[][][][] theta = manifold(classRng.split(), c.units(), c.dimManifold(), fc);
                double[][] y = new double[c.samplesPerClass()][c.units()];
                for (int s = 0; s < y.length; s++) {
                    for (int unit = 0; unit < c.units(); unit++) {
                        y[s][unit] = eval(theta[unit], spect, x[s]);
                    }
                }
                for (int unit = 0; unit < c.units(); unit++) {
                    double mi = Double.POSITIVE_INFINITY;
                    double ma = Double.NEGATIVE_INFINITY;
                    for (double[] row : y) {
                        mi = Math.min(mi, row[unit]);
                        ma = Math.max(ma, row[unit]);
                    }
                    for (int s = 0; s < y.length; s++) {
                        double z = (y[s][unit] - mi) / (ma - mi + 1e-7);
                        int bin = (int) Math.floor(z * c.steps());
                        t[s][j * c.units() + unit] = Math.min(Math.max(bin, 0), c.steps() - 1);
                        u[s][j * c.units() + unit] = unit;
                    }
                }
            }
            for (int s = 0; s < c.samplesPerClass(); s++) {
                labels[idx] = k;
                times[idx] = t[s];
                units[idx] = u[s];
                idx++;
            }
        }
        // Fisher-Yates shuffle of the samples
        SplittableRandom shuffle = root.split();
        for (int i = n - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            int l = labels[i];
            labels[i] = labels[j];
            labels[j] = l;
            int[] a = times[i];
            times[i] = times[j];
            times[j] = a;
            a = units[i];
            units[i] = units[j];
            units[j] = a;
        }
        return new EventSampleSet(c.steps(), c.units(), c.classes(), labels, times, units);
    }

    /** θ[unit][d][p][i], uniform in [0,1), with the constant term's amplitude θ[.][.][0][0] = 0. */
    private static double[][][][] manifold(SplittableRandom rng, int units, int dim, int fc) {
        double[][][][] th = new double[units][dim][3][fc];
        for (int u = 0; u < units; u++) {
            for (int d = 0; d < dim; d++) {
                for (int p = 0; p < 3; p++) {
                    for (int i = 0; i < fc; i++) {
                        th[u][d][p][i] = rng.nextDouble();
                    }
                }
                th[u][d][0][0] = 0;
            }
        }
        return th;
    }

    private static double eval(double[][][] theta, double[] spect, double[] x) {
        double prod = 1;
        for (int d = 0; d < x.length; d++) {
            double sum = 0;
            double[][] th = theta[d];
            for (int i = 0; i < spect.length; i++) {
                sum += th[0][i] * spect[i] * Math.sin(2 * Math.PI * (i * x[d] * th[1][i] + th[2][i]));
            }
            prod *= sum;
        }
        return prod;
    }
}
