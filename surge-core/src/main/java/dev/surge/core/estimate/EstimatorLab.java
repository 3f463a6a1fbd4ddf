package dev.surge.core.estimate;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.loss.Targets;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.ForwardContext;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.Parameter;
import dev.surge.core.neuron.SpikeFunction;
import dev.surge.core.tensor.RandomStream;
import dev.surge.core.tensor.Tensor;
import dev.surge.core.train.Objective;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts gradient estimators next to a reference gradient on one fixed batch: the exact gradient of the expected
 * objective when the network is small enough to enumerate ({@link ExactGradient}), else the mean of many
 * {@code reinforce_baseline} samples (unbiased, so it converges to the same thing). For each estimator it draws
 * {@code N} independent samples (sample n of row b uses the key {@code mix(mix(seed, n), b)}) and reports the mean
 * estimate's cosine and relative error against the reference, the trace of the per-sample covariance, the time per
 * sample, and the cosine of the running mean after 1, 2, 5, 10, 20, ... samples.
 */
public final class EstimatorLab {

    private EstimatorLab() {
    }

    /** A network at fixed parameters, a batch and an objective. */
    public record Problem(String name, Network net, Tensor input, Targets targets, Objective objective) {
        public Problem {
            if (input.rank() != 3 || input.dim(2) != net.inputs()) {
                throw new IllegalArgumentException(name + ": input must be [T, B, " + net.inputs() + "], got "
                        + java.util.Arrays.toString(input.shape()));
            }
        }

        /** The number of time steps {@code T}. */
        public int steps() {
            return input.dim(0);
        }
    }

    /**
     * The gradient the estimators are measured against.
     *
     * @param kind         {@code exact}, or {@code reinforce_baseline} with the number of samples, e.g.
     *                     {@code reinforce_baseline×100000}
     * @param expectedLoss the exact expected objective, or the sample mean for an estimated reference
     * @param selfCosine   1 for the exact gradient; for an estimate, the cosine between the means of its two halves
     *                     (drawn independently): how far its own noise limits the cosines measured against it
     */
    public record Reference(String kind, Map<String, double[]> gradient, double expectedLoss, double selfCosine) {
        public boolean exact() {
            return kind.equals("exact");
        }
    }

    /**
     * One estimator's measurements.
     *
     * @param cosine        cosine between the mean estimate and the reference
     * @param relativeError {@code ‖ĝ − g‖ / ‖g‖} of the mean estimate
     * @param variance      trace of the per-sample covariance, {@code Σ_i Var(ĝ_i)} (0 for deterministic ones)
     * @param msPerSample   wall time per sample, forward and backward included
     * @param meanLoss      the mean sampled objective (for exact: the expected objective)
     * @param curveSamples  sample counts at which {@code curveCosine} was taken
     * @param samplesToMatch with a target cosine: the number of samples from which on the running mean's cosine
     *                      stayed at or above the target (1 + the last count below it); -1 if it was still below
     *                      after all samples, 0 without a target
     */
    public record Report(String problem, String estimator, int samples, double cosine, double relativeError,
                         double variance, double msPerSample, double meanLoss, String reference,
                         Map<String, double[]> gradient, int[] curveSamples, double[] curveCosine,
                         int samplesToMatch) {
    }

    /** Whether the exact gradient can be computed for {@code p}. */
    public static boolean enumerable(Problem p) {
        try {
            ExactGradient.check(p.net(), p.steps());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The exact reference when {@code p} can be enumerated, else {@code reinforce_baseline} over
     * {@code estimateSamples} samples drawn with {@code seed}.
     */
    public static Reference reference(Problem p, long seed, int estimateSamples) {
        if (enumerable(p)) {
            ExactGradient.Result r = ExactGradient.compute(p.net(), p.input(), p.targets(), p.objective());
            return new Reference("exact", r.grads(), r.expectedLoss(), 1.0);
        }
        if (estimateSamples < 2) {
            throw new IllegalArgumentException("a REINFORCE reference needs at least 2 samples, got " + estimateSamples);
        }
        int half = estimateSamples / 2;
        Report a = measure(p, ScoreFunction.WITH_BASELINE, half, seed, null);
        Report b = measure(p, ScoreFunction.WITH_BASELINE, estimateSamples - half, RandomStream.mix(seed, 1L), null);
        double[] fa = flatten(a.gradient());
        double[] fb = flatten(b.gradient());
        double[] mean = new double[fa.length];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (fa[i] * half + fb[i] * (estimateSamples - half)) / estimateSamples;
        }
        double loss = (a.meanLoss() * half + b.meanLoss() * (estimateSamples - half)) / estimateSamples;
        return new Reference("reinforce_baseline×" + estimateSamples, unflatten(p.net().parameters(), mean), loss,
                cosine(fa, fb));
    }

    /**
     * Measures the estimator named {@code name} ({@link Estimator#NAMES}) over {@code samples} samples.
     *
     * @throws IllegalArgumentException for an unknown name, samples ≤ 0, or a network the estimator cannot run on
     */
    public static Report measure(Problem p, String name, int samples, long seed, Reference ref) {
        if (samples <= 0) {
            throw new IllegalArgumentException("samples must be positive, got " + samples);
        }
        if (name.equals("exact")) {
            long t0 = System.nanoTime();
            ExactGradient.Result r = ExactGradient.compute(p.net(), p.input(), p.targets(), p.objective());
            double ms = (System.nanoTime() - t0) / 1e6;
            double[] flat = flatten(r.grads());
            double[] rf = ref == null ? flat : flatten(ref.gradient());
            return new Report(p.name(), name, 1, cosine(flat, rf), relativeError(flat, rf), 0, ms,
                    r.expectedLoss(), ref == null ? "exact" : ref.kind(), r.grads(), new int[] {1},
                    new double[] {cosine(flat, rf)}, 0);
        }
        return measure(p, Estimator.of(name), samples, seed, ref);
    }

    /** Measures {@code est} over {@code samples} samples against {@code ref} (null: no comparison). */
    public static Report measure(Problem p, Estimator est, int samples, long seed, Reference ref) {
        return measure(p, est, samples, seed, ref, Double.NaN);
    }

    /**
     * {@link #measure(Problem, Estimator, int, long, Reference)}, also finding how many samples the running mean
     * needs to reach cosine {@code target} to the reference and stay there ({@link Report#samplesToMatch}).
     */
    public static Report measure(Problem p, Estimator est, int samples, long seed, Reference ref, double target) {
        if (samples <= 0) {
            throw new IllegalArgumentException("samples must be positive, got " + samples);
        }
        if (est instanceof ScoreFunction) {
            Estimator.requireStochastic(p.net(), est.name());
        }
        Map<String, Parameter> params = p.net().parameters();
        int size = 0;
        for (Parameter q : params.values()) {
            size += q.value().size();
        }
        int batch = p.input().dim(1);
        double[] refFlat = ref == null ? null : flatten(ref.gradient());
        double[] mean = new double[size];
        double[] m2 = new double[size];
        double[] g = new double[size];
        double lossSum = 0;
        Baseline baseline = Baseline.runningMean(batch);
        List<Integer> curveN = new ArrayList<>();
        List<Double> curveC = new ArrayList<>();
        int nextCheckpoint = 1;
        int lastBelow = 0;
        boolean tracking = refFlat != null && !Double.isNaN(target);
        long elapsed = 0;
        for (int n = 0; n < samples; n++) {
            long[] keys = new long[batch];
            for (int b = 0; b < batch; b++) {
                keys[b] = RandomStream.mix(RandomStream.mix(seed, n), b);
            }
            long t0 = System.nanoTime();
            Tape tape = new Tape();
            Var x = tape.constant(p.input());
            ForwardContext ctx = new ForwardContext(Backend.COMPOSED, true, RandomStream.perRow(keys),
                    SpikeFunction.HEAVISIDE);
            Estimator.Sample s = est.estimate(p.net(), x, p.targets(), p.objective(), ctx, 1f, baseline);
            p.net().zeroGrad();
            s.pass().accumulateGrads();
            elapsed += System.nanoTime() - t0;
            if (s.rowLosses() != null) {
                baseline.update(s.rowLosses());
            }
            lossSum += s.loss().item();
            int k = 0;
            for (Parameter q : params.values()) {
                for (float v : q.grad().data()) {
                    g[k++] = v;
                }
            }
            // Welford: running mean and sum of squared deviations per element
            for (int i = 0; i < size; i++) {
                double d = g[i] - mean[i];
                mean[i] += d / (n + 1);
                m2[i] += d * (g[i] - mean[i]);
            }
            // a NaN cosine (an infinite gradient) never matches
            if (tracking && !(cosine(mean, refFlat) >= target)) {
                lastBelow = n + 1;
            }
            if (refFlat != null && (n + 1 == nextCheckpoint || n + 1 == samples)) {
                curveN.add(n + 1);
                curveC.add(cosine(mean, refFlat));
                if (n + 1 == nextCheckpoint) {
                    nextCheckpoint = nextCheckpoint(nextCheckpoint);
                }
            }
        }
        p.net().zeroGrad();
        double variance = 0;
        if (samples > 1) {
            for (int i = 0; i < size; i++) {
                variance += m2[i] / (samples - 1);
            }
        }
        Map<String, double[]> grad = unflatten(params, mean);
        return new Report(p.name(), est.name(), samples,
                refFlat == null ? Double.NaN : cosine(mean, refFlat),
                refFlat == null ? Double.NaN : relativeError(mean, refFlat), variance, elapsed / 1e6 / samples,
                lossSum / samples, ref == null ? "none" : ref.kind(), grad,
                curveN.stream().mapToInt(Integer::intValue).toArray(),
                curveC.stream().mapToDouble(Double::doubleValue).toArray(),
                !tracking ? 0 : lastBelow == samples ? -1 : lastBelow + 1);
    }

    /** 1, 2, 5, 10, 20, 50, ... */
    static int nextCheckpoint(int n) {
        int decade = 1;
        while (decade * 10 <= n) {
            decade *= 10;
        }
        int lead = n / decade;
        return lead == 1 ? 2 * decade : lead == 2 ? 5 * decade : 10 * decade;
    }

    static double[] flatten(Map<String, double[]> m) {
        int n = 0;
        for (double[] v : m.values()) {
            n += v.length;
        }
        double[] out = new double[n];
        int k = 0;
        for (double[] v : m.values()) {
            System.arraycopy(v, 0, out, k, v.length);
            k += v.length;
        }
        return out;
    }

    private static Map<String, double[]> unflatten(Map<String, Parameter> params, double[] flat) {
        Map<String, double[]> m = new LinkedHashMap<>();
        int k = 0;
        for (var e : params.entrySet()) {
            int n = e.getValue().value().size();
            m.put(e.getKey(), java.util.Arrays.copyOfRange(flat, k, k + n));
            k += n;
        }
        return m;
    }

    /** {@code a·b / (‖a‖·‖b‖)}; 0 when either is zero. */
    public static double cosine(double[] a, double[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
    }

    /** {@code ‖a − b‖ / ‖b‖}. */
    public static double relativeError(double[] a, double[] b) {
        double d = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] - b[i]) * (a[i] - b[i]);
            bb += b[i] * b[i];
        }
        return Math.sqrt(d) / Math.max(Math.sqrt(bb), 1e-300);
    }
}
