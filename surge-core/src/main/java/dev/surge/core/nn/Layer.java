package dev.surge.core.nn;

import dev.surge.core.autograd.Var;
import dev.surge.core.neuron.Fused;
import dev.surge.core.neuron.FusedLif;
import dev.surge.core.neuron.NeuronModel;
import dev.surge.core.neuron.ShortTermPlasticity;
import dev.surge.core.neuron.SpikeFunction;
import dev.surge.core.neuron.SpikingDynamics;
import dev.surge.core.neuron.StepContext;
import dev.surge.core.tensor.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * One layer of a {@link Network}: its spec, its {@link Projection} and parameters, and a whole-sequence forward
 * from {@code [T, B, in]} to {@code [T, B, out]}. The projection computes the current of all steps at once (one
 * product), then the neuron model (or the readout) runs over time: fused when the backend and the model allow,
 * else step by step on tape ops.
 */
public final class Layer {
    /** Parameter names that belong to the projection, recurrence and STP, and that a neuron model may not use. */
    private static final Set<String> RESERVED = Set.of("W", "b", "V", "stp.U");

    private final LayerSpec spec;
    private final int inputs;
    private final Projection projection;
    private final Map<String, Parameter> params = new LinkedHashMap<>();

    Layer(LayerSpec spec, int inputs, SplittableRandom rng) {
        this.spec = spec;
        this.inputs = inputs;
        this.projection = new Dense(inputs, spec.out());
        projection.initialParameters(rng).forEach(this::add);
        if (spec instanceof SpikingSpec s) {
            if (s.recurrent()) {
                float rb = (float) (1.0 / Math.sqrt(s.out()));
                add("V", Tensor.uniform(rng, -rb, rb, s.out(), s.out()));
            }
            Map<String, Float> learnable = s.neuron().learnable();
            if (learnable == null) {
                throw new IllegalArgumentException("neuron model '" + s.neuron().type()
                        + "': learnable() returned null");
            }
            for (var e : learnable.entrySet()) {
                if (e.getKey() == null || RESERVED.contains(e.getKey()) || e.getValue() == null) {
                    throw new IllegalArgumentException("neuron model '" + s.neuron().type() + "': learnable parameter '"
                            + e.getKey() + "' is not allowed (null, or one of " + RESERVED + ")");
                }
                add(e.getKey(), Tensor.full(e.getValue(), s.out()));
            }
            if (s.stp() != null && s.stp().learnU()) {
                add("stp.U", Tensor.full(s.stp().u(), inputs));
            }
        } else if (spec instanceof ReadoutSpec r && r.learnBeta()) {
            add("beta", Tensor.full(r.beta(), r.out()));
        }
    }

    private void add(String name, Tensor value) {
        params.put(name, new Parameter(name, value));
    }

    public LayerSpec spec() {
        return spec;
    }

    public int inputs() {
        return inputs;
    }

    /** The synapses that turn this layer's input into its neurons' current. */
    public Projection projection() {
        return projection;
    }

    /**
     * Parameters by local name: the projection's ({@code W}, {@code b}), {@code V}, the neuron model's learnt ones
     * ({@code beta}, {@code threshold}, ...), {@code stp.U}.
     */
    public Map<String, Parameter> parameters() {
        return Collections.unmodifiableMap(params);
    }

    /** Whether this layer emits spikes (as opposed to a membrane readout). */
    public boolean spiking() {
        return spec instanceof SpikingSpec;
    }

    /**
     * Forward over a whole sequence.
     *
     * @param bind maps each parameter to its variable on the current tape
     * @param ctx  backend, mode, spike function and this layer's random stream
     */
    public Var forward(Var x, Function<Parameter, Var> bind, ForwardContext ctx) {
        int[] sh = x.shape();
        if (sh.length != 3 || sh[2] != inputs) {
            throw new IllegalArgumentException("layer expects input [T, B, " + inputs + "], got "
                    + Arrays.toString(sh));
        }
        Function<String, Var> param = name -> params.containsKey(name) ? bind.apply(params.get(name)) : null;
        Var in = x;
        if (spec instanceof SpikingSpec s && s.stp() != null) {
            in = ShortTermPlasticity.apply(s.stp(), param.apply("stp.U"), in);
        }
        Var currents = projection.apply(in, param); // [T, B, out]
        if (spec instanceof ReadoutSpec r) {
            Var beta = param.apply("beta");
            return ctx.backend() == Backend.FUSED ? FusedLif.readout(currents, beta, r.beta())
                    : SpikingDynamics.readout(currents, beta, r.beta());
        }
        SpikingSpec s = (SpikingSpec) spec;
        NeuronModel<?> model = s.neuron();
        Var v = param.apply("V");
        Map<String, Var> learnt = new LinkedHashMap<>();
        for (String name : model.learnable().keySet()) {
            learnt.put(name, param.apply(name));
        }
        if (ctx.backend() == Backend.FUSED && s.fusable() && ctx.spikes() == SpikeFunction.HEAVISIDE) {
            return Fused.forward(model, s.surrogate(), currents, v, learnt);
        }
        StepContext step = StepContext.of(s.surrogate(), learnt, ctx.spikes(), ctx.random(), ctx.training())
                .withNoise(s.stochastic());
        return SpikingDynamics.run(model, currents, v, step);
    }
}
