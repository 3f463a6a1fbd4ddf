package dev.surge.core.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused kernels of the Izhikevich and AdEx models against their composed steps (which {@code NeuronModelsTest}
 * checks against finite differences and a reference Euler loop): the same spikes, loss and gradients of the
 * currents and of the recurrent weights, with attached and detached resets.
 */
class FusedModelsTest {

    record Result(float[] spikes, double loss, Tensor gCur, Tensor gV) {
    }

    /** {@code L = Σ s·R + 0.05·Σ (Σ_t s)²} through one path; currents and V on a fresh tape. */
    static Result run(boolean fused, NeuronModel<?> model, Surrogate sg, Tensor cur, Tensor v, Tensor r) {
        Tape tape = new Tape();
        Var c = tape.param(cur.copy());
        Var vv = v == null ? null : tape.param(v.copy());
        Var s = fused ? Fused.forward(model, sg, c, vv, Map.of())
                : SpikingDynamics.run(model, c, vv, StepContext.of(sg));
        Var loss = s.mul(tape.constant(r)).sum().add(s.sum(0, false).square().sum().mul(0.05f));
        tape.backward(loss);
        return new Result(s.value().data(), loss.item(), c.grad(), vv == null ? null : vv.grad());
    }

    static Stream<Arguments> models() {
        Izhikevich rs = Izhikevich.REGULAR_SPIKING;
        Izhikevich attached = new Izhikevich(0.02f, 0.2f, -65f, 8f, 30f, 0.5f, false);
        Izhikevich chattering = new Izhikevich(0.02f, 0.2f, -50f, 2f, 30f, 0.5f, false);
        AdEx ad = AdEx.DEFAULT;
        AdEx adAttached = new AdEx(10f, 100f, 0.1f, 0.3f, 0.2f, 1f, 0f, 2f, 1f, false);
        return Stream.of(
                Arguments.of(rs, "fast_sigmoid:0.5", 8f, 6f, false),
                Arguments.of(attached, "fast_sigmoid:0.5", 8f, 6f, false),
                Arguments.of(chattering, "atan:0.3", 10f, 6f, false),
                Arguments.of(attached, "fast_sigmoid:0.5", 8f, 6f, true),
                Arguments.of(ad, "fast_sigmoid:5", 1.5f, 1f, false),
                Arguments.of(adAttached, "sigmoid:3", 1.5f, 1f, false),
                Arguments.of(adAttached, "fast_sigmoid:5", 1.5f, 1f, true));
    }

    @ParameterizedTest(name = "{0} {1} recurrent={4}")
    @MethodSource("models")
    void fusedKernelGivesTheComposedSpikesLossAndGradients(NeuronModel<?> model, String surrogate, float mean,
                                                          float spread, boolean recurrent) {
        SplittableRandom rng = new SplittableRandom(17);
        int steps = 60;
        int batch = 3;
        int n = 5;
        Tensor cur = Tensor.randn(rng, spread, steps, batch, n);
        for (int i = 0; i < cur.size(); i++) {
            cur.data()[i] += mean;
        }
        // recurrent weights on a dyadic grid, so that s·Vᵀ is exact in any summation order
        Tensor v = null;
        if (recurrent) {
            v = Tensor.zeros(n, n);
            for (int i = 0; i < v.size(); i++) {
                v.data()[i] = (float) Math.rint((rng.nextDouble() - 0.5) * mean * 64) / 64;
            }
        }
        Tensor r = Tensor.randn(rng, 1f, steps, batch, n);
        Surrogate sg = Surrogate.parse(surrogate);
        Result f = run(true, model, sg, cur, v, r);
        Result c = run(false, model, sg, cur, v, r);
        assertArrayEquals(c.spikes(), f.spikes(), "spikes");
        double count = 0;
        for (float s : f.spikes()) {
            count += s;
        }
        assertTrue(count > 10 && count < 0.6 * f.spikes().length, "the case must spike, not saturate: " + count);
        assertEquals(c.loss(), f.loss(), 1e-6 * Math.abs(c.loss()), "loss");
        assertClose("currents", c.gCur(), f.gCur());
        if (recurrent) {
            assertClose("V", c.gV(), f.gV());
        }
    }

    static void assertClose(String what, Tensor composed, Tensor fused) {
        double norm = composed.norm();
        assertTrue(norm > 1e-3, what + ": the gradient must not vanish");
        assertTrue(fused.maxAbsDiff(composed) <= 1e-4 * norm + 1e-6, what + ": max |fused − composed| "
                + fused.maxAbsDiff(composed) + " against norm " + norm);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void aWrongDerivativeInTheFusedBackwardIsCaught(NeuronModel<?> model, String surrogate, float mean, float spread,
                                                     boolean recurrent) {
        // the comparison above can fail: the same model with another surrogate scale gives other gradients
        SplittableRandom rng = new SplittableRandom(17);
        Tensor cur = Tensor.randn(rng, spread, 30, 2, 4);
        for (int i = 0; i < cur.size(); i++) {
            cur.data()[i] += mean;
        }
        Tensor r = Tensor.randn(rng, 1f, 30, 2, 4);
        Surrogate sg = Surrogate.parse(surrogate);
        Surrogate other = Surrogate.of(sg.name(), sg.scale() * 2);
        Result f = run(true, model, other, cur, null, r);
        Result c = run(false, model, sg, cur, null, r);
        assertArrayEquals(c.spikes(), f.spikes());
        assertFalse(f.gCur().maxAbsDiff(c.gCur()) <= 1e-4 * c.gCur().norm() + 1e-6);
    }
}
