package dev.surge.core.estimate;

import dev.surge.core.autograd.Var;
import dev.surge.core.loss.Targets;
import dev.surge.core.neuron.EscapeNoise;
import dev.surge.core.neuron.SpikeFunction;
import dev.surge.core.neuron.StepContext;
import dev.surge.core.nn.ForwardContext;
import dev.surge.core.nn.Network;
import dev.surge.core.tensor.RandomStream;
import dev.surge.core.tensor.Tensor;
import dev.surge.core.train.Objective;

/**
 * Estimators that back-propagate through the spikes themselves (see the table in {@link Estimator}): surrogate,
 * stochastic surrogate, straight-through and concrete. Each is one forward and one backward pass.
 *
 * @param kind        which one
 * @param temperature {@code τ} of {@code concrete} (unused by the others)
 */
public record Pathwise(Kind kind, float temperature) implements Estimator {

    /** The pathwise estimators. */
    public enum Kind { SURROGATE, STOCHASTIC_SURROGATE, STRAIGHT_THROUGH, CONCRETE }

    public static final Pathwise SURROGATE = new Pathwise(Kind.SURROGATE, 0f);
    public static final Pathwise STOCHASTIC_SURROGATE = new Pathwise(Kind.STOCHASTIC_SURROGATE, 0f);
    public static final Pathwise STRAIGHT_THROUGH = new Pathwise(Kind.STRAIGHT_THROUGH, 0f);

    public Pathwise {
        if (kind == null) {
            throw new IllegalArgumentException("pathwise estimator: kind is required");
        }
        if (kind == Kind.CONCRETE && !(temperature > 0 && Float.isFinite(temperature))) {
            throw new IllegalArgumentException("concrete: temperature must be a positive number, got " + temperature);
        }
    }

    /** The Gumbel-sigmoid (binary concrete) relaxation at temperature {@code τ}. */
    public static Pathwise concrete(float temperature) {
        return new Pathwise(Kind.CONCRETE, temperature);
    }

    @Override
    public String name() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public boolean sampled() {
        return kind != Kind.SURROGATE;
    }

    /** The spike function of this estimator. */
    public SpikeFunction spikes() {
        return switch (kind) {
            case SURROGATE -> (h, surrogate, ctx) -> h.spike(surrogate);
            case STOCHASTIC_SURROGATE -> (h, surrogate, ctx) -> ctx.noise() == null ? h.spike(surrogate)
                    : SpikeFunction.sample(h, ctx, ctx.noise()::derivative);
            case STRAIGHT_THROUGH -> (h, surrogate, ctx) -> ctx.noise() == null ? h.spike(surrogate)
                    : SpikeFunction.sample(h, ctx, x -> 1f);
            case CONCRETE -> (h, surrogate, ctx) -> ctx.noise() == null ? h.spike(surrogate)
                    : relaxed(h, ctx, temperature);
        };
    }

    /** {@code sig((k·h + log u − log(1 − u))/τ)} with {@code u} from the layer's stream, as for a sample. */
    static Var relaxed(Var h, StepContext ctx, float tau) {
        EscapeNoise noise = ctx.noise();
        int[] sh = h.shape();
        int n = sh[sh.length - 1];
        int rows = h.value().size() / n;
        float[] l = new float[rows * n];
        RandomStream random = ctx.random();
        long base = (long) ctx.step() * n;
        for (int b = 0; b < rows; b++) {
            for (int k = 0; k < n; k++) {
                // u in (0, 1): the 24-bit uniform shifted by half a step, so neither log is infinite
                double u = random.uniform(b, base + k) + 0x1.0p-25;
                l[b * n + k] = (float) (Math.log(u) - Math.log1p(-u));
            }
        }
        return h.mul(noise.scale()).add(h.tape().constant(Tensor.of(l, sh))).mul(1f / tau).sigmoid();
    }

    @Override
    public Sample estimate(Network net, Var input, Targets targets, Objective objective, ForwardContext ctx,
                           float weight, Baseline baseline) {
        Network.Pass pass = net.forward(input, ctx.withSpikes(spikes()));
        Var loss = objective.apply(pass, targets); // the batch objective: no per-sample split needed
        input.tape().backward(loss, Tensor.scalar(weight));
        return new Sample(pass, loss, null);
    }

    @Override
    public String toString() {
        return kind == Kind.CONCRETE ? name() + "(τ=" + temperature + ")" : name();
    }
}
