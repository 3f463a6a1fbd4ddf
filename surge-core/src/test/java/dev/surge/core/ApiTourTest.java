package dev.surge.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.data.EventSampleSet;
import dev.surge.core.loss.Loss;
import dev.surge.core.loss.Targets;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.ReadoutSpec;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.neuron.Alif;
import dev.surge.core.neuron.Lif;
import dev.surge.core.optim.Adam;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.Tensor;
import dev.surge.core.train.Schedule;
import dev.surge.core.train.Trainer;
import dev.surge.core.train.Training;
import dev.surge.core.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.example.neurons.UserDefinedNeuronTest;
import org.junit.jupiter.api.Test;

/**
 * The README's API tours, compiled and run: a recurrent LIF network learns to tell two spike patterns apart by a
 * hand-written loop, and an adaptive network does so through the training API.
 */
class ApiTourTest {

    @Test
    void readmeTourTrainsARecurrentNetworkOnTwoPatterns() {
        // --- README tour starts here ---
        int steps = 30;
        int batch = 8;
        int inputs = 20;
        Network net = Network.create(inputs, List.of(
                SpikingSpec.lif(32).withRecurrent(true).withSurrogate(Surrogate.parse("fast_sigmoid:10")),
                ReadoutSpec.of(2, 0.95f)), 42L);
        Adam opt = Adam.adam(new ArrayList<>(net.parameters().values()), 1e-2f);
        Loss loss = new Loss.CeMaxMembrane();

        // two classes: input spikes in the first or the second half of the input neurons
        SplittableRandom rng = new SplittableRandom(7);
        Tensor x = Tensor.zeros(steps, batch, inputs);
        int[] y = new int[batch];
        for (int b = 0; b < batch; b++) {
            y[b] = b % 2;
            for (int t = 0; t < steps; t++) {
                for (int i = 0; i < inputs / 2; i++) {
                    if (rng.nextDouble() < 0.2) {
                        x.set(1f, t, b, y[b] * inputs / 2 + i);
                    }
                }
            }
        }

        float first = 0;
        float last = 0;
        for (int epoch = 0; epoch < 30; epoch++) {
            Tape tape = new Tape();                                  // one tape per step
            Network.Pass pass = net.forward(tape.constant(x), Backend.FUSED);
            Var l = loss.apply(pass.output(), Targets.of(y));        // scalar loss
            opt.zeroGrad();
            tape.backward(l);                                        // BPTT through the fused kernels
            pass.accumulateGrads();                                  // into each Parameter's grad
            opt.step();
            if (epoch == 0) {
                first = l.item();
            }
            last = l.item();
        }
        // --- README tour ends here ---
        assertTrue(last < 0.5f * first, "loss should fall by half: " + first + " -> " + last);
    }

    @Test
    void readmeTrainingTourFitsAnAdaptiveNetworkWithEarlyStopping() {
        EventSampleSet train = UserDefinedNeuronTest.patterns(64, 1);
        EventSampleSet validation = UserDefinedNeuronTest.patterns(16, 2);
        EventSampleSet test = UserDefinedNeuronTest.patterns(16, 3);
        List<String> log = new ArrayList<>();
        // --- README training tour starts here ---
        Network net = Network.create(train.inputs(), List.of(
                SpikingSpec.of(64, new Alif(0.95f, 0.2f, Lif.DEFAULT.withBeta(0.95f)))   // adaptive LIF
                        .withRecurrent(true).withSurrogate(Surrogate.parse("atan:2")),
                ReadoutSpec.of(train.classes(), 0.9f)), 42L);
        try (Training training = new Training(net, Adam.adam(new ArrayList<>(net.parameters().values()), 5e-3f))
                .loss(new Loss.CeMaxMembrane()).epochs(20).batchSize(16).schedule(new Schedule.Cosine())
                .patience(5).threads(2).seed(1)
                .listener(new TrainingListener() {
                    @Override
                    public void epochDone(TrainingListener.EpochReport r) {
                        log.add(String.format("epoch %d: loss %.3f, validation %.1f%%", r.epoch(),
                                r.train().loss(), 100 * r.validation().accuracy()));
                    }
                })) {
            Training.Result result = training.fit(train, validation);   // epochs, validation, early stop
            Trainer.Stats score = training.evaluate(test);
            log.add(result.stop() + " after " + result.epochs() + " epochs, test accuracy " + score.accuracy());
            // --- README training tour ends here ---
            assertTrue(score.accuracy() >= 0.9, String.join("\n", log));
            assertTrue(result.epochs() >= 1 && log.size() == result.epochs() + 1, String.join("\n", log));
        }
    }
}
