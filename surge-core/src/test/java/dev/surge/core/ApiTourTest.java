package dev.surge.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.loss.Loss;
import dev.surge.core.loss.Targets;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.ReadoutSpec;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.optim.Adam;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The README's API tour, compiled and run: a recurrent LIF network learns to tell two spike patterns apart. */
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
}
