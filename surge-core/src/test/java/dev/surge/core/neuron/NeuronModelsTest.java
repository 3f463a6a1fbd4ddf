package dev.surge.core.neuron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.autograd.GradCheck;
import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Izhikevich and AdEx models: their spike trains against an independent double-precision Euler loop written
 * here from the published equations, and their gradients (every path, resets included) against finite
 * differences with the spike replaced by a smooth sigmoid.
 */
class NeuronModelsTest {

    /** Spikes {@code [T, 1, n]} of the model on the composed path for currents {@code [T, 1, n]}. */
    static float[] spikes(NeuronModel<?> model, Tensor currents, Surrogate surrogate) {
        Tape tape = new Tape();
        return SpikingDynamics.run(model, tape.constant(currents), null, StepContext.of(surrogate)).value().data();
    }

    /** Constant currents {@code I[k]} for every step, one neuron per value. */
    static Tensor constant(int steps, float... currents) {
        Tensor t = Tensor.zeros(steps, 1, currents.length);
        for (int s = 0; s < steps; s++) {
            for (int k = 0; k < currents.length; k++) {
                t.set(currents[k], s, 0, k);
            }
        }
        return t;
    }

    @Test
    void izhikevichSpikesWhereTheReferenceEulerLoopDoes() {
        Izhikevich m = Izhikevich.REGULAR_SPIKING;
        int steps = 400;
        float[] in = {0f, 4f, 10f, 20f};
        float[] s = spikes(m, constant(steps, in), Surrogate.of("fast_sigmoid", 0.5f));
        for (int k = 0; k < in.length; k++) {
            // Izhikevich (2003): v' = 0.04v² + 5v + 140 − u + I, u' = a(bv − u); v ≥ 30 → v = c, u += d
            double v = m.c();
            double u = m.b() * m.c();
            int count = 0;
            for (int t = 0; t < steps; t++) {
                double vn = v + m.dt() * (0.04 * v * v + 5 * v + 140 - u + in[k]);
                double un = u + m.dt() * m.a() * (m.b() * v - u);
                boolean fired = vn > m.vPeak();
                assertEquals(fired ? 1f : 0f, s[t * in.length + k], "I=" + in[k] + " step " + t);
                if (fired) {
                    count++;
                    vn = m.c();
                    un += m.d();
                }
                v = vn;
                u = un;
            }
            if (in[k] == 0f) {
                assertEquals(0, count, "a resting cell must stay silent");
            } else if (in[k] >= 10f) {
                assertTrue(count >= 3, "I=" + in[k] + " must fire tonically, fired " + count);
            }
        }
    }

    @Test
    void adexSpikesWhereTheReferenceEulerLoopDoes() {
        AdEx m = AdEx.DEFAULT;
        int steps = 300;
        float[] in = {0f, 0.8f, 1.5f, 3f};
        float[] s = spikes(m, constant(steps, in), Surrogate.of("fast_sigmoid", 10f));
        int[] counts = new int[in.length];
        for (int k = 0; k < in.length; k++) {
            // Brette and Gerstner (2005), rest 0: τ_m v' = −v + Δ_T exp((v − v_T)/Δ_T) − w + I, τ_w w' = a v − w
            double v = 0;
            double w = 0;
            for (int t = 0; t < steps; t++) {
                double expo = Math.min((v - m.vT()) / m.deltaT(), 10.0);
                double vn = v + m.dt() / m.tauM() * (-v + m.deltaT() * Math.exp(expo) - w + in[k]);
                double wn = w + m.dt() / m.tauW() * (m.a() * v - w);
                boolean fired = vn > m.vPeak();
                assertEquals(fired ? 1f : 0f, s[t * in.length + k], "I=" + in[k] + " step " + t);
                if (fired) {
                    counts[k]++;
                    vn = m.vReset();
                    wn += m.b();
                }
                v = vn;
                w = wn;
            }
        }
        assertEquals(0, counts[0], "no input, no spikes");
        assertTrue(counts[3] > counts[2] && counts[2] > 0, "more current, more spikes: " + counts[2] + ", "
                + counts[3]);
    }

    @Test
    void adexAdaptationLengthensTheIntervalsBetweenSpikes() {
        float[] s = spikes(AdEx.DEFAULT, constant(400, 3f), Surrogate.of("fast_sigmoid", 10f));
        int first = -1;
        int second = -1;
        int last = -1;
        int beforeLast = -1;
        for (int t = 0; t < s.length; t++) {
            if (s[t] == 1f) {
                if (first < 0) {
                    first = t;
                } else if (second < 0) {
                    second = t;
                }
                beforeLast = last;
                last = t;
            }
        }
        assertTrue(second > 0 && beforeLast > second, "needs several spikes");
        assertTrue(last - beforeLast > second - first, "spike-triggered adaptation must slow the cell: first "
                + "interval " + (second - first) + ", last " + (last - beforeLast));
    }

    /** Finite differences of a smooth-spike run of {@code model}: currents, and every reset path attached. */
    static void gradCheck(NeuronModel<?> model, float scaleOfCurrents, float offset, float smooth) {
        SplittableRandom rng = new SplittableRandom(3);
        int steps = 12;
        Tensor cur = Tensor.randn(rng, scaleOfCurrents, steps, 2, 3);
        for (int i = 0; i < cur.size(); i++) {
            cur.data()[i] += offset;
        }
        StepContext ctx = StepContext.of(Surrogate.of("sigmoid", smooth)).withSpikes(SpikeFunction.smooth(smooth));
        GradCheck.Result r = GradCheck.check(v -> SpikingDynamics.run(model, v[0], null, ctx), 1e-3, 1e-2, cur);
        assertTrue(r.passed(), model + ": " + r);
        // and the spikes do depend on the currents, so the check compared something
        assertTrue(r.analytic(0).norm() > 1e-4, "no gradient reached the currents");
    }

    @Test
    void izhikevichGradientsMatchFiniteDifferencesThroughAttachedResets() {
        gradCheck(new Izhikevich(0.02f, 0.2f, -65f, 8f, 30f, 0.5f, false), 4f, 12f, 0.3f);
    }

    @Test
    void adexGradientsMatchFiniteDifferencesThroughAttachedResets() {
        gradCheck(new AdEx(10f, 100f, 0.1f, 0.3f, 0.2f, 1f, 0f, 2f, 1f, false), 1f, 1.5f, 3f);
    }

    @Test
    void lifFamilyGradientsMatchFiniteDifferencesWithSmoothSpikes() {
        Lif lif = Lif.DEFAULT.withReset(Reset.SUBTRACT, false).withRefractory(2);
        gradCheck(lif, 0.8f, 0.3f, 4f);
        gradCheck(new Synaptic(0.7f, lif.withReset(Reset.ZERO, false)), 0.8f, 0.2f, 4f);
        gradCheck(new Alif(0.9f, 0.5f, lif), 0.8f, 0.4f, 4f);
    }

    @Test
    void detachedAndAttachedResetsGiveDifferentGradients() {
        Tensor cur = constant(40, 14f, 20f);
        Tape t1 = new Tape();
        Tape t2 = new Tape();
        Var c1 = t1.param(cur.copy());
        Var c2 = t2.param(cur.copy());
        Surrogate sg = Surrogate.of("fast_sigmoid", 0.5f);
        Izhikevich attached = new Izhikevich(0.02f, 0.2f, -65f, 8f, 30f, 0.5f, false);
        t1.backward(SpikingDynamics.run(Izhikevich.REGULAR_SPIKING, c1, null, StepContext.of(sg)).sum());
        t2.backward(SpikingDynamics.run(attached, c2, null, StepContext.of(sg)).sum());
        assertFalse(java.util.Arrays.equals(c1.grad().data(), c2.grad().data()));
    }

    @Test
    void aModelWhoseStepReturnsTheWrongShapeIsNamedInTheError() {
        CustomNeuron<Lif.State> broken = new CustomNeuron<>() {
            @Override
            public String type() {
                return "broken";
            }

            @Override
            public Lif.State initial(Tape tape, int batch, int neurons) {
                return Lif.DEFAULT.initial(tape, batch, neurons);
            }

            @Override
            public Lif.State step(Lif.State state, Var current, StepContext ctx) {
                Var s = ctx.fire(current).sum(1, true); // [B, 1] instead of [B, N]
                return new Lif.State(current, s, java.util.List.of());
            }
        };
        Tape tape = new Tape();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpikingDynamics.run(broken,
                tape.constant(Tensor.zeros(3, 2, 4)), null, StepContext.of(Surrogate.of("atan", 2f))));
        assertEquals("neuron model 'broken': step returned spikes of shape [2, 1], expected [2, 4] (batch, neurons)",
                e.getMessage());
    }

    @Test
    void learntParametersAreReadFromTheContextNotTheRecord() {
        Lif lif = Lif.DEFAULT.withLearnable(true, true);
        assertEquals(Map.of("beta", 0.9f, "threshold", 1f), lif.learnable());
        Tape tape = new Tape();
        Var cur = tape.constant(constant(5, 0.6f, 0.6f));
        StepContext ctx = StepContext.of(Surrogate.of("atan", 2f), Map.of("beta", tape.constant(Tensor.of(
                new float[] {0.9f, 0.9f}, 2)), "threshold", tape.constant(Tensor.of(new float[] {1f, 5f}, 2))),
                SpikeFunction.HEAVISIDE, dev.surge.core.tensor.RandomStream.of(1), true);
        float[] s = SpikingDynamics.run(lif, cur, null, ctx).value().data();
        assertEquals(1f, s[2], "θ = 1 lets the first neuron fire at step 1 (v = 0.6, then 1.14)");
        for (int t = 0; t < 5; t++) {
            assertEquals(0f, s[t * 2 + 1], "θ = 5 keeps the second neuron silent");
        }
    }
}
