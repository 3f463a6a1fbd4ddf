package dev.surge.core.estimate;

import dev.surge.core.autograd.Ops;
import dev.surge.core.autograd.Var;
import dev.surge.core.loss.Targets;
import dev.surge.core.neuron.SpikeFunction;
import dev.surge.core.neuron.StepContext;
import dev.surge.core.nn.ForwardContext;
import dev.surge.core.nn.Network;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.Tensor;
import dev.surge.core.train.Objective;
import java.util.ArrayList;
import java.util.List;

/**
 * REINFORCE (the score-function, or likelihood-ratio, estimator): the spikes are drawn and held fixed, and the
 * gradient is {@code (1/B)·Σ_b [(ℓ_b − c_b)·∇log P_b + ∇ℓ_b]}, where {@code log P_b} is the log-probability of row b's
 * drawn spikes given the past and {@code ∇ℓ_b} the path part with the spikes fixed. Unbiased for any baseline
 * {@code c_b} that does not depend on the draw.
 *
 * @param baseline whether to subtract the {@link Baseline} the caller passes
 */
public record ScoreFunction(boolean baseline) implements Estimator {
    public static final ScoreFunction PLAIN = new ScoreFunction(false);
    public static final ScoreFunction WITH_BASELINE = new ScoreFunction(true);

    @Override
    public String name() {
        return baseline ? "reinforce_baseline" : "reinforce";
    }

    @Override
    public boolean sampled() {
        return true;
    }

    @Override
    public Sample estimate(Network net, Var input, Targets targets, Objective objective, ForwardContext ctx,
                           float weight, Baseline base) {
        Estimator.requireStochastic(net, name());
        Scored spikes = Scored.sampling();
        Network.Pass pass = net.forward(input, ctx.withSpikes(spikes));
        Var rows = objective.perSample(pass, targets);
        float[] l = rows.value().data().clone();
        int b = l.length;
        float[] c = new float[b];
        for (int r = 0; r < b; r++) {
            float cb = baseline && base != null ? base.value(r) : 0f;
            c[r] = (l[r] - cb) * weight / b;
        }
        Var surrogateObjective = spikes.logProbability(input.tape().constant(Tensor.zeros(b)))
                .mul(input.tape().constant(Tensor.of(c, b))).sum().add(rows.mean().mul(weight));
        input.tape().backward(surrogateObjective, Tensor.scalar(1f));
        return new Sample(pass, rows.mean(), l);
    }

    /**
     * A spike function that holds its spikes fixed (no gradient through them) and records, per call, each row's
     * log-probability {@code Σ_i s·x − softplus(x)} with {@code x = k·h}. The spikes are drawn from the layer's
     * stream, or forced to given patterns (for enumeration).
     */
    static final class Scored implements SpikeFunction {
        /** Forced patterns: row r's spike for bit position q is bit q of {@code patterns[r]}; null: sample. */
        private final long[] patterns;
        private final List<Var> terms = new ArrayList<>();
        private int bit;

        private Scored(long[] patterns) {
            this.patterns = patterns;
        }

        static Scored sampling() {
            return new Scored(null);
        }

        static Scored forced(long[] patterns) {
            return new Scored(patterns.clone());
        }

        /** The number of spike bits one row has used so far. */
        int bits() {
            return bit;
        }

        @Override
        public Var fire(Var h, Surrogate surrogate, StepContext ctx) {
            if (ctx.noise() == null) {
                throw new IllegalStateException("score-function spikes on a deterministic layer");
            }
            int[] sh = h.shape();
            int n = sh[sh.length - 1];
            int rows = h.value().size() / n;
            Var s;
            if (patterns == null) {
                s = SpikeFunction.sample(h, ctx, x -> 0f);
            } else {
                if (patterns.length != rows) {
                    throw new IllegalStateException(patterns.length + " patterns for " + rows + " rows");
                }
                float[] v = new float[rows * n];
                for (int r = 0; r < rows; r++) {
                    for (int k = 0; k < n; k++) {
                        v[r * n + k] = (patterns[r] >>> (bit + k) & 1L) != 0 ? 1f : 0f;
                    }
                }
                s = Ops.given(h, Tensor.of(v, sh), new float[rows * n]);
            }
            bit += n;
            Var x = h.mul(ctx.noise().scale());
            Var fixed = h.tape().constant(s.value());
            terms.add(fixed.mul(x).sub(x.softplus()).sum(1, false));
            return s;
        }

        /** Each row's log-probability of all spikes drawn so far, {@code [B]} ({@code zero} when none). */
        Var logProbability(Var zero) {
            Var sum = zero;
            for (Var t : terms) {
                sum = sum.add(t);
            }
            return sum;
        }
    }
}
