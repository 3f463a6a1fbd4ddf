package dev.surge.core.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.tensor.Tensor;
import dev.surge.core.train.Decoding;
import org.junit.jupiter.api.Test;

/** The decision read at the end of a trial: cross-entropy of the mean over the last window, by hand. */
class CeLastMembraneTest {

    @Test
    void valueGradientAndDecodingUseOnlyTheLastWindow() {
        // T = 4, B = 1, C = 2: the early steps favour class 0, the last two class 1
        Tensor out = Tensor.of(new float[] {9, 0, 9, 0, 0, 1, 1, 3}, 4, 1, 2);
        Tape tape = new Tape();
        Var o = tape.param(out);
        Var loss = new Loss.CeLastMembrane(2).apply(o, Targets.of(new int[] {1}));
        // mean of the last two steps: (0.5, 2); CE for class 1 = log(e^0.5 + e^2) − 2
        double expected = Math.log(Math.exp(0.5) + Math.exp(2)) - 2;
        assertEquals(expected, loss.item(), 1e-6);
        tape.backward(loss);
        double p0 = Math.exp(0.5) / (Math.exp(0.5) + Math.exp(2));
        float g0 = (float) (p0 / 2);
        float g1 = (float) ((1 - p0 - 1) / 2);
        assertArrayEquals(new float[] {0, 0, 0, 0, g0, g1, g0, g1}, o.grad().data(), 1e-6f);
        assertArrayEquals(new int[] {1}, Decoding.predict(new Loss.CeLastMembrane(2), out));
        assertArrayEquals(new int[] {0}, Decoding.predict(new Loss.CeMeanMembrane(), out));
        // a window longer than the sequence reads all of it
        assertEquals(new Loss.CeMeanMembrane().apply(tape.constant(out), Targets.of(new int[] {1})).item(),
                new Loss.CeLastMembrane(10).apply(tape.constant(out), Targets.of(new int[] {1})).item(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> new Loss.CeLastMembrane(0));
        assertEquals("ce_last_membrane: window must be a positive whole number of steps, got 2.5",
                assertThrows(IllegalArgumentException.class,
                        () -> Loss.of("ce_last_membrane", k -> 2.5)).getMessage());
    }
}
