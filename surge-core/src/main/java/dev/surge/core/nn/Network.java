package dev.surge.core.nn;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A feed-forward stack of layers over sequences {@code [T, B, features]}. Parameters are named as PyTorch would
 * name them in a {@code layers} ModuleList ({@code layers.0.W}, {@code layers.1.beta}, ...).
 */
public final class Network {
    private final int inputs;
    private final List<Layer> layers;

    private Network(int inputs, List<Layer> layers) {
        this.inputs = inputs;
        this.layers = layers;
    }

    /**
     * Builds a network; weights are drawn as in PyTorch's {@code nn.Linear} ({@code U(−1/√fan_in, 1/√fan_in)}, the
     * recurrent {@code V} with fan-in N) from a generator seeded with {@code seed}; biases start at zero.
     */
    public static Network create(int inputs, List<? extends LayerSpec> specs, long seed) {
        if (inputs <= 0) {
            throw new IllegalArgumentException("network: inputs must be positive, got " + inputs);
        }
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("network: no layers");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<Layer> ls = new ArrayList<>();
        int in = inputs;
        for (LayerSpec s : specs) {
            ls.add(new Layer(s, in, rng));
            in = s.out();
        }
        return new Network(inputs, List.copyOf(ls));
    }

    public int inputs() {
        return inputs;
    }

    public int outputs() {
        return layers.get(layers.size() - 1).spec().out();
    }

    public List<Layer> layers() {
        return layers;
    }

    /** All parameters by full name, in layer order. */
    public Map<String, Parameter> parameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            for (var e : layers.get(i).parameters().entrySet()) {
                m.put("layers." + i + "." + e.getKey(), e.getValue());
            }
        }
        return Collections.unmodifiableMap(m);
    }

    public void zeroGrad() {
        for (Parameter p : parameters().values()) {
            p.zeroGrad();
        }
    }

    /** Forward pass in evaluation mode ({@link ForwardContext#eval}) over {@code [T, B, inputs]}. */
    public Pass forward(Var input, Backend backend) {
        return forward(input, ForwardContext.eval(backend));
    }

    /**
     * Forward pass over a whole input sequence {@code [T, B, inputs]} on the input's tape. Layer {@code i} draws its
     * random numbers from {@code ctx.random().fork(i)}.
     */
    public Pass forward(Var input, ForwardContext ctx) {
        Tape tape = input.tape();
        Map<Parameter, Var> bound = new IdentityHashMap<>();
        List<Var> outs = new ArrayList<>();
        Var x = input;
        for (int i = 0; i < layers.size(); i++) {
            try {
                ForwardContext layerCtx = new ForwardContext(ctx.backend(), ctx.training(), ctx.random().fork(i),
                        ctx.spikes());
                x = layers.get(i).forward(x, p -> bound.computeIfAbsent(p, q -> tape.param(q.value())), layerCtx);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + ": " + e.getMessage(), e);
            }
            outs.add(x);
        }
        return new Pass(List.copyOf(outs), bound);
    }

    /**
     * One forward pass: every layer's output, and the variables the parameters were bound to.
     */
    public static final class Pass {
        private final List<Var> outputs;
        private final Map<Parameter, Var> bound;
        private final double[] spikeCounts;

        Pass(List<Var> outputs, Map<Parameter, Var> bound) {
            this(outputs, bound, null);
        }

        private Pass(List<Var> outputs, Map<Parameter, Var> bound, double[] spikeCounts) {
            this.outputs = outputs;
            this.bound = bound;
            this.spikeCounts = spikeCounts;
        }

        /**
         * A pass that a learning rule assembled itself (e-prop runs the spiking layer outside the tape): each
         * layer's output, and each parameter's variable, whose gradient {@link #accumulateGrads} adds into it.
         */
        public static Pass of(List<Var> outputs, Map<Parameter, Var> bound) {
            if (outputs.isEmpty()) {
                throw new IllegalArgumentException("pass: no layer outputs");
            }
            return new Pass(List.copyOf(outputs), new IdentityHashMap<>(bound));
        }

        /**
         * The same pass with each layer's spike count given (NaN for a readout): for a rule whose outputs summarise
         * the spikes rather than hold them (e-prop gives a spiking layer's time average {@code [1, B, N]}, which is
         * all a {@link dev.surge.core.loss.Regularizer} reads).
         */
        public Pass withSpikeCounts(double[] perLayer) {
            if (perLayer.length != outputs.size()) {
                throw new IllegalArgumentException("pass: " + perLayer.length + " spike counts for "
                        + outputs.size() + " layers");
            }
            return new Pass(outputs, bound, perLayer.clone());
        }

        /** Whether the rule that made this pass gave its layers' spike counts ({@link #withSpikeCounts}). */
        public boolean spikeCountsGiven() {
            return spikeCounts != null;
        }

        /** Spikes emitted by layer {@code l} in this pass (the sum of its 0/1 output unless given). */
        public double spikeCount(int l) {
            return spikeCounts != null ? spikeCounts[l]
                    : dev.surge.core.tensor.Kernels.spikeSum(outputs.get(l).value().data());
        }

        /** Output of each layer, {@code [T, B, out_i]}. */
        public List<Var> outputs() {
            return outputs;
        }

        /** The last layer's output. */
        public Var output() {
            return outputs.get(outputs.size() - 1);
        }

        /** After {@link Tape#backward}, adds each bound variable's gradient into its parameter's gradient. */
        public void accumulateGrads() {
            accumulateGrads(0, 1);
        }

        /**
         * {@link #accumulateGrads()} for part {@code part} of {@code parts} of every parameter's elements: the parts
         * together do the same additions, so they can run on different threads with the same result.
         */
        public void accumulateGrads(int part, int parts) {
            for (var e : bound.entrySet()) {
                float[] d = e.getKey().grad().data();
                float[] g = e.getValue().grad().data();
                int lo = (int) ((long) d.length * part / parts);
                int hi = (int) ((long) d.length * (part + 1) / parts);
                for (int i = lo; i < hi; i++) {
                    d[i] += g[i];
                }
            }
        }
    }
}
