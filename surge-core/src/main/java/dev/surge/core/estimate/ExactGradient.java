package dev.surge.core.estimate;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.loss.Targets;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.ForwardContext;
import dev.surge.core.nn.Layer;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.Parameter;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.tensor.RandomStream;
import dev.surge.core.tensor.Tensor;
import dev.surge.core.train.Objective;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exact expected objective {@code E[L] = mean_b Σ_patterns P(pattern)·ℓ_b(pattern)} of a network whose spiking
 * layers are all stochastic, and its exact gradient {@code mean_b Σ P·(ℓ_b·∇log P + ∇ℓ_b)}, by enumerating every
 * spike pattern of every sample: {@code 2^(T·Σ stochastic neurons)} patterns per sample, at most
 * 2^{@value #MAX_SPIKES}. The patterns of a sample run as the rows of one batch (in blocks of {@value #BLOCK}), so the
 * cost is a few large forward and backward passes. Probabilities and sums are accumulated in double precision.
 */
public final class ExactGradient {
    /** The most stochastic spikes per sample that the enumeration accepts. */
    public static final int MAX_SPIKES = 20;
    private static final int BLOCK = 4096;

    private ExactGradient() {
    }

    /** The expectation and its gradient by parameter name (flat, in each parameter's layout). */
    public record Result(double expectedLoss, Map<String, double[]> grads, long patterns) {
    }

    /** Stochastic spikes per sample of {@code net} over {@code steps} steps: {@code T·Σ N} over stochastic layers. */
    public static long spikesPerSample(Network net, int steps) {
        long n = 0;
        for (Layer l : net.layers()) {
            if (l.spec() instanceof SpikingSpec s && s.stochastic() != null) {
                n += (long) s.out() * steps;
            }
        }
        return n;
    }

    /**
     * Checks that {@code net} can be enumerated over {@code steps} steps.
     *
     * @throws IllegalArgumentException saying why not (a deterministic spiking layer, too many spikes)
     */
    public static void check(Network net, int steps) {
        Estimator.requireStochastic(net, "exact");
        if (Estimator.stochasticLayers(net) == 0) {
            throw new IllegalArgumentException("'exact' needs a stochastic spiking layer; the network has none");
        }
        long n = spikesPerSample(net, steps);
        if (n > MAX_SPIKES) {
            throw new IllegalArgumentException("'exact' enumerates 2^(stochastic spikes per sample) patterns; this "
                    + "network has " + n + " (steps × stochastic neurons), at most " + MAX_SPIKES
                    + " are allowed; use a REINFORCE reference instead");
        }
    }

    /**
     * The exact expected objective and gradient at the network's current parameters.
     *
     * @param input {@code [T, B, inputs]}
     */
    public static Result compute(Network net, Tensor input, Targets targets, Objective objective) {
        int[] sh = input.shape();
        int steps = sh[0];
        int batch = sh[1];
        int in = sh[2];
        check(net, steps);
        int bits = (int) spikesPerSample(net, steps);
        long total = 1L << bits;
        Map<String, Parameter> params = net.parameters();
        Map<String, double[]> grads = new LinkedHashMap<>();
        for (var e : params.entrySet()) {
            grads.put(e.getKey(), new double[e.getValue().value().size()]);
        }
        double expected = 0;
        float[] x = input.data();
        for (int b = 0; b < batch; b++) {
            double sampleMass = 0;
            for (long from = 0; from < total; from += BLOCK) {
                int rows = (int) Math.min(BLOCK, total - from);
                long[] patterns = new long[rows];
                int[] which = new int[rows];
                float[] xs = new float[steps * rows * in];
                for (int r = 0; r < rows; r++) {
                    patterns[r] = from + r;
                    which[r] = b;
                    for (int t = 0; t < steps; t++) {
                        System.arraycopy(x, (t * batch + b) * in, xs, (t * rows + r) * in, in);
                    }
                }
                Tape tape = new Tape();
                Var xv = tape.constant(Tensor.of(xs, steps, rows, in));
                ScoreFunction.Scored spikes = ScoreFunction.Scored.forced(patterns);
                ForwardContext ctx = new ForwardContext(Backend.COMPOSED, true, RandomStream.of(0L), spikes);
                Network.Pass pass = net.forward(xv, ctx);
                if (spikes.bits() != bits) {
                    throw new IllegalStateException("enumeration used " + spikes.bits() + " spike bits, expected "
                            + bits);
                }
                Var l = objective.perSample(pass, targets.rows(which));
                Var logp = spikes.logProbability(tape.constant(Tensor.zeros(rows)));
                float[] lv = l.value().data();
                float[] lp = logp.value().data();
                float[] c1 = new float[rows];
                float[] c2 = new float[rows];
                for (int r = 0; r < rows; r++) {
                    double p = Math.exp(lp[r]);
                    sampleMass += p;
                    expected += p * lv[r] / batch;
                    c1[r] = (float) (p * lv[r] / batch);
                    c2[r] = (float) (p / batch);
                }
                Var obj = logp.mul(tape.constant(Tensor.of(c1, rows))).sum()
                        .add(l.mul(tape.constant(Tensor.of(c2, rows))).sum());
                tape.backward(obj, Tensor.scalar(1f));
                net.zeroGrad();
                pass.accumulateGrads();
                for (var e : params.entrySet()) {
                    float[] g = e.getValue().grad().data();
                    double[] acc = grads.get(e.getKey());
                    for (int i = 0; i < g.length; i++) {
                        acc[i] += g[i];
                    }
                }
            }
            if (Math.abs(sampleMass - 1) > 1e-3) {
                throw new IllegalStateException("the pattern probabilities of sample " + b + " sum to " + sampleMass
                        + ", not 1");
            }
        }
        net.zeroGrad();
        return new Result(expected, grads, total * batch);
    }
}
