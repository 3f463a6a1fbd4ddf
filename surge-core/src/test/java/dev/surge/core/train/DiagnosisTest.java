package dev.surge.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.loss.Loss;
import dev.surge.core.loss.Targets;
import dev.surge.core.neuron.Lif;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.Parameter;
import dev.surge.core.nn.ReadoutSpec;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The gradient-flow report names the problems it is built to find, and only those. */
class DiagnosisTest {
    static final int T = 80;
    static final int B = 4;

    private static Tensor input(int inputs) {
        SplittableRandom r = new SplittableRandom(1);
        Tensor x = Tensor.zeros(T, B, inputs);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = r.nextDouble() < 0.3 ? 1f : 0f;
        }
        return x;
    }

    private static Diagnosis.Report diagnose(float beta, float kappa, float inputScale, float bias) {
        SpikingSpec hidden = SpikingSpec.of(20, Lif.DEFAULT.withBeta(beta))
                .withSurrogate(Surrogate.of("fast_sigmoid", 5f));
        Network net = Network.create(10, List.of(hidden, ReadoutSpec.of(2, kappa)), 3);
        for (Parameter p : net.layers().get(0).parameters().values()) {
            for (int i = 0; i < p.value().size(); i++) {
                p.value().data()[i] = p.name().equals("W") ? p.value().data()[i] * inputScale : bias;
            }
        }
        // the loss reads only the last step: the error enters at the end and flows back in time
        return Diagnosis.of(net, input(10), Targets.of(new int[] {0, 1, 0, 1}),
                new Objective(new Loss.CeLastMembrane(1), List.of()));
    }

    @Test
    void aShortMembraneAndReadoutMakeTheErrorVanishInTime() {
        Diagnosis.Report fast = diagnose(0.5f, 0.5f, 2f, 0f);
        Diagnosis.Report slow = diagnose(0.98f, 0.98f, 0.5f, 0f);
        Diagnosis.LayerReport f = fast.layers().get(0);
        Diagnosis.LayerReport s = slow.layers().get(0);
        assertEquals(T, f.gradByLag().length);
        assertTrue(f.gradByLag()[0] > 0 && s.gradByLag()[0] > 0);
        assertTrue(f.decay(50) < 1e-6, "β = κ = 0.5: " + f.decay(50));
        assertTrue(s.decay(50) > 1e-2, "β = κ = 0.98: " + s.decay(50));
        assertTrue(fast.findings().stream().anyMatch(x -> x.contains("gradients vanish in time")), fast.findings()
                .toString());
        assertTrue(slow.findings().stream().noneMatch(x -> x.contains("vanish in time")), slow.findings().toString());
        assertTrue(f.rate() > 0 && f.deadFraction() < 0.5, "an active layer: " + f);
    }

    @Test
    void silentNeuronsAreReportedDeadAndOutsideTheWindow() {
        Diagnosis.Report r = diagnose(0.9f, 0.9f, 0.01f, -5f);
        Diagnosis.LayerReport l = r.layers().get(0);
        assertEquals(1.0, l.deadFraction());
        assertEquals(0.0, l.rate());
        assertTrue(l.activeFraction() < 0.05, "membranes near −5·(1/(1−β)): " + l.activeFraction());
        assertTrue(r.findings().stream().anyMatch(x -> x.contains("never fire")), r.findings().toString());
        assertTrue(r.findings().stream().anyMatch(x -> x.contains("surrogate's active window")), r.findings()
                .toString());
        Diagnosis.Report saturated = diagnose(0.9f, 0.9f, 0.01f, 5f);
        assertEquals(1.0, saturated.layers().get(0).saturatedFraction());
        assertTrue(saturated.findings().stream().anyMatch(x -> x.contains("more than 90% of steps")));
    }
}
