package org.example.neurons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.autograd.GradCheck;
import dev.surge.core.data.EventSampleSet;
import dev.surge.core.loss.Loss;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.ReadoutSpec;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.neuron.SpikeFunction;
import dev.surge.core.neuron.SpikingDynamics;
import dev.surge.core.neuron.StepContext;
import dev.surge.core.optim.Adam;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.RandomStream;
import dev.surge.core.tensor.Tensor;
import dev.surge.core.train.Trainer;
import dev.surge.core.train.Training;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A neuron model defined outside Surge's packages, with only its public API: its gradients are checked by
 * finite differences, and a network of it trains by BPTT through the composed path with the core training API.
 */
public class UserDefinedNeuronTest {
    static final QuadraticIntegrateAndFire QIF = new QuadraticIntegrateAndFire(0.5f, 1f, 0.1f, 2f, 0f, 0.5f);

    @Test
    void gradientsThroughTheCustomModelMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(11);
        Tensor currents = Tensor.randn(rng, 0.6f, 10, 2, 3);
        Tensor k = Tensor.uniform(rng, 0.3f, 0.7f, 3);
        GradCheck.Result r = GradCheck.check(v -> SpikingDynamics.run(QIF, v[0], null,
                StepContext.of(Surrogate.of("sigmoid", 4f), Map.of("k", v[1]), SpikeFunction.smooth(4f),
                        RandomStream.of(0), true)), 1e-3, 1e-2, currents, k);
        assertTrue(r.passed(), r.toString());
        assertTrue(r.analytic(1).norm() > 1e-4, "the learnt k must receive a gradient");
    }

    /** Two classes of 30-step spike patterns: class c fires its half of the 16 inputs at 30%. */
    public static EventSampleSet patterns(int perClass, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 2 * perClass;
        int[] labels = new int[n];
        int[][] times = new int[n][];
        int[][] units = new int[n][];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            List<int[]> ev = new ArrayList<>();
            for (int t = 0; t < 30; t++) {
                for (int u = 0; u < 8; u++) {
                    if (rng.nextDouble() < 0.3) {
                        ev.add(new int[] {t, labels[i] * 8 + u});
                    }
                }
            }
            times[i] = ev.stream().mapToInt(e -> e[0]).toArray();
            units[i] = ev.stream().mapToInt(e -> e[1]).toArray();
        }
        return new EventSampleSet(30, 16, 2, labels, times, units);
    }

    @Test
    void aNetworkOfTheCustomModelTrainsByBpttWithTheTrainingApi() {
        Network net = Network.create(16, List.of(
                SpikingSpec.of(24, QIF).withSurrogate(Surrogate.parse("fast_sigmoid:5")),
                ReadoutSpec.of(2, 0.9f)), 5L);
        assertTrue(net.parameters().containsKey("layers.0.k"), "the model's learnt k is a layer parameter");
        EventSampleSet train = patterns(32, 1);
        EventSampleSet test = patterns(16, 2);
        float kBefore = net.parameters().get("layers.0.k").value().data()[0];
        try (Training training = new Training(net, Adam.adam(new ArrayList<>(net.parameters().values()), 1e-2f))
                .loss(new Loss.CeMaxMembrane()).backend(Backend.FUSED).epochs(15).batchSize(16).seed(3)) {
            Trainer.Stats before = training.evaluate(test);
            Training.Result result = training.fit(train, test);
            Trainer.Stats after = training.evaluate(test);
            assertEquals(15, result.epochs());
            assertTrue(after.loss() < 0.5 * before.loss(), "test loss " + before.loss() + " -> " + after.loss());
            assertTrue(after.accuracy() >= 0.9, "test accuracy " + after.accuracy());
        }
        assertTrue(net.parameters().get("layers.0.k").value().data()[0] != kBefore, "k must have been trained");
    }
}
