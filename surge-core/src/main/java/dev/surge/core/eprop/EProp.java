package dev.surge.core.eprop;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.loss.Loss;
import dev.surge.core.loss.Regularizer;
import dev.surge.core.loss.Targets;
import dev.surge.core.neuron.Alif;
import dev.surge.core.neuron.Lif;
import dev.surge.core.neuron.NeuronModel;
import dev.surge.core.neuron.Reset;
import dev.surge.core.neuron.SpikeFunction;
import dev.surge.core.nn.ForwardContext;
import dev.surge.core.nn.Layer;
import dev.surge.core.nn.LayerSpec;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.Parameter;
import dev.surge.core.nn.ReadoutSpec;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.Arena;
import dev.surge.core.tensor.Blas;
import dev.surge.core.tensor.Tensor;
import dev.surge.core.train.LearningRule;
import dev.surge.core.train.Objective;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * E-prop (Bellec et al., Nat. Commun. 2020): the gradient of a recurrent spiking layer factorised into eligibility
 * traces, computed forward in time, times a learning signal broadcast from the readout. No gradient flows back
 * through time inside the network.
 *
 * <p>The network is one spiking layer ({@link Lif} or {@link Alif}, recurrent or not) and a leaky readout. With
 * {@code I_t = W·x_t + V·z_{t−1} + b}, {@code ψ_t = σ'(h_t)} the surrogate derivative of the spike at
 * {@code h_t = v_t − θ_t}, and every presynaptic signal {@code p} ({@code x_i}, {@code z_{i,t−1}}, or 1 for the
 * bias) filtered by the membrane, {@code p̄_t = β·p̄_{t−1} + p_t}:
 * <pre>
 *   LIF:   e_{ji,t} = ψ_{j,t} · p̄_{i,t}
 *   ALIF:  ε^a_{ji,t+1} = (ρ − adapt·ψ_{j,t})·ε^a_{ji,t} + ψ_{j,t}·p̄_{i,t},    e_{ji,t} = ψ_{j,t}·(p̄_{i,t} − adapt·ε^a_{ji,t})
 *   ∇W_ji = Σ_t L_{j,t} · e_{ji,t},    L_{j,t} = Σ_k B_kj · ∂E/∂c_{k,t} + ∂E/∂z_{j,t}|local
 * </pre>
 * where {@code c_t = W_out·z_t + b_out} is the readout's input current: {@code ∂E/∂c_{k,t}} is the readout error
 * (for a leaky readout it already holds the future part {@code Σ_{t'≥t} κ^{t'−t}·∂E/∂y_{k,t'}}, which Bellec's
 * filtered traces {@code F_κ(e)} compute in the other order), {@code B = W_out} for {@link Feedback#SYMMETRIC}
 * feedback or a fixed random matrix for {@link Feedback#RANDOM}, and the local part is the spike penalties'
 * gradient. The readout's own parameters get their exact gradient. With symmetric feedback the result is the BPTT
 * gradient of the same network with {@code z_{t−1}} detached in the recurrent input and in the reset, to float
 * rounding ({@code EPropTest}).
 *
 * <p>Two passes over the sequence, each in blocks of time steps: the first runs the layer and the leaky readout
 * ({@code y_t = κ·y_{t−1} + c_t}) and keeps only the readout's output {@code y [T, B, classes]} and each neuron's
 * spike count; the loss and the spike penalties (which depend on the spikes only through their time average) then
 * run on a tape, giving {@code ∂E/∂y} for any loss, and one backward scan turns it into the readout error
 * {@code ∂E/∂c_t = ∂E/∂y_t + κ·∂E/∂c_{t+1}}; the second pass runs the layer again, forms the learning signal and the
 * eligibility traces step by step and adds them into the gradients. Memory is two floats per readout output and step
 * ({@code y} and its gradient; for {@code ce_last_membrane:W}, which reads only the last W steps, only those are
 * kept, unless the readout's κ is learnt) plus {@code O(B·N·(in + N))} for the traces (ALIF's adaptation eligibilities are per
 * synapse), not BPTT's {@code O(T·B·N)} tape of every intermediate.
 */
public final class EProp implements LearningRule {
    /** The matrix that carries the readout error to the spiking neurons. */
    public enum Feedback {
        /** {@code B = W_out}: the e-prop gradient of the detached network. */
        SYMMETRIC,
        /** A fixed random {@code B}, drawn once from the rule's seed as {@code W_out} is initialised. */
        RANDOM;

        /** {@code symmetric} or {@code random}. */
        public static Feedback parse(String name) {
            String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
            return switch (n) {
                case "symmetric" -> SYMMETRIC;
                case "random" -> RANDOM;
                default -> throw new IllegalArgumentException("unknown e-prop feedback '" + name
                        + "'; known: symmetric, random");
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Time steps whose traces are formed before one product adds them into the gradient. */
    private static final int BLOCK = 32;

    private final Feedback feedback;
    private final long seed;

    private EProp(Feedback feedback, long seed) {
        this.feedback = feedback;
        this.seed = seed;
    }

    /** Symmetric feedback ({@code B = W_out}). */
    public static EProp symmetric() {
        return new EProp(Feedback.SYMMETRIC, 0L);
    }

    /** Random fixed feedback drawn from {@code seed}. */
    public static EProp random(long seed) {
        return new EProp(Feedback.RANDOM, seed);
    }

    /** {@code feedback} ({@code symmetric} or {@code random}); {@code seed} draws a random feedback matrix. */
    public static EProp of(String feedback, long seed) {
        return new EProp(Feedback.parse(feedback), seed);
    }

    public Feedback feedback() {
        return feedback;
    }

    /**
     * Refuses a network e-prop cannot train, with one line naming the layer and why: e-prop here is one spiking layer
     * of LIF or ALIF neurons (subtract or no reset, detached; no refractory period, short-term plasticity, escape
     * noise or learnt β/θ) followed by a readout.
     */
    public static void check(List<? extends LayerSpec> specs) {
        if (specs.size() != 2 || !(specs.get(0) instanceof SpikingSpec) || !(specs.get(1) instanceof ReadoutSpec)) {
            throw new IllegalArgumentException("e-prop trains one spiking layer followed by a readout; this model has "
                    + describe(specs));
        }
        SpikingSpec s = (SpikingSpec) specs.get(0);
        Lif lif = membrane(s.neuron());
        if (lif == null) {
            throw new IllegalArgumentException("layer 0: e-prop supports lif and alif neurons, not '"
                    + s.neuron().type() + "'");
        }
        String why = null;
        if (lif.reset() == Reset.ZERO) {
            why = "a zero reset (its eligibility is per synapse; use the subtract reset)";
        } else if (lif.reset() == Reset.SUBTRACT && !lif.detachReset()) {
            why = "a reset that is not detached (e-prop treats the reset as a constant)";
        } else if (lif.refractory() > 0) {
            why = "a refractory period";
        } else if (lif.learnBeta() || lif.learnThreshold()) {
            why = "a learnt beta or threshold";
        } else if (s.stp() != null) {
            why = "short-term plasticity";
        } else if (s.stochastic() != null) {
            why = "escape noise (stochastic spikes)";
        }
        if (why != null) {
            throw new IllegalArgumentException("layer 0: e-prop does not support " + why);
        }
    }

    /**
     * What e-prop keeps per sample of a chunk, in bytes, for the memory check before a run: the readout's output and
     * gradient and the loss's copies ({@code 16·T·classes}), ALIF's adaptation eligibilities, one block's buffers,
     * and the input ({@code inputBytesPerSample}, as the trainer holds it). Nothing else grows with T.
     */
    public static long bytesPerSample(int inputs, List<? extends LayerSpec> specs, int steps,
                                      long inputBytesPerSample) {
        check(specs);
        SpikingSpec s = (SpikingSpec) specs.get(0);
        long n = s.out();
        long classes = specs.get(1).out();
        long traces = s.neuron() instanceof Alif ? 4 * n * (inputs + n + 1) : 0;
        long block = 4L * BLOCK * (6 * n + 3L * inputs + 2 * classes) + 16 * (inputs + n);
        return 16 * (long) steps * classes + traces + block + inputBytesPerSample;
    }

    @Override
    public long bytesPerSample(Network net, int steps, long inputBytesPerSample) {
        List<LayerSpec> specs = new ArrayList<>();
        net.layers().forEach(l -> specs.add(l.spec()));
        return bytesPerSample(net.inputs(), specs, steps, inputBytesPerSample);
    }

    private static String describe(List<? extends LayerSpec> specs) {
        List<String> parts = new ArrayList<>();
        for (LayerSpec s : specs) {
            parts.add(s instanceof SpikingSpec sp ? sp.neuron().type() + (sp.recurrent() ? " (recurrent)" : "")
                    : "readout");
        }
        return specs.size() + " layers: " + String.join(", ", parts);
    }

    private static Lif membrane(NeuronModel<?> m) {
        if (m instanceof Lif l) {
            return l;
        }
        if (m instanceof Alif a) {
            return a.membrane();
        }
        return null;
    }

    @Override
    public Outcome apply(Network net, Var input, Targets targets, Objective objective, ForwardContext ctx,
                         float weight) {
        Tape tape = input.tape();
        Map<Parameter, Var> bound = new IdentityHashMap<>();
        Streamed f = stream(net, input, ctx, p -> bound.computeIfAbsent(p, q -> tape.param(q.value())), true,
                window(objective));
        Layer hidden = net.layers().get(0);
        Map<String, Parameter> hp = hidden.parameters();
        Map<String, Parameter> rp = net.layers().get(1).parameters();
        Var wVar = f.bind.apply(hp.get("W"));
        Var bVar = f.bind.apply(hp.get("b"));
        Var vVar = hp.containsKey("V") ? f.bind.apply(hp.get("V")) : null;
        Var woVar = f.bind.apply(rp.get("W"));
        Var boVar = f.bind.apply(rp.get("b"));
        Var kVar = rp.containsKey("beta") ? f.bind.apply(rp.get("beta")) : null;
        Network.Pass pass = Network.Pass.of(f.pass.outputs(), bound).withSpikeCounts(f.counts);
        Var loss = objective.apply(pass, targets);
        tape.backward(loss, Tensor.scalar(weight));

        // pass 2: the same forward again, with the eligibility traces and the learning signal
        Run run = f.run;
        int bn = run.batch * run.n;
        Tensor fb = feedback == Feedback.SYMMETRIC ? rp.get("W").value() : randomFeedback(run.classes, run.n);
        float[] local = f.zMean.grad().data().clone();
        for (int i = 0; i < bn; i++) {
            local[i] /= run.steps; // ∂(time average)/∂z_t
        }
        // the readout error ∂E/∂c_t = ∂E/∂y_t + κ·∂E/∂c_{t+1}, in place, and κ's own gradient Σ_t ∂E/∂c_t·y_{t−1}
        // over the steps kept (from f.from on); before them ∂E/∂y = 0, so ∂E/∂c_t = κ^(from−t)·∂E/∂c_from
        int bc = run.batch * run.classes;
        float[] err = f.y.grad().data();
        float[] y = f.y.value().data();
        float[] kappa = f.kappa;
        int kept = err.length / bc;
        for (int t = kept - 2; t >= 0; t--) {
            for (int i = 0; i < bc; i++) {
                err[t * bc + i] += kappa[i % run.classes] * err[(t + 1) * bc + i];
            }
        }
        if (kVar != null) { // only when every step is kept (see stream)
            float[] gk = new float[run.classes];
            for (int t = 1; t < run.steps; t++) {
                for (int i = 0; i < bc; i++) {
                    gk[i % run.classes] += err[t * bc + i] * y[(t - 1) * bc + i];
                }
            }
            kVar.accumulate(gk);
        }
        int from = f.from;
        ErrorRows rows = (t0, len, out) -> {
            for (int s = 0; s < len; s++) {
                int t = t0 + s;
                if (t >= from) {
                    System.arraycopy(err, (t - from) * bc, out, s * bc, bc);
                } else {
                    for (int i = 0; i < bc; i++) {
                        out[s * bc + i] = (float) (Math.pow(kappa[i % run.classes], from - t) * err[i]);
                    }
                }
            }
        };
        Grads g = run.gradients(rows, fb, local, vVar != null);
        wVar.accumulate(g.w);
        bVar.accumulate(g.b);
        if (vVar != null) {
            vVar.accumulate(g.v);
        }
        woVar.accumulate(g.wOut);
        boVar.accumulate(g.bOut);
        return new Outcome(pass, loss);
    }

    /**
     * Evaluation as training sees it, in the same blocks and memory: the readout's output (its last {@code W} steps
     * for {@code ce_last_membrane:W}, all the loss and the decoding read) and the spiking layer's time average
     * {@code [1, B, N]} with its spike count. The same float operations as the network's composed forward pass,
     * except that the input products run per block of 32 steps: for layers of 64 or more outputs the product kernel
     * (event-driven or dense) is chosen per block, and the fused recurrent kernel adds sparse recurrent spikes row by
     * row, so either may round differently and a spike exactly at threshold can differ.
     */
    @Override
    public Network.Pass infer(Network net, Var input, ForwardContext ctx, Objective objective) {
        Tape tape = input.tape();
        Streamed f = stream(net, input, ctx, p -> tape.constant(p.value()), false, window(objective));
        return f.pass.withSpikeCounts(f.counts);
    }

    /** The readout steps the objective reads, when it reads only the last W of them (and no penalty reads more). */
    private static Integer window(Objective objective) {
        if (objective == null || !(objective.loss() instanceof Loss.CeLastMembrane last)) {
            return null;
        }
        for (Regularizer r : objective.regularizers()) {
            int layer = r instanceof Regularizer.RateL1 l1 ? l1.layer() : ((Regularizer.Homeostasis) r).layer();
            if (layer != 0) {
                return null; // a penalty on the readout reads all of its steps
            }
        }
        return last.window();
    }

    /** Pass 1 and what pass 2 needs of it. */
    private record Streamed(Network.Pass pass, double[] counts, Var y, int from, float[] kappa, Var zMean, Run run,
                            Function<Parameter, Var> bind) {
    }

    /**
     * Pass 1: the spiking layer forward in blocks, keeping only the readout's input current and each neuron's spike
     * count; then the readout on the tape (the loss sees its output, the spike penalties the spikes' time average,
     * all they depend on; see {@code Regularizer}).
     */
    private static Streamed stream(Network net, Var input, ForwardContext ctx, Function<Parameter, Var> bind,
                                   boolean grad, Integer objectiveWindow) {
        List<LayerSpec> specs = new ArrayList<>();
        net.layers().forEach(l -> specs.add(l.spec()));
        check(specs);
        if (ctx.spikes() != SpikeFunction.HEAVISIDE) {
            throw new IllegalArgumentException("e-prop needs deterministic Heaviside spikes");
        }
        Layer hidden = net.layers().get(0);
        Layer readout = net.layers().get(1);
        Tape tape = input.tape();
        Map<String, Parameter> rp = readout.parameters();
        Run run = new Run(hidden, readout, input.value());
        int steps = run.steps;
        int bn = run.batch * run.n;
        int bc = run.batch * run.classes;
        // the leaky readout y_t = κ·y_{t−1} + c_t, as its layer computes it ((y·κ) + c, κ per class when learnt)
        ReadoutSpec rs = (ReadoutSpec) readout.spec();
        float[] kappa = new float[run.classes];
        for (int k = 0; k < run.classes; k++) {
            kappa[k] = rp.containsKey("beta") ? rp.get("beta").value().data()[k] : rs.beta();
        }
        // a loss that reads only the last W steps lets the readout keep only those (when κ is not learnt, whose
        // gradient needs every step): the readout's memory is then independent of T
        int from = objectiveWindow != null && !rp.containsKey("beta") ? Math.max(0, steps - objectiveWindow) : 0;
        int kept = steps - from;
        float[] y = new float[kept * bc];
        float[] u = new float[bc];
        double[] counts = new double[bn];
        Tape scratch = new Tape();
        Function<String, Var> readoutConst = name -> rp.containsKey(name) && !name.equals("beta")
                ? scratch.constant(rp.get(name).value()) : null;
        run.sweep((t0, len, z, psi, x) -> {
            Tensor zs = Tensor.of(java.util.Arrays.copyOf(z, len * bn), len, run.batch, run.n);
            float[] c = Arena.outside(() -> readout.projection().apply(scratch.constant(zs), readoutConst).value()
                    .data());
            for (int s = 0; s < len; s++) {
                int o = (t0 + s) * bc;
                for (int i = 0; i < bc; i++) {
                    u[i] = u[i] * kappa[i % run.classes] + c[s * bc + i];
                    if (t0 + s >= from) {
                        y[o - from * bc + i] = u[i];
                    }
                }
                for (int i = 0; i < bn; i++) {
                    counts[i] += z[s * bn + i];
                }
            }
        });
        Tensor yt = Tensor.of(y, kept, run.batch, run.classes);
        Var yVar = grad ? tape.param(yt) : tape.constant(yt);
        float[] mean = new float[bn];
        double total = 0;
        for (int i = 0; i < bn; i++) {
            mean[i] = (float) (counts[i] / steps);
            total += counts[i];
        }
        Tensor mt = Tensor.of(mean, 1, run.batch, run.n);
        Var zMean = grad ? tape.param(mt) : tape.constant(mt);
        Network.Pass pass = Network.Pass.of(List.of(zMean, yVar), Map.of());
        return new Streamed(pass, new double[] {total, Double.NaN}, yVar, from, kappa, zMean, run, bind);
    }

    /** {@code B [classes, n]}, drawn as the readout's {@code W} is: {@code U(−1/√n, 1/√n)}. */
    private Tensor randomFeedback(int classes, int n) {
        float bound = (float) (1.0 / Math.sqrt(n));
        return Tensor.uniform(new SplittableRandom(seed ^ 0x6570726f70L), -bound, bound, classes, n);
    }

    private record Grads(float[] w, float[] b, float[] v, float[] wOut, float[] bOut) {
    }

    /** The readout error {@code ∂E/∂c} of steps {@code [t0, t0 + len)} into {@code out [len, B, classes]}. */
    private interface ErrorRows {
        void fill(int t0, int len, float[] out);
    }

    /** What one block of time steps hands on: spikes and surrogate derivatives {@code [len, B, N]}, input. */
    private interface Block {
        void accept(int t0, int len, float[] z, float[] psi, float[] x);
    }

    /** The spiking layer run forward outside the tape in blocks of time steps, and its eligibility traces. */
    private static final class Run {
        final int steps;
        final int batch;
        final int n;
        final int inputs;
        final int classes;
        final Tensor input;
        final Layer hidden;
        final Tensor recurrent;
        final Lif lif;
        final Alif alif;
        final Surrogate surrogate;

        Run(Layer hidden, Layer readout, Tensor input) {
            SpikingSpec spec = (SpikingSpec) hidden.spec();
            int[] sh = input.shape();
            if (sh.length != 3 || sh[2] != hidden.inputs()) {
                throw new IllegalArgumentException("layer 0: e-prop expects input [T, B, " + hidden.inputs()
                        + "], got " + java.util.Arrays.toString(sh));
            }
            this.hidden = hidden;
            this.input = input;
            steps = sh[0];
            batch = sh[1];
            inputs = sh[2];
            n = spec.out();
            classes = readout.spec().out();
            Map<String, Parameter> hp = hidden.parameters();
            recurrent = hp.containsKey("V") ? hp.get("V").value() : null;
            alif = spec.neuron() instanceof Alif a ? a : null;
            lif = membrane(spec.neuron());
            surrogate = spec.surrogate();
        }

        /** Input steps {@code [t0, t0 + len)}, without expanding an event tensor beyond them. */
        private Tensor inputSteps(int t0, int len) {
            int rows = batch * inputs;
            if (input.events() != null) {
                return Tensor.ofEvents(input.events().rows(t0 * batch, (t0 + len) * batch), len, batch, inputs);
            }
            return Tensor.of(java.util.Arrays.copyOfRange(input.data(), t0 * rows, (t0 + len) * rows), len, batch,
                    inputs);
        }

        /**
         * The layer's equations over all steps, {@link #BLOCK} at a time (the same float operations, in the same
         * order, as {@link Lif} and {@link Alif}); each block's currents come from the layer's own projection.
         */
        void sweep(Block f) {
            int bn = batch * n;
            float[] v = new float[bn];
            float[] a = new float[bn];
            float[] prev = new float[bn];
            float[] z = new float[BLOCK * bn];
            float[] psi = new float[BLOCK * bn];
            float beta = lif.beta();
            float th = lif.threshold();
            boolean subtract = lif.reset() == Reset.SUBTRACT;
            Map<String, Parameter> hp = hidden.parameters();
            Tape scratch = new Tape();
            Blas blas = Blas.get();
            float[] rec = recurrent != null ? new float[bn] : null;
            for (int t0 = 0; t0 < steps; t0 += BLOCK) {
                int len = Math.min(BLOCK, steps - t0);
                Tensor xs = inputSteps(t0, len);
                // outside the trainer's arena, which would keep every block's arrays until the batch ends
                float[][] blockArrays = Arena.outside(() -> new float[][] {
                        hidden.projection().apply(scratch.constant(xs),
                                name -> hp.containsKey(name) ? scratch.constant(hp.get(name).value()) : null)
                                .value().data(),
                        xs.data()});
                float[] currents = blockArrays[0];
                for (int s = 0; s < len; s++) {
                    if (recurrent != null) { // rec = prev·Vᵀ, the product Tensor.matmul makes, into one buffer
                        blas.sgemm(false, true, batch, n, n, 1f, prev, 0, n, recurrent.data(), 0, n, 0f, rec, 0, n);
                    }
                    int o = s * bn;
                    for (int i = 0; i < bn; i++) {
                        float in = rec != null ? currents[o + i] + rec[i] : currents[o + i];
                        float nv = subtract ? v[i] * beta + in - prev[i] * th : v[i] * beta + in;
                        float h;
                        if (alif != null) {
                            a[i] = a[i] * alif.rho() + prev[i];
                            h = nv - (a[i] * alif.adapt() + th);
                        } else {
                            h = nv + -th;
                        }
                        v[i] = nv;
                        z[o + i] = h > 0 ? 1f : 0f;
                        psi[o + i] = surrogate.derivative(h);
                    }
                    System.arraycopy(z, o, prev, 0, bn);
                }
                f.accept(t0, len, z, psi, blockArrays[1]);
            }
        }

        /**
         * The gradients, from the readout error {@code err = ∂E/∂c [T, B, classes]}, the feedback matrix
         * {@code fb [classes, N]} and the spike penalties' {@code local = ∂E/∂z_t [B, N]} (the same at every step):
         * {@code L_t = err_t·fb + local}, the spiking layer's {@code Σ_t (L·ψ)_tᵀ·p̄_t} by blocks of time steps
         * plus ALIF's adaptation term step by step, and the readout's {@code Σ_t err_tᵀ·z_t}.
         */
        Grads gradients(ErrorRows errors, Tensor fb, float[] local, boolean withV) {
            int bn = batch * n;
            int bc = batch * classes;
            float beta = lif.beta();
            float[] gw = new float[n * inputs];
            float[] gb = new float[n];
            float[] gv = withV ? new float[n * n] : null;
            float[] gwOut = new float[classes * n];
            float[] gbOut = new float[classes];
            float[] xbar = new float[batch * inputs];
            float[] zbar = new float[bn];
            float[] zPrev = new float[bn];
            float[] one = {0f};
            float[] ea = alif != null ? new float[bn * (inputs + n + 1)] : null;
            float[] lpsi = new float[BLOCK * bn];
            float[] xBlock = new float[BLOCK * batch * inputs];
            float[] zBlock = withV ? new float[BLOCK * bn] : null;
            float[] oneBlock = new float[BLOCK];
            Blas blas = Blas.get();
            float[] err = new float[BLOCK * bc];
            sweep((t0, len, z, psi, x) -> {
                int rows = len * batch;
                errors.fill(t0, len, err);
                // learning signal L = err·fb + local for the block's steps
                float[] signal = new float[len * bn];
                blas.sgemm(false, false, rows, n, classes, 1f, err, 0, classes, fb.data(), 0, n, 0f, signal, 0, n);
                // the readout's gradient: Wout += errᵀ·z, bout += Σ err
                blas.sgemm(true, false, classes, n, rows, 1f, err, 0, classes, z, 0, n, 1f, gwOut, 0, n);
                for (int r = 0; r < rows; r++) {
                    for (int k = 0; k < classes; k++) {
                        gbOut[k] += err[r * classes + k];
                    }
                }
                for (int s = 0; s < len; s++) {
                    int o = s * bn;
                    for (int i = 0; i < bn; i++) {
                        signal[o + i] += local[i];
                    }
                    // the membrane-filtered presynaptic traces p̄_t (z_{−1} = 0)
                    int xo = s * batch * inputs;
                    for (int i = 0; i < xbar.length; i++) {
                        xbar[i] = beta * xbar[i] + x[xo + i];
                    }
                    for (int i = 0; i < bn; i++) {
                        zbar[i] = beta * zbar[i] + zPrev[i];
                    }
                    one[0] = beta * one[0] + 1f;
                    if (alif != null) {
                        adaptation(o, signal, psi, gw, gb, gv, xbar, zbar, one[0], ea);
                    }
                    for (int i = 0; i < bn; i++) {
                        lpsi[o + i] = signal[o + i] * psi[o + i];
                    }
                    System.arraycopy(xbar, 0, xBlock, xo, xbar.length);
                    if (withV) {
                        System.arraycopy(zbar, 0, zBlock, o, bn);
                    }
                    oneBlock[s] = one[0];
                    System.arraycopy(z, o, zPrev, 0, bn);
                }
                // gW[n, in] += (Lψ)ᵀ [n, rows] · x̄ [rows, in]; gV likewise with z̄; gb with the bias trace
                blas.sgemm(true, false, n, inputs, rows, 1f, lpsi, 0, n, xBlock, 0, inputs, 1f, gw, 0, inputs);
                if (withV) {
                    blas.sgemm(true, false, n, n, rows, 1f, lpsi, 0, n, zBlock, 0, n, 1f, gv, 0, n);
                }
                for (int s = 0; s < len; s++) {
                    for (int bj = 0; bj < bn; bj++) {
                        gb[bj % n] += lpsi[s * bn + bj] * oneBlock[s];
                    }
                }
            });
            return new Grads(gw, gb, gv, gwOut, gbOut);
        }

        /**
         * ALIF at one step (offset {@code o} into the block): subtracts {@code adapt·L·ψ·ε^a_t} from the gradients,
         * then advances {@code ε^a_{t+1} = (ρ − adapt·ψ_t)·ε^a_t + ψ_t·p̄_t}. Row {@code (b, j)} of {@code ea} holds
         * the eligibilities for x (inputs), then z_{t−1} (n), then the bias (1).
         */
        private void adaptation(int o, float[] signal, float[] psi, float[] gw, float[] gb, float[] gv,
                                float[] xbar, float[] zbar, float one, float[] ea) {
            int pre = inputs + n + 1;
            float adapt = alif.adapt();
            float rho = alif.rho();
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < n; j++) {
                    int bj = b * n + j;
                    int row = bj * pre;
                    float p = psi[o + bj];
                    float c = adapt * signal[o + bj] * p;
                    if (c != 0f) {
                        int w = j * inputs;
                        for (int i = 0; i < inputs; i++) {
                            gw[w + i] -= c * ea[row + i];
                        }
                        if (gv != null) {
                            int v = j * n;
                            for (int i = 0; i < n; i++) {
                                gv[v + i] -= c * ea[row + inputs + i];
                            }
                        }
                        gb[j] -= c * ea[row + inputs + n];
                    }
                    float d = rho - adapt * p;
                    int xb = b * inputs;
                    for (int i = 0; i < inputs; i++) {
                        ea[row + i] = d * ea[row + i] + p * xbar[xb + i];
                    }
                    int zb = b * n;
                    for (int i = 0; i < n; i++) {
                        ea[row + inputs + i] = d * ea[row + inputs + i] + p * zbar[zb + i];
                    }
                    ea[row + inputs + n] = d * ea[row + inputs + n] + p * one;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "eprop(" + feedback + ")";
    }
}
