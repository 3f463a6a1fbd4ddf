package dev.surge.core.eprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.autograd.Ops;
import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.loss.Loss;
import dev.surge.core.loss.Regularizer;
import dev.surge.core.loss.Targets;
import dev.surge.core.neuron.Alif;
import dev.surge.core.neuron.EscapeNoise;
import dev.surge.core.neuron.Izhikevich;
import dev.surge.core.neuron.Lif;
import dev.surge.core.neuron.NeuronModel;
import dev.surge.core.neuron.NeuronState;
import dev.surge.core.neuron.Reset;
import dev.surge.core.neuron.SpikeFunction;
import dev.surge.core.neuron.StepContext;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.ForwardContext;
import dev.surge.core.nn.Layer;
import dev.surge.core.nn.LayerSpec;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.Parameter;
import dev.surge.core.nn.ReadoutSpec;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.RandomStream;
import dev.surge.core.tensor.Tensor;
import dev.surge.core.train.LearningRule;
import dev.surge.core.train.Objective;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * E-prop against back-propagation through time where the two must coincide: BPTT of the same network with the
 * previous step's spikes detached in the recurrent input (the reset is detached by the model), computed here on the
 * tape from the neuron models' own step functions; and the production BPTT rule on feed-forward layers, where there is
 * nothing to detach.
 */
class EPropTest {
    static final int T = 70; // more than one of e-prop's blocks of 32 steps
    static final int B = 3;
    static final int IN = 5;
    static final int N = 6;

    private static Network net(NeuronModel<?> model, boolean recurrent, long seed) {
        SpikingSpec hidden = SpikingSpec.of(N, model).withSurrogate(Surrogate.of("fast_sigmoid", 5f))
                .withRecurrent(recurrent);
        Network net = Network.create(IN, List.of(hidden, new ReadoutSpec(3, 0.9f, true)), seed);
        for (Parameter p : net.layers().get(0).parameters().values()) {
            float scale = p.name().equals("W") ? 4f : p.name().equals("V") ? 2f : 1f;
            for (int i = 0; i < p.value().size(); i++) {
                p.value().data()[i] *= scale; // enough drive that the neurons fire and interact
            }
        }
        return net;
    }

    private static Tensor input(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor x = Tensor.zeros(T, B, IN);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = r.nextDouble() < 0.4 ? 1f : 0f;
        }
        return x;
    }

    private static final Targets TARGETS = Targets.of(new int[] {2, 0, 1});
    private static final Objective OBJECTIVE = new Objective(new Loss.CeMeanMembrane(),
            List.of(new Regularizer.RateL1(0, 0.3f)));

    private static Map<String, float[]> grads(Network net) {
        Map<String, float[]> g = new LinkedHashMap<>();
        net.parameters().forEach((k, p) -> g.put(k, p.grad().data().clone()));
        return g;
    }

    /** The rule's gradients (and the spike count of its forward pass, to show the network is active). */
    private static Map<String, float[]> byRule(LearningRule rule, Network net, Tensor x, Objective obj) {
        net.zeroGrad();
        Tape tape = new Tape();
        LearningRule.Outcome o = rule.apply(net, tape.constant(x), TARGETS, obj,
                ForwardContext.training(Backend.COMPOSED, RandomStream.of(0L)), 1f);
        o.pass().accumulateGrads();
        Map<String, float[]> g = grads(net);
        g.put("loss", new float[] {o.loss().item()});
        g.put("spikes", new float[] {(float) o.pass().spikeCount(0)});
        return g;
    }

    /** BPTT on the tape, with {@code z_{t−1}} detached in the recurrent input when {@code detach}. */
    private static <S extends NeuronState> Map<String, float[]> bptt(Network net, NeuronModel<S> model, Tensor x,
                                                                     boolean detach) {
        return bptt(net, model, x, detach, OBJECTIVE);
    }

    private static <S extends NeuronState> Map<String, float[]> bptt(Network net, NeuronModel<S> model, Tensor x,
                                                                     boolean detach, Objective objective) {
        net.zeroGrad();
        Tape tape = new Tape();
        Map<Parameter, Var> bound = new IdentityHashMap<>();
        Function<Parameter, Var> bind = p -> bound.computeIfAbsent(p, q -> tape.param(q.value()));
        Layer hidden = net.layers().get(0);
        Map<String, Parameter> hp = hidden.parameters();
        Function<String, Var> param = name -> hp.containsKey(name) ? bind.apply(hp.get(name)) : null;
        Var current = hidden.projection().apply(tape.constant(x), param);
        Var v = param.apply("V");
        StepContext ctx = StepContext.of(((SpikingSpec) hidden.spec()).surrogate());
        S st = model.initial(tape, B, N);
        Var[] out = new Var[T];
        for (int t = 0; t < T; t++) {
            Var in = current.select(0, t);
            if (v != null) {
                Var prev = detach ? st.spikes().detach() : st.spikes();
                in = in.add(prev.matmul(false, v, true));
            }
            st = model.step(st, in, ctx.at(t));
            out[t] = st.spikes();
        }
        Var z = Ops.stack(0, out);
        Var y = net.layers().get(1).forward(z, bind, ForwardContext.training(Backend.COMPOSED, RandomStream.of(0L)));
        Network.Pass pass = Network.Pass.of(List.of(z, y), bound);
        Var loss = objective.apply(pass, TARGETS);
        tape.backward(loss);
        pass.accumulateGrads();
        Map<String, float[]> g = grads(net);
        g.put("loss", new float[] {loss.item()});
        return g;
    }

    /** Largest element difference over the largest element, per parameter. */
    private static double worst(Map<String, float[]> a, Map<String, float[]> b, List<String> names) {
        double w = 0;
        for (String k : names) {
            float[] x = a.get(k);
            float[] y = b.get(k);
            double diff = 0;
            double scale = 1e-12;
            for (int i = 0; i < x.length; i++) {
                diff = Math.max(diff, Math.abs(x[i] - y[i]));
                scale = Math.max(scale, Math.abs(y[i]));
            }
            w = Math.max(w, diff / scale);
        }
        return w;
    }

    private static void assertMatchesDetachedBptt(NeuronModel<?> model) {
        Network net = net(model, true, 7);
        Tensor x = input(3);
        Map<String, float[]> eprop = byRule(EProp.symmetric(), net, x, OBJECTIVE);
        Map<String, float[]> ref = bptt(net, model, x, true);
        assertTrue(eprop.get("spikes")[0] > 0.1 * T * B * N && eprop.get("spikes")[0] < 0.9 * T * B * N,
                "the layer is active but not saturated: " + eprop.get("spikes")[0] + " spikes");
        assertEquals(ref.get("loss")[0], eprop.get("loss")[0], 1e-6f, "same forward pass, same loss");
        List<String> names = List.copyOf(net.parameters().keySet());
        double err = worst(eprop, ref, names);
        assertTrue(err < 2e-5, "e-prop equals BPTT with detached recurrence to rounding; worst relative error " + err);
        // and the comparison is sensitive: undetached BPTT (the true gradient) differs from both
        Map<String, float[]> full = bptt(net, model, x, false);
        double gap = worst(full, ref, List.of("layers.0.W", "layers.0.V", "layers.0.b"));
        assertTrue(gap > 1e-2, "the recurrent path matters in this network; gap " + gap);
    }

    @Test
    void recurrentLifEqualsBpttWithDetachedRecurrence() {
        assertMatchesDetachedBptt(Lif.DEFAULT.withBeta(0.85f));
    }

    @Test
    void recurrentAlifEqualsBpttWithDetachedRecurrence() {
        assertMatchesDetachedBptt(new Alif(0.9f, 0.4f, Lif.DEFAULT.withBeta(0.85f)));
    }

    @Test
    void noResetLifEqualsBpttWithDetachedRecurrence() {
        assertMatchesDetachedBptt(Lif.DEFAULT.withBeta(0.8f).withReset(Reset.NONE, true));
    }

    @Test
    void aLossOnTheLastStepsKeepsOnlyThoseAndGivesTheSameGradient() {
        Lif model = Lif.DEFAULT.withBeta(0.85f);
        SpikingSpec hidden = SpikingSpec.of(N, model).withSurrogate(Surrogate.of("fast_sigmoid", 5f))
                .withRecurrent(true);
        Network net = Network.create(IN, List.of(hidden, ReadoutSpec.of(3, 0.9f)), 7);
        for (Parameter p : net.layers().get(0).parameters().values()) {
            float scale = p.name().equals("W") ? 4f : p.name().equals("V") ? 2f : 1f;
            for (int i = 0; i < p.value().size(); i++) {
                p.value().data()[i] *= scale;
            }
        }
        Tensor x = input(3);
        Objective last = new Objective(new Loss.CeLastMembrane(10), List.of(new Regularizer.RateL1(0, 0.3f)));
        net.zeroGrad();
        Tape tape = new Tape();
        LearningRule.Outcome o = EProp.symmetric().apply(net, tape.constant(x), TARGETS, last,
                ForwardContext.training(Backend.COMPOSED, RandomStream.of(0L)), 1f);
        o.pass().accumulateGrads();
        assertEquals(List.of(10, B, 3), java.util.Arrays.stream(o.pass().output().shape()).boxed().toList(),
                "only the window is kept");
        Map<String, float[]> eprop = grads(net);
        eprop.put("loss", new float[] {o.loss().item()});
        Map<String, float[]> ref = bptt(net, model, x, true, last);
        assertEquals(ref.get("loss")[0], eprop.get("loss")[0], 1e-6f);
        double err = worst(eprop, ref, List.copyOf(net.parameters().keySet()));
        assertTrue(err < 2e-5, "worst relative error " + err);
        assertTrue(Math.abs(eprop.get("layers.0.W")[0]) + Math.abs(eprop.get("layers.0.W")[1]) > 0);
    }

    @Test
    void feedForwardLayersGetExactlyTheBpttGradient() {
        for (NeuronModel<?> m : List.of(Lif.DEFAULT.withBeta(0.85f), new Alif(0.95f, 0.3f, Lif.DEFAULT))) {
            Network net = net(m, false, 5);
            Tensor x = input(9);
            Map<String, float[]> eprop = byRule(EProp.symmetric(), net, x, OBJECTIVE);
            Map<String, float[]> ref = byRule(LearningRule.bptt(), net, x, OBJECTIVE);
            assertEquals(ref.get("loss")[0], eprop.get("loss")[0], 1e-6f);
            double err = worst(eprop, ref, List.copyOf(net.parameters().keySet()));
            assertTrue(err < 2e-5, m.type() + ": worst relative error " + err);
        }
    }

    @Test
    void evaluationInBlocksEqualsTheNetworksOwnForwardPassBitForBit() {
        for (NeuronModel<?> m : List.of(Lif.DEFAULT.withBeta(0.85f), new Alif(0.9f, 0.4f, Lif.DEFAULT))) {
            Network net = net(m, true, 7);
            Tensor x = input(3);
            for (Backend backend : Backend.values()) {
                ForwardContext ctx = new ForwardContext(backend, false, RandomStream.of(0L), SpikeFunction.HEAVISIDE);
                Network.Pass own = net.forward(new Tape().constant(x), ctx);
                Network.Pass streamed = EProp.symmetric().infer(net, new Tape().constant(x), ctx, OBJECTIVE);
                assertEquals(0f, own.output().value().maxAbsDiff(streamed.output().value()), m.type() + " " + backend);
                assertEquals(own.spikeCount(0), streamed.spikeCount(0));
                assertTrue(own.spikeCount(0) > 0);
            }
        }
    }

    @Test
    void eventInputGivesTheSameGradientsAsDenseInput() {
        Network net = net(new Alif(0.9f, 0.4f, Lif.DEFAULT), true, 7);
        Tensor x = input(3);
        Tensor events = Tensor.ofEvents(dev.surge.core.tensor.SpikeRows.of(x.data(), 0, T * B, IN, 1.0), T, B, IN);
        Map<String, float[]> dense = byRule(EProp.symmetric(), net, x, OBJECTIVE);
        Map<String, float[]> sparse = byRule(EProp.symmetric(), net, events, OBJECTIVE);
        assertTrue(worst(sparse, dense, List.copyOf(net.parameters().keySet())) < 1e-6);
    }

    @Test
    void randomFeedbackChangesOnlyTheSpikingLayerAndIsFixedBySeed() {
        Network net = net(Lif.DEFAULT, true, 7);
        Tensor x = input(3);
        Map<String, float[]> sym = byRule(EProp.symmetric(), net, x, OBJECTIVE);
        Map<String, float[]> r1 = byRule(EProp.random(1), net, x, OBJECTIVE);
        Map<String, float[]> r1again = byRule(EProp.random(1), net, x, OBJECTIVE);
        Map<String, float[]> r2 = byRule(EProp.random(2), net, x, OBJECTIVE);
        List<String> readout = List.of("layers.1.W", "layers.1.b");
        List<String> hidden = List.of("layers.0.W", "layers.0.V", "layers.0.b");
        assertEquals(0.0, worst(r1, sym, readout), "the readout's gradient is exact whatever the feedback");
        assertTrue(worst(r1, sym, hidden) > 0.1);
        assertEquals(0.0, worst(r1, r1again, hidden), "same seed, same feedback matrix");
        assertTrue(worst(r1, r2, hidden) > 0.1);
    }

    @Test
    void refusesWhatItCannotTrainNamingTheLayer() {
        Surrogate s = Surrogate.of("fast_sigmoid", 25f);
        Map<List<LayerSpec>, String> cases = new LinkedHashMap<>();
        cases.put(List.of(SpikingSpec.lif(4), SpikingSpec.lif(4), ReadoutSpec.of(2, 0.9f)),
                "one spiking layer followed by a readout; this model has 3 layers: lif, lif, readout");
        cases.put(List.of(SpikingSpec.of(4, Izhikevich.REGULAR_SPIKING), ReadoutSpec.of(2, 0.9f)),
                "layer 0: e-prop supports lif and alif neurons, not 'izhikevich'");
        cases.put(List.of(SpikingSpec.of(4, Lif.DEFAULT.withReset(Reset.ZERO, true)), ReadoutSpec.of(2, 0.9f)),
                "zero reset");
        cases.put(List.of(SpikingSpec.of(4, Lif.DEFAULT.withReset(Reset.SUBTRACT, false)), ReadoutSpec.of(2, 0.9f)),
                "not detached");
        cases.put(List.of(SpikingSpec.of(4, Lif.DEFAULT.withLearnable(true, false)), ReadoutSpec.of(2, 0.9f)),
                "learnt beta");
        cases.put(List.of(new SpikingSpec(4, Lif.DEFAULT, s, false, null, EscapeNoise.sigmoid(4f)),
                ReadoutSpec.of(2, 0.9f)), "escape noise");
        for (var e : cases.entrySet()) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> EProp.check(e.getKey()));
            assertTrue(ex.getMessage().contains(e.getValue()), ex.getMessage());
        }
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> EProp.of("hebbian", 0));
        assertEquals("unknown e-prop feedback 'hebbian'; known: symmetric, random", ex.getMessage());
    }
}
