package dev.surge.core.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Behaviour of the {@link Tape}: accumulation, constants, one backward per tape, and error messages. */
final class TapeTest {

    private static Tensor vec(float... xs) {
        return Tensor.of(xs, xs.length);
    }

    private static void assertMessageContains(Executable e, String... parts) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String p : parts) {
            assertTrue(ex.getMessage().contains(p), () -> "message '" + ex.getMessage() + "' should contain '" + p + "'");
        }
    }

    @Test
    void gradientsAccumulateWhenAVariableIsUsedMoreThanOnce() {
        Tape tape = new Tape();
        Var x = tape.param(vec(1f, -2f, 3f));
        // y = Σ (x·x + x + 3x) = Σ x² + 4x, so dy/dx = 2x + 4.
        Var y = x.mul(x).add(x).add(x.mul(3f)).sum();
        tape.backward(y);
        assertArrayEquals(new float[] {6f, 0f, 10f}, x.grad().data());
    }

    @Test
    void aVariableAddedToItselfGetsGradientTwo() {
        Tape tape = new Tape();
        Var x = tape.param(vec(0.5f, 7f));
        tape.backward(x.add(x).sum());
        assertArrayEquals(new float[] {2f, 2f}, x.grad().data());
    }

    @Test
    void constantsReceiveNoGradientAndOpsOnConstantsAreNotRecorded() {
        Tape tape = new Tape();
        Var c = tape.constant(vec(2f, 3f));
        Var k = tape.constant(4f);
        Var onlyConstants = c.mul(k).exp();
        assertFalse(onlyConstants.requiresGrad());
        assertEquals(0, tape.size());

        Var x = tape.param(vec(1f, 1f));
        Var y = x.mul(c).mul(k).sum();
        assertTrue(y.requiresGrad());
        tape.backward(y);
        assertArrayEquals(new float[] {8f, 12f}, x.grad().data());
        assertFalse(c.requiresGrad());
        assertArrayEquals(new float[] {0f, 0f}, c.grad().data());
        assertArrayEquals(new float[] {0f}, k.grad().data());
    }

    @Test
    void detachStopsTheGradientFlowingThroughIt() {
        Tape tape = new Tape();
        Var x = tape.param(vec(3f, -1f));
        // y = Σ x · stopgrad(x): dy/dx = stopgrad(x) = x, not 2x.
        Var d = x.detach();
        Var y = x.mul(d).sum();
        tape.backward(y);
        assertArrayEquals(new float[] {3f, -1f}, x.grad().data());
        assertFalse(d.requiresGrad());
        assertArrayEquals(new float[] {0f, 0f}, d.grad().data());
    }

    @Test
    void aParameterThatDoesNotReachTheOutputHasAZeroGradient() {
        Tape tape = new Tape();
        Var x = tape.param(vec(1f, 2f));
        Var unused = tape.param(vec(5f, 6f, 7f));
        tape.backward(x.square().sum());
        assertArrayEquals(new float[] {0f, 0f, 0f}, unused.grad().data());
    }

    @Test
    void runningBackwardTwiceOnOneTapeThrows() {
        Tape tape = new Tape();
        Var x = tape.param(vec(1f, 2f));
        Var y = x.square().sum();
        tape.backward(y);
        IllegalStateException ex = assertThrows(IllegalStateException.class, () -> tape.backward(y));
        assertTrue(ex.getMessage().contains("already"), ex.getMessage());
        // The gradient of the first pass is left as it was, not doubled.
        assertArrayEquals(new float[] {2f, 4f}, x.grad().data());
    }

    @Test
    void backwardOfANonScalarWithoutASeedThrowsNamingTheShape() {
        Tape tape = new Tape();
        Var y = tape.param(Tensor.zeros(2, 3)).exp();
        assertMessageContains(() -> tape.backward(y), "scalar", "[2, 3]", "seed");
    }

    @Test
    void backwardOfANonScalarWithASeedPropagatesTheSeed() {
        Tape tape = new Tape();
        Var x = tape.param(vec(1f, 2f, 3f));
        tape.backward(x.mul(2f), vec(1f, 10f, 100f));
        assertArrayEquals(new float[] {2f, 20f, 200f}, x.grad().data());
    }

    @Test
    void aSeedOfTheWrongShapeIsRejectedNamingBothShapes() {
        Tape tape = new Tape();
        Var y = tape.param(Tensor.zeros(2, 3)).exp();
        assertMessageContains(() -> tape.backward(y, Tensor.zeros(3)), "[3]", "[2, 3]");
    }

    @Test
    void shapeMismatchErrorsNameTheShapes() {
        Tape tape = new Tape();
        Var a = tape.param(Tensor.zeros(2, 3));
        Var b = tape.param(Tensor.zeros(4));
        assertMessageContains(() -> a.add(b), "add", "[2, 3]", "[4]");
        assertMessageContains(() -> a.mul(tape.param(Tensor.zeros(3, 2))), "mul", "[2, 3]", "[3, 2]");
        assertMessageContains(() -> a.matmul(tape.param(Tensor.zeros(4, 5))), "matmul", "[2, 3]", "[4, 5]");
        assertMessageContains(() -> a.reshape(4), "[2, 3]", "[4]");
        assertMessageContains(() -> Ops.concat(0, a, tape.param(Tensor.zeros(2, 4))), "[2, 3]", "[2, 4]");
        assertMessageContains(() -> Ops.stack(0, a, tape.param(Tensor.zeros(3, 2))), "[2, 3]", "[3, 2]");
        assertMessageContains(() -> a.slice(1, 1, 5), "[2, 3]");
        assertMessageContains(() -> b.crossEntropy(new int[] {0}), "[4]");
    }

    @Test
    void mixingVariablesOfTwoTapesIsRejected() {
        Tape t1 = new Tape();
        Tape t2 = new Tape();
        Var a = t1.param(vec(1f));
        Var b = t2.param(vec(2f));
        assertMessageContains(() -> a.add(b), "another tape");
    }
}
