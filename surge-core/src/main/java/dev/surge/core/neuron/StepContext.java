package dev.surge.core.neuron;

import dev.surge.core.autograd.Var;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.RandomStream;
import java.util.Map;

/**
 * What a neuron model's step may use besides its state and input: its layer's learnt per-neuron parameters (bound
 * on the current tape), the surrogate, the spike function, the time step, the mode and a counter-based random
 * stream. Immutable; {@link #at(int)} gives the context of another step.
 */
public final class StepContext {
    private final Surrogate surrogate;
    private final Map<String, Var> params;
    private final SpikeFunction spikes;
    private final RandomStream random;
    private final boolean training;
    private final EscapeNoise noise;
    private final int step;

    private StepContext(Surrogate surrogate, Map<String, Var> params, SpikeFunction spikes, RandomStream random,
                        boolean training, EscapeNoise noise, int step) {
        this.surrogate = surrogate;
        this.params = params;
        this.spikes = spikes;
        this.random = random;
        this.training = training;
        this.noise = noise;
        this.step = step;
    }

    /**
     * A context at step 0.
     *
     * @param params the model's learnt parameters by name ({@link NeuronModel#learnable()}), bound on the tape
     * @param random the layer's random stream, one key per batch row
     */
    public static StepContext of(Surrogate surrogate, Map<String, Var> params, SpikeFunction spikes,
                                 RandomStream random, boolean training) {
        if (surrogate == null || params == null || spikes == null || random == null) {
            throw new IllegalArgumentException("step context: surrogate, params, spike function and random stream "
                    + "are required");
        }
        return new StepContext(surrogate, Map.copyOf(params), spikes, random, training, null, 0);
    }

    /** A context with no learnt parameters, Heaviside spikes, training mode and a stream seeded with 0. */
    public static StepContext of(Surrogate surrogate) {
        return of(surrogate, Map.of(), SpikeFunction.HEAVISIDE, RandomStream.of(0L), true);
    }

    /** The same context at time step {@code t}. */
    public StepContext at(int t) {
        return new StepContext(surrogate, params, spikes, random, training, noise, t);
    }

    /** The same context with another spike function. */
    public StepContext withSpikes(SpikeFunction f) {
        return new StepContext(surrogate, params, f, random, training, noise, step);
    }

    /** The same context for a stochastic layer with escape noise {@code n} (null: deterministic). */
    public StepContext withNoise(EscapeNoise n) {
        return new StepContext(surrogate, params, spikes, random, training, n, step);
    }

    /** Spikes for the distance to threshold {@code h}, by this context's spike function. */
    public Var fire(Var h) {
        return spikes.fire(h, surrogate, this);
    }

    /** The learnt parameter {@code name} ({@code [N]}), or null when the model keeps it fixed. */
    public Var param(String name) {
        return params.get(name);
    }

    public Surrogate surrogate() {
        return surrogate;
    }

    /** The layer's escape noise, or null when its neurons fire deterministically. */
    public EscapeNoise noise() {
        return noise;
    }

    public RandomStream random() {
        return random;
    }

    /**
     * Whether this forward pass is for training or evaluation. Stochastic layers draw their spikes in both (the
     * stochastic network is the model); evaluation draws from keys of its own.
     */
    public boolean training() {
        return training;
    }

    /** The time step being computed, from 0. */
    public int step() {
        return step;
    }
}
