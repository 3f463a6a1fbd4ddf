package dev.surge.core.estimate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.autograd.Tape;
import dev.surge.core.loss.Loss;
import dev.surge.core.loss.Regularizer;
import dev.surge.core.loss.Targets;
import dev.surge.core.neuron.EscapeNoise;
import dev.surge.core.neuron.Lif;
import dev.surge.core.neuron.SpikeFunction;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.ForwardContext;
import dev.surge.core.nn.LayerSpec;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.Parameter;
import dev.surge.core.nn.ReadoutSpec;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.RandomStream;
import dev.surge.core.tensor.Tensor;
import dev.surge.core.train.Objective;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The exact expected gradient against finite differences, REINFORCE's unbiasedness, draws that do not depend on how
 * a batch is split, and the theory checks: the stochastic surrogate is exact for one neuron with a loss linear in its
 * spike; the surrogate gradient can point the wrong way; the surrogate "gradient" field is not conservative.
 */
class EstimatorTest {

    private static SpikingSpec stochastic(int n, float k, boolean recurrent) {
        return SpikingSpec.of(n, Lif.DEFAULT).withSurrogate(Surrogate.of("sigmoid", k))
                .withStochastic(EscapeNoise.sigmoid(k)).withRecurrent(recurrent);
    }

    private static Tensor binary(SplittableRandom r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = r.nextDouble() < 0.5 ? 1f : 0f;
        }
        return t;
    }

    /** Stochastic recurrent LIF (3, learnt β and θ) → LI readout (2), T = 3: 9 stochastic spikes per sample. */
    private static EstimatorLab.Problem small(long seed) {
        SpikingSpec hidden = stochastic(3, 3f, true).withNeuron(new Lif(0.9f, 1f, dev.surge.core.neuron.Reset.SUBTRACT,
                true, 0, true, true));
        List<LayerSpec> layers = List.of(hidden, ReadoutSpec.of(2, 0.9f));
        Network net = Network.create(4, layers, seed);
        for (Parameter p : net.parameters().values()) {
            if (p.name().equals("W")) {
                for (int i = 0; i < p.value().size(); i++) {
                    p.value().data()[i] *= 3f; // enough drive that neurons fire with varied probabilities
                }
            }
        }
        Tensor x = binary(new SplittableRandom(seed), 3, 2, 4);
        return new EstimatorLab.Problem("small", net, x, Targets.of(new int[] {1, 0}),
                new Objective(new Loss.CeMeanMembrane(), List.of(new Regularizer.RateL1(0, 0.2f))));
    }

    @Test
    void exactGradientMatchesCentralDifferencesOfTheExpectedLoss() {
        EstimatorLab.Problem p = small(11);
        ExactGradient.Result r = ExactGradient.compute(p.net(), p.input(), p.targets(), p.objective());
        assertEquals(2 * 512, r.patterns());
        double h = 1e-2;
        for (var e : p.net().parameters().entrySet()) {
            float[] v = e.getValue().value().data();
            double[] g = r.grads().get(e.getKey());
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < v.length; i++) {
                float keep = v[i];
                v[i] = (float) (keep + h);
                double up = ExactGradient.compute(p.net(), p.input(), p.targets(), p.objective()).expectedLoss();
                v[i] = (float) (keep - h);
                double down = ExactGradient.compute(p.net(), p.input(), p.targets(), p.objective()).expectedLoss();
                v[i] = keep;
                double fd = (up - down) / (2 * h);
                diff += (fd - g[i]) * (fd - g[i]);
                norm += fd * fd;
            }
            assertTrue(norm > 0, e.getKey() + ": zero gradient, the check would be empty");
            double rel = Math.sqrt(diff / norm);
            assertTrue(rel < 2e-3, e.getKey() + ": exact gradient vs central differences, relative error " + rel);
        }
    }

    @Test
    void reinforceConvergesToTheExactGradientAndTheBaselineReducesItsVariance() {
        EstimatorLab.Problem p = small(12);
        EstimatorLab.Reference ref = EstimatorLab.reference(p, 0, 1);
        assertTrue(ref.exact());
        EstimatorLab.Report plain = EstimatorLab.measure(p, "reinforce", 20000, 1, ref);
        EstimatorLab.Report based = EstimatorLab.measure(p, "reinforce_baseline", 20000, 1, ref);
        assertTrue(plain.cosine() > 0.995, "reinforce cosine " + plain.cosine());
        assertTrue(based.cosine() > 0.998, "reinforce_baseline cosine " + based.cosine());
        assertTrue(based.variance() < plain.variance() / 2, based.variance() + " vs " + plain.variance());
        assertEquals(ref.expectedLoss(), plain.meanLoss(), 0.02 * ref.expectedLoss());
    }

    @Test
    void theSameSeedGivesTheSameEstimateBitForBit() {
        EstimatorLab.Problem p = small(13);
        for (String n : List.of("stochastic_surrogate", "concrete", "reinforce_baseline")) {
            var a = EstimatorLab.measure(p, n, 20, 7, null).gradient();
            var b = EstimatorLab.measure(p, n, 20, 7, null).gradient();
            var c = EstimatorLab.measure(p, n, 20, 8, null).gradient();
            for (String k : a.keySet()) {
                assertArrayEquals(a.get(k), b.get(k), n + " " + k);
            }
            assertTrue(a.keySet().stream().anyMatch(k -> !java.util.Arrays.equals(a.get(k), c.get(k))),
                    n + ": another seed must give other draws");
        }
    }

    @Test
    void drawsDependOnTheRowKeysOnlyNotOnHowTheBatchIsSplit() {
        EstimatorLab.Problem p = small(14);
        Tensor x = binary(new SplittableRandom(2), 3, 4, 4);
        long[] keys = {11, 22, 33, 44};
        Tensor all = p.net().forward(new Tape().constant(x), new ForwardContext(Backend.COMPOSED, true,
                RandomStream.perRow(keys), SpikeFunction.HEAVISIDE)).outputs().get(0).value();
        for (int[] part : new int[][] {{0, 2}, {2, 4}, {0, 1}, {1, 4}, {3, 4}}) { // a one-row chunk included
            Tensor xs = rows(x, part[0], part[1]);
            long[] ks = java.util.Arrays.copyOfRange(keys, part[0], part[1]);
            Tensor got = p.net().forward(new Tape().constant(xs), new ForwardContext(Backend.COMPOSED, true,
                    RandomStream.perRow(ks), SpikeFunction.HEAVISIDE)).outputs().get(0).value();
            assertArrayEquals(rows(all, part[0], part[1]).data(), got.data());
        }
        double spikes = 0;
        for (float v : all.data()) {
            spikes += v;
        }
        assertTrue(spikes > 0 && spikes < all.size(), "the draws must vary: " + spikes + " of " + all.size());
    }

    @Test
    void exactRefusesWhatItCannotEnumerate() {
        Network det = Network.create(2, List.of(SpikingSpec.lif(2), ReadoutSpec.of(2, 0.9f)), 0);
        var e1 = assertThrows(IllegalArgumentException.class, () -> ExactGradient.check(det, 2));
        assertTrue(e1.getMessage().contains("layer 0 has no escape noise"), e1.getMessage());
        Network big = Network.create(2, List.of(stochastic(7, 2f, false), ReadoutSpec.of(2, 0.9f)), 0);
        ExactGradient.check(big, 2);
        var e2 = assertThrows(IllegalArgumentException.class, () -> ExactGradient.check(big, 3));
        assertTrue(e2.getMessage().contains("has 21"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> Estimator.of("dropout"));
        assertTrue(e3.getMessage().contains("unknown estimator 'dropout'"), e3.getMessage());
    }

    // ---- theory checks

    /** One stochastic neuron, one step, fed {@code x = [1, 0.5]} with W = [w, w], b = 0, θ = 1, escape scale 4. */
    private static Network neuron(float w, ReadoutSpec readout) {
        List<LayerSpec> layers = readout == null ? List.of(stochastic(1, 4f, false))
                : List.of(stochastic(1, 4f, false), readout);
        Network net = Network.create(2, layers, 0);
        Map<String, Parameter> ps = net.parameters();
        ps.get("layers.0.W").set(Tensor.of(new float[] {w, w}, 1, 2));
        ps.get("layers.0.b").set(Tensor.of(new float[] {0f}, 1));
        return net;
    }

    private static final Tensor X = Tensor.of(new float[] {1f, 0.5f}, 1, 1, 2);

    @Test
    void stochasticSurrogateIsExactForOneNeuronWithALossLinearInItsSpike() {
        // readout weights 0: the cross-entropy does not depend on the spike; rate_l1 is linear in it
        Network net = neuron(0.4f, ReadoutSpec.of(2, 0.9f));
        net.parameters().get("layers.1.W").set(Tensor.zeros(2, 1));
        EstimatorLab.Problem p = new EstimatorLab.Problem("linear", net, X, Targets.of(new int[] {1}),
                new Objective(new Loss.CeMeanMembrane(), List.of(new Regularizer.RateL1(0, 1f))));
        EstimatorLab.Reference ref = EstimatorLab.reference(p, 0, 1);
        EstimatorLab.Report one = EstimatorLab.measure(p, "stochastic_surrogate", 1, 3, ref);
        for (String k : List.of("layers.0.W", "layers.0.b")) {
            double[] want = ref.gradient().get(k);
            double[] got = one.gradient().get(k);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-6 * Math.abs(want[i]) + 1e-9, k + " from a single sample");
            }
        }
        EstimatorLab.Report many = EstimatorLab.measure(p, "stochastic_surrogate", 20000, 3, ref);
        assertTrue(many.cosine() > 0.9999, "expectation over draws, cosine " + many.cosine());
        // the same neuron with a loss quadratic in its spike: the stochastic surrogate is biased
        Network q = neuron(0.4f, null);
        EstimatorLab.Problem pq = new EstimatorLab.Problem("quadratic", q, X, Targets.of(new int[] {0}),
                new Objective(new Loss.MseCount(0.3f, 0f), List.of()));
        EstimatorLab.Reference rq = EstimatorLab.reference(pq, 0, 1);
        EstimatorLab.Report biased = EstimatorLab.measure(pq, "stochastic_surrogate", 20000, 3, rq);
        assertTrue(biased.relativeError() > 0.5, "quadratic loss: relative error " + biased.relativeError());
    }

    @Test
    void surrogateGradientPointsAgainstTheExpectedLossGradient() {
        // h = 0.6 + 0 - 1 = -0.4 < 0: the neuron is silent under H, fires with p = sig(-1.6) ≈ 0.17 under noise.
        // Loss (s - 0.3)²: firing costs 0.49, silence 0.09, so E[L] falls as the drive falls; but at s = 0 the
        // surrogate sees dL/ds = 2(0 - 0.3) < 0 and says "raise the drive".
        Network net = neuron(0.4f, null);
        EstimatorLab.Problem p = new EstimatorLab.Problem("flip", net, X, Targets.of(new int[] {0}),
                new Objective(new Loss.MseCount(0.3f, 0f), List.of()));
        EstimatorLab.Reference ref = EstimatorLab.reference(p, 0, 1);
        EstimatorLab.Report sg = EstimatorLab.measure(p, "surrogate", 1, 0, ref);
        double exactB = ref.gradient().get("layers.0.b")[0];
        double surrogateB = sg.gradient().get("layers.0.b")[0];
        assertTrue(exactB > 0, "exact ∂E[L]/∂b = " + exactB);
        assertTrue(surrogateB < 0, "surrogate ∂L/∂b = " + surrogateB);
        assertTrue(sg.cosine() < -0.99, "cosine " + sg.cosine());
    }

    @Test
    void surrogateGradientDoesNotIntegrateToZeroAroundALoopButTheExactGradientDoes() {
        // stochastic neuron (x = 1) -> LI readout; loss (out - 0.5)²; a circle in the (W0, W1) plane where the
        // neuron stays below threshold (h from -0.8 to -0.4), so H(h) = 0 all along it
        Network net = Network.create(1, List.of(stochastic(1, 4f, false), ReadoutSpec.of(1, 0.9f)), 0);
        Map<String, Parameter> ps = net.parameters();
        ps.get("layers.0.b").set(Tensor.of(new float[] {0f}, 1));
        ps.get("layers.1.b").set(Tensor.of(new float[] {0f}, 1));
        EstimatorLab.Problem p = new EstimatorLab.Problem("loop", net, Tensor.of(new float[] {1f}, 1, 1, 1),
                Targets.of(new int[] {0}), new Objective(new Loss.MseCount(0.5f, 0f), List.of()));
        int k = 256;
        double r = 0.2;
        double sgLoop = 0;
        double exactLoop = 0;
        double scale = 0;
        for (int i = 0; i < k; i++) {
            double a = 2 * Math.PI * i / k;
            ps.get("layers.0.W").set(Tensor.of(new float[] {(float) (0.4 + r * Math.cos(a))}, 1, 1));
            ps.get("layers.1.W").set(Tensor.of(new float[] {(float) (1.0 + r * Math.sin(a))}, 1, 1));
            double dw0 = -r * Math.sin(a) * 2 * Math.PI / k; // tangent step, trapezoid rule on a periodic integrand
            double dw1 = r * Math.cos(a) * 2 * Math.PI / k;
            var sg = EstimatorLab.measure(p, "surrogate", 1, 0, null).gradient();
            var ex = ExactGradient.compute(net, p.input(), p.targets(), p.objective()).grads();
            sgLoop += sg.get("layers.0.W")[0] * dw0 + sg.get("layers.1.W")[0] * dw1;
            exactLoop += ex.get("layers.0.W")[0] * dw0 + ex.get("layers.1.W")[0] * dw1;
            scale += Math.abs(ex.get("layers.0.W")[0] * dw0) + Math.abs(ex.get("layers.1.W")[0] * dw1);
        }
        assertTrue(Math.abs(exactLoop) < 1e-5 * scale, "exact loop integral " + exactLoop + " (scale " + scale + ")");
        assertTrue(Math.abs(sgLoop) > 1e-2 * scale, "surrogate loop integral " + sgLoop + " (scale " + scale + ")");
    }

    private static Tensor rows(Tensor x, int lo, int hi) {
        int t = x.dim(0);
        int b = x.dim(1);
        int n = x.dim(2);
        float[] d = new float[t * (hi - lo) * n];
        for (int s = 0; s < t; s++) {
            System.arraycopy(x.data(), (s * b + lo) * n, d, s * (hi - lo) * n, (hi - lo) * n);
        }
        return Tensor.of(d, t, hi - lo, n);
    }
}
