package dev.surge.core.estimate;

import dev.surge.core.autograd.Var;
import dev.surge.core.loss.Targets;
import dev.surge.core.nn.ForwardContext;
import dev.surge.core.nn.Network;
import dev.surge.core.train.LearningRule;
import dev.surge.core.train.Objective;

/**
 * Training with a gradient estimator: each chunk of a batch is one sample of the estimator (one forward and one
 * backward pass), drawn from the trainer's per-sample random stream, so a seed gives the same run on any split of
 * the batch. {@code reinforce_baseline} subtracts an exponential moving average (decay {@value #DECAY}) of the
 * batch loss, updated after every batch and restarted at every epoch (the first batch of an epoch has none), so
 * that resumed runs repeat their epochs exactly.
 */
public final class EstimatorRule implements LearningRule {
    /** Decay of the moving-average baseline. */
    public static final double DECAY = 0.9;

    private final Estimator estimator;
    private volatile double average = Double.NaN;

    public EstimatorRule(Estimator estimator) {
        if (estimator == null) {
            throw new IllegalArgumentException("estimator rule: estimator is required");
        }
        this.estimator = estimator;
    }

    /** The rule of the estimator named {@code name} (see {@link Estimator#of}). */
    public static EstimatorRule of(String name) {
        return new EstimatorRule(Estimator.of(name));
    }

    public Estimator estimator() {
        return estimator;
    }

    @Override
    public Outcome apply(Network net, Var input, Targets targets, Objective objective, ForwardContext ctx,
                         float weight) {
        double c = average;
        Baseline b = Double.isNaN(c) ? Baseline.NONE : new Baseline() {
            @Override
            public float value(int row) {
                return (float) c;
            }

            @Override
            public void update(float[] rowLosses) {
            }
        };
        Estimator.Sample s = estimator.estimate(net, input, targets, objective, ctx, weight, b);
        return new Outcome(s.pass(), s.loss());
    }

    @Override
    public void epochStarted(int epoch) {
        average = Double.NaN;
    }

    @Override
    public void batchDone(double batchLoss) {
        if (Double.isFinite(batchLoss)) {
            average = Double.isNaN(average) ? batchLoss : DECAY * average + (1 - DECAY) * batchLoss;
        }
    }

    @Override
    public String toString() {
        return estimator.toString();
    }
}
