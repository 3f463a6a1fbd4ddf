package dev.surge.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.data.EventSampleSet;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.ReadoutSpec;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The training API: the epoch loop's stops, resume, and refusals. */
class TrainingTest {
    static Network net() {
        return Network.create(40, List.of(SpikingSpec.lif(16), ReadoutSpec.of(2, 0.9f)), 3L);
    }

    static Training training(Network net) {
        return new Training(net, Adam.adam(new ArrayList<>(net.parameters().values()), 1e-2f)).batchSize(8).seed(2);
    }

    @Test
    void anEmptyTrainingSetIsRefusedNotTrainedOn() {
        EventSampleSet empty = new EventSampleSet(20, 40, 2, new int[0], new int[0][], new int[0][]);
        try (Training t = training(net())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fit(empty, null));
            assertEquals("training: the training set is empty", e.getMessage());
        }
    }

    @Test
    void earlyStoppingNeedsAValidationSet() {
        try (Training t = training(net()).patience(2)) {
            assertThrows(IllegalArgumentException.class, () -> t.fit(TrainerTest.twoClasses(16, 1), null));
        }
    }

    @Test
    void stopAfterThenResumeEndsWhereAnUninterruptedFitDoes() {
        EventSampleSet train = TrainerTest.twoClasses(32, 1);
        EventSampleSet val = TrainerTest.twoClasses(16, 2);
        Network whole = net();
        try (Training t = training(whole).epochs(4)) {
            assertEquals(Training.Stop.COMPLETED, t.fit(train, val).stop());
        }
        Network parts = net();
        Adam opt = Adam.adam(new ArrayList<>(parts.parameters().values()), 1e-2f);
        List<Double> accuracies = new ArrayList<>();
        try (Training t = new Training(parts, opt).batchSize(8).seed(2).epochs(4).stopAfter(2)) {
            Training.Result first = t.fit(train, val);
            assertEquals(Training.Stop.STOPPED_AFTER, first.stop());
            assertEquals(2, first.epochs());
            first.history().forEach(r -> accuracies.add(r.validation().accuracy()));
        }
        try (Training t = new Training(parts, opt).batchSize(8).seed(2).epochs(4).learningRate(1e-2f)
                .resume(accuracies, 0)) {
            Training.Result rest = t.fit(train, val);
            assertEquals(4, rest.epochs());
            assertEquals(2, rest.history().size());
        }
        for (var e : whole.parameters().entrySet()) {
            assertArrayEquals(e.getValue().value().data(), parts.parameters().get(e.getKey()).value().data(),
                    e.getKey());
        }
        assertTrue(accuracies.size() == 2);
    }

    @Test
    void keepBestEndsWithTheBestValidationEpochsWeights() {
        EventSampleSet train = TrainerTest.twoClasses(32, 1);
        EventSampleSet val = TrainerTest.twoClasses(16, 2);
        int epochs = 8;
        for (boolean keep : new boolean[] {false, true}) {
            Network net = net();
            List<double[]> accuracy = new ArrayList<>();
            List<java.util.Map<String, float[]>> weights = new ArrayList<>();
            try (Training t = new Training(net, Adam.adam(new ArrayList<>(net.parameters().values()), 0.3f))
                    .batchSize(8).seed(2).epochs(epochs).keepBest(keep)) {
                t.listener(new TrainingListener() {
                    @Override
                    public void epochDone(TrainingListener.EpochReport r) {
                        accuracy.add(new double[] {r.validation().accuracy()});
                        java.util.Map<String, float[]> w = new java.util.LinkedHashMap<>();
                        net.parameters().forEach((k, p) -> w.put(k, p.value().data().clone()));
                        weights.add(w);
                    }
                });
                Training.Result r = t.fit(train, val);
                int best = 0;
                for (int e = 1; e < epochs; e++) {
                    if (accuracy.get(e)[0] > accuracy.get(best)[0]) {
                        best = e;
                    }
                }
                assertEquals(best + 1, r.bestEpoch());
                assertEquals(accuracy.get(best)[0], r.bestValidationAccuracy());
                assertTrue(best < epochs - 1, "the case needs a best epoch before the last: " + accuracy.stream()
                        .map(a -> a[0]).toList());
                assertTrue(!java.util.Arrays.equals(weights.get(best).get("layers.0.W"), weights.get(epochs - 1).get("layers.0.W")),
                        "the best and last epochs' weights must differ for the case to tell them apart");
                java.util.Map<String, float[]> expected = weights.get(keep ? best : epochs - 1);
                for (var e : net.parameters().entrySet()) {
                    assertArrayEquals(expected.get(e.getKey()), e.getValue().value().data(), e.getKey());
                }
                if (keep) {
                    assertEquals(t.bestParameters().keySet(), net.parameters().keySet());
                }
            }
        }
    }

    @Test
    void keepBestNeedsAValidationSet() {
        try (Training t = training(net()).keepBest(true)) {
            assertThrows(IllegalArgumentException.class, () -> t.fit(TrainerTest.twoClasses(16, 1), null));
        }
    }
}
