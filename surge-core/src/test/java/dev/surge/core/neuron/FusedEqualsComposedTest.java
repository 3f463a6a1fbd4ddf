package dev.surge.core.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.LayerSpec;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.Parameter;
import dev.surge.core.nn.ReadoutSpec;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fused whole-sequence kernels ({@link FusedLif}) equal the composed per-step reference
 * ({@link SpikingDynamics}): identical spikes and the same gradients with respect to the input currents, the
 * recurrent weights V, and per-neuron β and θ, for every reset mode × attached/detached reset × feed-forward or
 * recurrent × learnable β/θ, for LIF and IF; the same for the leaky readout; and a whole {@link Network} gives the
 * same loss and parameter gradients on {@link Backend#FUSED} and {@link Backend#COMPOSED}.
 *
 * <p><b>Why spikes can be compared exactly.</b> A spike is {@code v − θ > 0}, so two implementations that round
 * the membrane differently may legitimately disagree when {@code v} lies within float32 rounding of θ. Both
 * implementations evaluate the membrane update with the same float operations in the same order
 * ({@code (β·v + I) − θ·r}, {@code (β·v)·(1 − r) + I}), so they are bit-identical except for one sum whose order
 * differs: the recurrent input {@code I + Σ_j V_kj·s_j} (the composed path sums it in a BLAS GEMM, the fused
 * kernel neuron by neuron). The inputs are therefore drawn on dyadic grids — currents on multiples of 2⁻¹⁶,
 * V on multiples of 2⁻⁸ — so that this sum is exact in float32 in any order. With that, the fused and the
 * composed membranes are bit-identical by construction, for any seed and whichever BLAS runs the composed GEMM,
 * and exact spike equality is a sound requirement rather than a lucky one. The grids are fine enough not to
 * matter otherwise (β and θ, the per-neuron parameters and all gradients are unrestricted floats).
 * {@link #unquantisedRecurrentInputsAgreeWhereNoMembraneIsNearThreshold} covers the unquantised case with
 * fixed seeds whose membranes all stay at least 1e-4 from threshold (checked in the test).
 */
class FusedEqualsComposedTest {

    private static final int T = 30;
    private static final int B = 3;
    private static final int N = 12;
    private static final double GRAD_TOL = 1e-4;
    private static final Surrogate SURROGATE = Surrogate.of("fast_sigmoid", 25f);

    /** Which of β, θ are learnable per-neuron parameters. */
    enum Learn {
        NONE(false, false), BETA(true, false), THRESHOLD(false, true), BOTH(true, true);

        final boolean beta;
        final boolean threshold;

        Learn(boolean beta, boolean threshold) {
            this.beta = beta;
            this.threshold = threshold;
        }
    }

    /** Random inputs of one case. */
    record Inputs(Tensor currents, Tensor recurrent, Tensor beta, Tensor threshold, Tensor upstream) {
    }

    /** One run: spikes and the gradients (null where the variable does not exist). */
    record Result(Tensor spikes, double loss, Tensor gCurrents, Tensor gRecurrent, Tensor gBeta, Tensor gThreshold) {
    }

    static double quantise(double x, double step) {
        return Math.rint(x / step) * step;
    }

    /**
     * Currents {@code I[t,b,k] = bias_k + 0.7·z} with a per-neuron bias in [−0.1, 0.35] (so neurons range from
     * rarely to often firing), V ~ U(−0.6, 0.6)/√N, per-neuron β in [0.75, 0.95] (or [0.97, 1] for IF),
     * θ in [0.8, 1.3], and an upstream weight R ~ N(0, 1) per output.
     */
    static Inputs inputs(long seed, int steps, int batch, int n, boolean integrateAndFire, boolean quantised) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] bias = new float[n];
        for (int k = 0; k < n; k++) {
            bias[k] = (float) (integrateAndFire ? 0.02 + 0.15 * rng.nextDouble() : -0.1 + 0.45 * rng.nextDouble());
        }
        Tensor cur = Tensor.zeros(steps, batch, n);
        float[] c = cur.data();
        for (int i = 0; i < c.length; i++) {
            double x = bias[i % n] + 0.7 * Tensor.gaussian(rng);
            c[i] = (float) (quantised ? quantise(x, 0x1p-16) : x);
        }
        Tensor v = Tensor.zeros(n, n);
        for (int i = 0; i < v.size(); i++) {
            double x = (2 * rng.nextDouble() - 1) * 0.6 / Math.sqrt(n);
            v.data()[i] = (float) (quantised ? quantise(x, 0x1p-8) : x);
        }
        Tensor beta = integrateAndFire ? Tensor.uniform(rng, 0.97f, 1f, n) : Tensor.uniform(rng, 0.75f, 0.95f, n);
        Tensor th = Tensor.uniform(rng, 0.8f, 1.3f, n);
        Tensor r = Tensor.randn(rng, 1f, steps, batch, n);
        return new Inputs(cur, v, beta, th, r);
    }

    static SpikingSpec spec(boolean integrateAndFire, Reset reset, boolean detach, boolean recurrent, Learn learn,
                            Surrogate surrogate) {
        Lif base = integrateAndFire ? Lif.integrateAndFire() : Lif.DEFAULT;
        return SpikingSpec.of(N, base.withReset(reset, detach).withLearnable(learn.beta, learn.threshold))
                .withRecurrent(recurrent).withSurrogate(surrogate);
    }

    /** The LIF membrane of a LIF, synaptic or ALIF layer. */
    static Lif lif(SpikingSpec spec) {
        if (spec.neuron() instanceof Alif a) {
            return a.membrane();
        }
        return spec.neuron() instanceof Synaptic s ? s.membrane() : (Lif) spec.neuron();
    }

    /** The same layer with a synaptic current of decay α. */
    static SpikingSpec synaptic(SpikingSpec spec, float alpha) {
        return spec.withNeuron(new Synaptic(alpha, lif(spec)));
    }

    /** The composed path with the learnt β and θ that are not null. */
    static Var composed(SpikingSpec spec, Var cur, Var v, Var beta, Var th) {
        return SpikingDynamics.run(spec.neuron(), cur, v, context(spec, beta, th));
    }

    static StepContext context(SpikingSpec spec, Var beta, Var th) {
        Map<String, Var> learnt = new LinkedHashMap<>();
        if (beta != null) {
            learnt.put("beta", beta);
        }
        if (th != null) {
            learnt.put("threshold", th);
        }
        return StepContext.of(spec.surrogate(), learnt, SpikeFunction.HEAVISIDE,
                dev.surge.core.tensor.RandomStream.of(0L), true);
    }

    /**
     * Runs one implementation and back-propagates
     * {@code L = Σ s·R + 0.05·Σ_{b,k} (Σ_t s)²}: a random linear read-out of the spikes plus a non-linear term,
     * so the upstream gradient differs per step, neuron and batch element and depends on the spikes themselves.
     */
    static Result run(boolean fused, SpikingSpec spec, Inputs in) {
        Tape tape = new Tape();
        Var cur = tape.param(in.currents().copy());
        Var v = spec.recurrent() ? tape.param(in.recurrent().copy()) : null;
        Var beta = lif(spec).learnBeta() ? tape.param(in.beta().copy()) : null;
        Var th = lif(spec).learnThreshold() ? tape.param(in.threshold().copy()) : null;
        Var s = fused ? FusedLif.forward(spec.neuron(), spec.surrogate(), cur, v, beta, th)
                : composed(spec, cur, v, beta, th);
        Var loss = s.mul(tape.constant(in.upstream())).sum().add(s.sum(0, false).square().sum().mul(0.05f));
        tape.backward(loss);
        return new Result(s.value(), loss.item(), cur.grad(), v == null ? null : v.grad(),
                beta == null ? null : beta.grad(), th == null ? null : th.grad());
    }

    /** ‖a − b‖ / ‖b‖, in double. */
    static double relErr(Tensor a, Tensor b) {
        assertArrayEquals(b.shape(), a.shape());
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.size(); i++) {
            double d = (double) a.data()[i] - b.data()[i];
            num += d * d;
            den += (double) b.data()[i] * b.data()[i];
        }
        return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
    }

    static void assertGradClose(String what, Tensor fused, Tensor composed) {
        assertTrue(composed.norm() > 1e-3, what + ": the reference gradient is (near) zero, nothing is tested: "
                + composed.norm());
        double e = relErr(fused, composed);
        assertTrue(e <= GRAD_TOL, what + ": relative error " + e + " (‖fused‖ = " + fused.norm()
                + ", ‖composed‖ = " + composed.norm() + ")");
    }

    static double spikeRate(Tensor spikes) {
        return spikes.sum() / spikes.size();
    }

    /** Asserts the fused result equals the composed one: spikes exactly, the loss and all gradients closely. */
    static void assertFusedMatches(String label, SpikingSpec spec, Result f, Result c) {
        double rate = spikeRate(c.spikes());
        assertTrue(rate >= 0.05 && rate <= 0.8, label + ": spike rate " + rate + " outside [0.05, 0.8]");
        assertArrayEquals(c.spikes().data(), f.spikes().data(), label + ": spikes differ");
        assertEquals(c.loss(), f.loss(), 1e-6 * Math.abs(c.loss()), label + ": loss");
        assertGradClose(label + " dL/dI", f.gCurrents(), c.gCurrents());
        if (spec.recurrent()) {
            assertGradClose(label + " dL/dV", f.gRecurrent(), c.gRecurrent());
        }
        if (lif(spec).learnBeta()) {
            assertGradClose(label + " dL/dβ", f.gBeta(), c.gBeta());
        }
        if (lif(spec).learnThreshold()) {
            assertGradClose(label + " dL/dθ", f.gThreshold(), c.gThreshold());
        }
    }

    static Stream<Arguments> everyConfiguration() {
        List<Arguments> out = new ArrayList<>();
        long seed = 1000;
        for (boolean iaf : new boolean[] {false, true}) {
            for (Reset reset : Reset.values()) {
                for (boolean detach : new boolean[] {true, false}) {
                    for (boolean rec : new boolean[] {false, true}) {
                        for (Learn learn : Learn.values()) {
                            out.add(Arguments.of(iaf ? "IF" : "LIF", reset, detach, rec, learn, seed++));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} reset={1} detach={2} recurrent={3} learn={4}")
    @MethodSource("everyConfiguration")
    void fusedLifGivesSameSpikesAndGradientsAsComposed(String kind, Reset reset, boolean detach, boolean recurrent,
                                                       Learn learn, long seed) {
        boolean iaf = kind.equals("IF");
        SpikingSpec spec = spec(iaf, reset, detach, recurrent, learn, SURROGATE);
        assertEquals(iaf ? 1f : 0.9f, lif(spec).beta());
        Inputs in = inputs(seed, T, B, N, iaf, true);
        assertFusedMatches(spec.toString(), spec, run(true, spec, in), run(false, spec, in));
    }

    static Stream<Arguments> everySynapticConfiguration() {
        return everyResetRecurrenceAndLearning(5000);
    }

    /** reset × detach × recurrent × learn, each with its own seed from {@code seed} on. */
    static Stream<Arguments> everyResetRecurrenceAndLearning(long firstSeed) {
        List<Arguments> out = new ArrayList<>();
        long seed = firstSeed;
        for (Reset reset : Reset.values()) {
            for (boolean detach : new boolean[] {true, false}) {
                for (boolean rec : new boolean[] {false, true}) {
                    for (Learn learn : Learn.values()) {
                        out.add(Arguments.of(reset, detach, rec, learn, seed++));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "synaptic reset={0} detach={1} recurrent={2} learn={3}")
    @MethodSource("everySynapticConfiguration")
    void fusedSynapticGivesSameSpikesAndGradientsAsComposed(Reset reset, boolean detach, boolean recurrent,
                                                            Learn learn, long seed) {
        SpikingSpec spec = synaptic(spec(false, reset, detach, recurrent, learn, SURROGATE), 0.8f);
        assertTrue(spec.fusable());
        Inputs in = inputs(seed, T, B, N, false, true);
        assertFusedMatches(spec.toString(), spec, run(true, spec, in), run(false, spec, in));
    }

    static Stream<Arguments> everyAlifConfiguration() {
        return everyResetRecurrenceAndLearning(7000);
    }

    /** ALIF with ρ = 0.9 and adapt = 0.2: strong enough that the adaptation changes the spikes (tested below). */
    static SpikingSpec alif(SpikingSpec spec) {
        return spec.withNeuron(new Alif(0.9f, 0.2f, lif(spec)));
    }

    @ParameterizedTest(name = "alif reset={0} detach={1} recurrent={2} learn={3}")
    @MethodSource("everyAlifConfiguration")
    void fusedAlifGivesSameSpikesAndGradientsAsComposed(Reset reset, boolean detach, boolean recurrent, Learn learn,
                                                        long seed) {
        SpikingSpec spec = alif(spec(false, reset, detach, recurrent, learn, SURROGATE));
        assertTrue(spec.fusable());
        Inputs in = inputs(seed, T, B, N, false, true);
        assertFusedMatches(spec.toString(), spec, run(true, spec, in), run(false, spec, in));
    }

    @Test
    void alifAtTheEvidencePresetsScaleAgreesOverLongSequences() {
        // the `alif` preset's constants (slow adaptation, low threshold, detached subtract reset) over 300 steps
        SpikingSpec spec = SpikingSpec.of(20, new Alif(0.9995f, 0.005f, Lif.DEFAULT.withBeta(0.95f)
                .withThreshold(0.3f))).withRecurrent(true).withSurrogate(SURROGATE);
        Inputs in = inputs(7200, 300, B, 20, false, true);
        assertFusedMatches("alif preset T=300", spec, run(true, spec, in), run(false, spec, in));
    }

    @Test
    void adaptationChangesTheSpikes() {
        // so a fused ALIF that ignored the adaptation would fail the comparison above
        SpikingSpec lif = spec(false, Reset.SUBTRACT, false, true, Learn.NONE, SURROGATE);
        Inputs in = inputs(7100, T, B, N, false, true);
        Result plain = run(true, lif, in);
        Result adaptive = run(true, alif(lif), in);
        assertFalse(java.util.Arrays.equals(plain.spikes().data(), adaptive.spikes().data()),
                "adaptation must change the spikes");
    }

    @Test
    void synapticCurrentChangesTheResult() {
        SpikingSpec lif = spec(false, Reset.SUBTRACT, true, true, Learn.NONE, SURROGATE);
        Inputs in = inputs(5100, T, B, N, false, true);
        Result plain = run(true, lif, in);
        Result syn = run(true, synaptic(lif, 0.8f), in);
        assertFalse(java.util.Arrays.equals(plain.spikes().data(), syn.spikes().data()),
                "a synaptic current must change the spikes, else the synaptic test proves nothing");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sigmoid:5", "fast_sigmoid:10", "atan:2", "rectangle:1", "triangle:0.8", "gaussian:0.4",
            "straight_through"})
    void everySurrogateFamilyGivesSameGradientsFusedAndComposed(String surrogate) {
        Surrogate sg = Surrogate.parse(surrogate);
        for (Reset reset : Reset.values()) {
            SpikingSpec spec = spec(false, reset, false, true, Learn.BOTH, sg);
            Inputs in = inputs(77 + reset.ordinal(), T, B, N, false, true);
            assertFusedMatches(surrogate + " " + reset, spec, run(true, spec, in), run(false, spec, in));
        }
    }

    @Test
    void longerSequencesAndWiderLayersStillAgree() {
        int n = 16;
        SpikingSpec wide = SpikingSpec.of(n, Lif.DEFAULT.withBeta(0.95f).withReset(Reset.SUBTRACT, false)
                .withLearnable(true, true)).withRecurrent(true);
        Inputs in = inputs(4242, 40, B, n, false, true);
        assertFusedMatches("T=40 N=16", wide, run(true, wide, in), run(false, wide, in));
    }

    /**
     * The unquantised case: continuous currents and V. The summation order of the recurrent input then differs
     * in the last bit, so spikes may only be compared where no membrane is within rounding of threshold. The seeds
     * below were chosen so that on the composed path every {@code |v − θ| ≥ 1e-4} (asserted first: if it ever
     * fails, the seed — not the kernel — is at fault), a margin about 100× the float32 rounding of these
     * membranes; with it the spikes must agree exactly.
     */
    @ParameterizedTest(name = "reset={0}")
    @MethodSource("unquantisedSeeds")
    void unquantisedRecurrentInputsAgreeWhereNoMembraneIsNearThreshold(Reset reset, long seed) {
        SpikingSpec spec = spec(false, reset, false, true, Learn.BOTH, SURROGATE);
        Inputs in = inputs(seed, T, B, N, false, false);
        double margin = composedThresholdMargin(spec, in);
        assertTrue(margin >= 1e-4, "seed " + seed + " puts a membrane " + margin
                + " from threshold; choose another seed for this case");
        assertFusedMatches("unquantised " + reset, spec, run(true, spec, in), run(false, spec, in));
    }

    static Stream<Arguments> unquantisedSeeds() {
        return Stream.of(Arguments.of(Reset.SUBTRACT, 11L), Arguments.of(Reset.ZERO, 12L),
                Arguments.of(Reset.NONE, 13L));
    }

    /** min over t, b, k of |v − θ| on the composed path (per-neuron θ from the inputs). */
    static double composedThresholdMargin(SpikingSpec spec, Inputs in) {
        Tape tape = new Tape();
        Var cur = tape.constant(in.currents());
        Lif model = lif(spec);
        StepContext ctx = context(spec, model.learnBeta() ? tape.constant(in.beta()) : null,
                model.learnThreshold() ? tape.constant(in.threshold()) : null);
        Var rec = tape.constant(in.recurrent());
        int[] sh = in.currents().shape();
        Lif.State st = model.initial(tape, sh[1], sh[2]);
        double margin = Double.POSITIVE_INFINITY;
        for (int t = 0; t < sh[0]; t++) {
            st = model.step(st, cur.select(0, t).add(st.s().matmul(false, rec, true)), ctx.at(t));
            float[] v = st.v().value().data();
            for (int i = 0; i < v.length; i++) {
                float th = model.learnThreshold() ? in.threshold().data()[i % sh[2]] : model.threshold();
                margin = Math.min(margin, Math.abs((double) v[i] - th));
            }
        }
        return margin;
    }

    // ------------------------------------------------------------------ the comparison can fail

    @Test
    void differentSurrogateScaleGivesSameSpikesButDetectablyDifferentGradients() {
        SpikingSpec spec = spec(false, Reset.SUBTRACT, false, true, Learn.BOTH, SURROGATE);
        SpikingSpec other = spec.withSurrogate(Surrogate.of("fast_sigmoid", 10f));
        Inputs in = inputs(5, T, B, N, false, true);
        Result f = run(true, spec, in);
        Result c = run(false, other, in);
        // the forward pass does not see the surrogate...
        assertArrayEquals(c.spikes().data(), f.spikes().data());
        // ...but every gradient does, by far more than the tolerance used above
        assertTrue(relErr(f.gCurrents(), c.gCurrents()) > 100 * GRAD_TOL, "dL/dI insensitive to the surrogate");
        assertTrue(relErr(f.gRecurrent(), c.gRecurrent()) > 100 * GRAD_TOL, "dL/dV insensitive to the surrogate");
        assertTrue(relErr(f.gBeta(), c.gBeta()) > 100 * GRAD_TOL, "dL/dβ insensitive to the surrogate");
        assertTrue(relErr(f.gThreshold(), c.gThreshold()) > 100 * GRAD_TOL, "dL/dθ insensitive to the surrogate");
    }

    @ParameterizedTest(name = "reset={0}")
    @ValueSource(strings = {"SUBTRACT", "ZERO"})
    void attachedAndDetachedResetGiveDetectablyDifferentGradients(Reset reset) {
        // so a kernel that ignored detachReset (or always detached) would fail the main comparison
        SpikingSpec attached = spec(false, reset, false, false, Learn.BOTH, SURROGATE);
        SpikingSpec detached = spec(false, reset, true, false, Learn.BOTH, SURROGATE);
        Inputs in = inputs(6, T, B, N, false, true);
        Result a = run(true, attached, in);
        Result d = run(false, detached, in);
        assertArrayEquals(d.spikes().data(), a.spikes().data());
        assertTrue(relErr(a.gCurrents(), d.gCurrents()) > 100 * GRAD_TOL, "dL/dI does not see the reset path");
    }

    @Test
    void perNeuronBetaAndThresholdValuesAreUsedNotTheSpecScalars() {
        // the learnable values differ from the spec's scalars, so using the scalars would change the spikes
        SpikingSpec learn = spec(false, Reset.SUBTRACT, true, false, Learn.BOTH, SURROGATE);
        SpikingSpec fixed = spec(false, Reset.SUBTRACT, true, false, Learn.NONE, SURROGATE);
        Inputs in = inputs(8, T, B, N, false, true);
        Result l = run(true, learn, in);
        Result f = run(true, fixed, in);
        double diff = l.spikes().maxAbsDiff(f.spikes());
        assertEquals(1.0, diff, "per-neuron β/θ must change some spikes");
    }

    // ------------------------------------------------------------------ readout

    @ParameterizedTest(name = "learnable beta={0}")
    @ValueSource(booleans = {false, true})
    void fusedReadoutEqualsComposedReadout(boolean learnBeta) {
        SplittableRandom rng = new SplittableRandom(learnBeta ? 21 : 22);
        Tensor cur = Tensor.randn(rng, 1f, T, B, 5);
        Tensor beta = Tensor.uniform(rng, 0.6f, 0.98f, 5);
        Tensor r = Tensor.randn(rng, 1f, T, B, 5);
        Result f = runReadout(true, cur, learnBeta ? beta : null, r);
        Result c = runReadout(false, cur, learnBeta ? beta : null, r);
        // identical float operations in the same order: bit-identical outputs
        assertArrayEquals(c.spikes().data(), f.spikes().data(), "readout membrane differs");
        assertEquals(c.loss(), f.loss(), 1e-6 * Math.abs(c.loss()));
        assertGradClose("readout dL/dI", f.gCurrents(), c.gCurrents());
        if (learnBeta) {
            assertGradClose("readout dL/dβ", f.gBeta(), c.gBeta());
        }
    }

    /** Readout u and the gradients of {@code L = Σ u·R + 0.1·Σ u²}; the result's "spikes" field holds u. */
    static Result runReadout(boolean fused, Tensor currents, Tensor beta, Tensor r) {
        Tape tape = new Tape();
        Var cur = tape.param(currents.copy());
        Var b = beta == null ? null : tape.param(beta.copy());
        Var u = fused ? FusedLif.readout(cur, b, 0.85f) : SpikingDynamics.readout(cur, b, 0.85f);
        Var loss = u.mul(tape.constant(r)).sum().add(u.square().sum().mul(0.1f));
        tape.backward(loss);
        return new Result(u.value(), loss.item(), cur.grad(), null, b == null ? null : b.grad(), null);
    }

    // ------------------------------------------------------------------ whole network

    /** Loss, per-layer outputs and parameter gradients of one forward/backward pass. */
    record NetResult(double loss, List<Tensor> outputs, Map<String, Tensor> grads) {
    }

    static NetResult runNetwork(Network net, Tensor x, int[] targets, Backend backend) {
        net.zeroGrad();
        Tape tape = new Tape();
        Network.Pass pass = net.forward(tape.constant(x), backend);
        Var logits = pass.output().mean(0, false);
        Var loss = logits.crossEntropy(targets);
        for (int i = 0; i < pass.outputs().size() - 1; i++) {
            loss = loss.add(pass.outputs().get(i).mean().mul(0.1f)); // a spike-count penalty on hidden layers
        }
        tape.backward(loss);
        pass.accumulateGrads();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        for (var e : net.parameters().entrySet()) {
            grads.put(e.getKey(), e.getValue().grad().copy());
        }
        List<Tensor> outs = new ArrayList<>();
        for (Var o : pass.outputs()) {
            outs.add(o.value());
        }
        return new NetResult(loss.item(), outs, grads);
    }

    @Test
    void networkGivesSameLossAndParameterGradientsOnFusedAndComposedBackends() {
        List<LayerSpec> specs = List.of(
                SpikingSpec.of(16, Lif.DEFAULT.withReset(Reset.SUBTRACT, false).withLearnable(true, true)),
                SpikingSpec.of(12, Lif.DEFAULT.withReset(Reset.ZERO, true).withLearnable(true, false))
                        .withRecurrent(true),
                SpikingSpec.of(10, Lif.integrateAndFire().withReset(Reset.SUBTRACT, true))
                        .withSurrogate(Surrogate.parse("atan")),
                new ReadoutSpec(4, 0.8f, true));
        Network net = Network.create(8, specs, 99);
        // scale the input weights up so every layer fires a fair amount, and put the recurrent layer's W, b and V
        // on dyadic grids so its recurrent input is exact in any summation order (see the class comment)
        scale(net.parameters().get("layers.0.W"), 3f, 0);
        scale(net.parameters().get("layers.1.W"), 3f, 0x1p-12);
        scale(net.parameters().get("layers.1.b"), 1f, 0x1p-12);
        scale(net.parameters().get("layers.1.V"), 1f, 0x1p-12);
        scale(net.parameters().get("layers.2.W"), 1.5f, 0);
        SplittableRandom rng = new SplittableRandom(3);
        Tensor x = Tensor.zeros(25, 3, 8);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = rng.nextDouble() < 0.35 ? 1f : 0f;
        }
        int[] targets = {0, 2, 3};
        NetResult f = runNetwork(net, x, targets, Backend.FUSED);
        NetResult c = runNetwork(net, x, targets, Backend.COMPOSED);
        for (int i = 0; i < 3; i++) {
            double rate = spikeRate(c.outputs().get(i));
            assertTrue(rate >= 0.05 && rate <= 0.8, "layer " + i + " spike rate " + rate);
            assertArrayEquals(c.outputs().get(i).data(), f.outputs().get(i).data(), "layer " + i + " spikes");
        }
        assertEquals(c.loss(), f.loss(), 1e-6 * Math.abs(c.loss()), "loss");
        assertEquals(c.grads().keySet(), f.grads().keySet());
        assertTrue(c.grads().keySet().containsAll(List.of("layers.0.beta", "layers.0.threshold", "layers.1.V",
                "layers.1.beta", "layers.3.beta")), c.grads().keySet().toString());
        for (String name : c.grads().keySet()) {
            assertGradClose(name, f.grads().get(name), c.grads().get(name));
        }
    }

    /** Multiplies a parameter by {@code factor} and, if {@code step > 0}, rounds it to multiples of step. */
    static void scale(Parameter p, float factor, double step) {
        float[] d = p.value().data();
        for (int i = 0; i < d.length; i++) {
            double x = d[i] * (double) factor;
            d[i] = (float) (step > 0 ? quantise(x, step) : x);
        }
    }
}
