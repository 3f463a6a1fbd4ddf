package dev.surge.core.nn;

import dev.surge.core.autograd.Ops;
import dev.surge.core.autograd.Var;
import dev.surge.core.neuron.FusedLif;
import dev.surge.core.neuron.ShortTermPlasticity;
import dev.surge.core.neuron.SpikingDynamics;
import dev.surge.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * One layer of a {@link Network}: its spec and parameters, and a whole-sequence forward from {@code [T, B, in]}
 * to {@code [T, B, out]}. The input product {@code x·Wᵀ + b} is computed for all steps at once (one GEMM), then the
 * neuron dynamics run over time.
 */
public final class Layer {
    private final LayerSpec spec;
    private final int inputs;
    private final Map<String, Parameter> params = new LinkedHashMap<>();

    Layer(LayerSpec spec, int inputs, SplittableRandom rng) {
        this.spec = spec;
        this.inputs = inputs;
        float bound = (float) (1.0 / Math.sqrt(inputs));
        add("W", Tensor.uniform(rng, -bound, bound, spec.out(), inputs));
        // A constant bias b drives a leaky membrane to b/(1 − β) (20·b at β = 0.95), which makes spiking neurons
        // fire tonically whatever the input; biases therefore start at zero.
        add("b", Tensor.zeros(spec.out()));
        if (spec instanceof SpikingSpec s) {
            if (s.recurrent()) {
                float rb = (float) (1.0 / Math.sqrt(s.out()));
                add("V", Tensor.uniform(rng, -rb, rb, s.out(), s.out()));
            }
            if (s.learnBeta()) {
                add("beta", Tensor.full(s.beta(), s.out()));
            }
            if (s.learnThreshold()) {
                add("threshold", Tensor.full(s.threshold(), s.out()));
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

    /** Parameters by local name ({@code W}, {@code b}, {@code V}, {@code beta}, {@code threshold}, {@code stp.U}). */
    public Map<String, Parameter> parameters() {
        return java.util.Collections.unmodifiableMap(params);
    }

    /** Whether this layer emits spikes (as opposed to a membrane readout). */
    public boolean spiking() {
        return spec instanceof SpikingSpec;
    }

    /**
     * Forward over a whole sequence.
     *
     * @param bind maps each parameter to its variable on the current tape
     */
    public Var forward(Var x, Function<Parameter, Var> bind, Backend backend) {
        int[] sh = x.shape();
        if (sh.length != 3 || sh[2] != inputs) {
            throw new IllegalArgumentException("layer expects input [T, B, " + inputs + "], got "
                    + java.util.Arrays.toString(sh));
        }
        Var in = x;
        if (spec instanceof SpikingSpec s && s.stp() != null) {
            Var u = params.containsKey("stp.U") ? bind.apply(params.get("stp.U")) : null;
            in = ShortTermPlasticity.apply(s.stp(), u, in);
        }
        Var w = bind.apply(params.get("W"));
        Var b = bind.apply(params.get("b"));
        Var currents = Ops.linear(in, w, b); // [T, B, out]
        Var beta = params.containsKey("beta") ? bind.apply(params.get("beta")) : null;
        if (spec instanceof ReadoutSpec r) {
            return backend == Backend.FUSED ? FusedLif.readout(currents, beta, r.beta())
                    : SpikingDynamics.readout(currents, beta, r.beta());
        }
        SpikingSpec s = (SpikingSpec) spec;
        Var v = params.containsKey("V") ? bind.apply(params.get("V")) : null;
        Var th = params.containsKey("threshold") ? bind.apply(params.get("threshold")) : null;
        if (backend == Backend.FUSED && s.fusable()) {
            return FusedLif.forward(s, currents, v, beta, th);
        }
        return SpikingDynamics.run(new SpikingDynamics.Params(s, v, beta, th), currents);
    }
}
