package dev.surge.core.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every op of {@link Ops} (and so every op method of {@link Var}) has a backward rule that agrees with central finite
 * differences, checked with {@link GradCheck} on random inputs drawn from fixed seeds. Inputs are kept away from the
 * points where an op is not differentiable. The spike op, whose forward is a step, is instead checked to apply its
 * surrogate derivative exactly.
 */
final class OpsGradientTest {
    private static final double TOL = 1e-2;

    // ------------------------------------------------------------------ helpers

    private static SplittableRandom rng(long seed) {
        return new SplittableRandom(seed);
    }

    private static Tensor randn(long seed, int... shape) {
        return Tensor.randn(rng(seed), 1f, shape);
    }

    private static Tensor uniform(long seed, float lo, float hi, int... shape) {
        return Tensor.uniform(rng(seed), lo, hi, shape);
    }

    /** Random sign times a magnitude uniform in {@code [lo, hi)}: never within {@code lo} of zero. */
    private static Tensor awayFromZero(long seed, float lo, float hi, int... shape) {
        SplittableRandom r = rng(seed);
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            float m = (float) (lo + (hi - lo) * r.nextDouble());
            d[i] = r.nextBoolean() ? m : -m;
        }
        return t;
    }

    /** Distinct values: a random permutation of {@code 0.1·i} plus jitter below 0.02, so gaps exceed 0.06. */
    private static Tensor distinct(long seed, int... shape) {
        SplittableRandom r = rng(seed);
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        int n = d.length;
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        for (int i = 0; i < n; i++) {
            d[i] = (float) (0.1 * (perm[i] - n / 2.0) + 0.02 * r.nextDouble());
        }
        return t;
    }

    private static void assertGradientsMatch(Function<Var[], Var> f, Tensor... inputs) {
        GradCheck.Result r = GradCheck.check(f, GradCheck.DEFAULT_EPS, TOL, inputs);
        assertTrue(r.passed(), r::toString);
    }

    private static void assertUnaryGradientMatches(Function<Var, Var> op, Tensor x) {
        assertGradientsMatch(v -> op.apply(v[0]), x);
    }

    /** The shape pairs on which every binary op is checked: equal shapes and the broadcasting cases. */
    private static final int[][][] BROADCAST_CASES = {
        {{3, 4}, {3, 4}},
        {{3, 4}, {4}},
        {{4}, {3, 4}},
        {{3, 1}, {1, 4}},
        {{3, 4}, {}},
        {{}, {3, 4}},
        {{2, 3, 4}, {3, 1}},
        {{2, 1, 4}, {2, 3, 1}},
    };

    /**
     * Checks {@code op} on every broadcasting case; operands come from {@code gen} (seed, shape), with both operands
     * requiring a gradient.
     */
    private static void assertBinaryGradientMatches(BiFunction<Var, Var, Var> op,
                                                    BiFunction<Long, int[], Tensor> genA,
                                                    BiFunction<Long, int[], Tensor> genB) {
        long seed = 100;
        for (int[][] c : BROADCAST_CASES) {
            Tensor a = genA.apply(seed++, c[0]);
            Tensor b = genB.apply(seed++, c[1]);
            GradCheck.Result r = GradCheck.check(v -> op.apply(v[0], v[1]), GradCheck.DEFAULT_EPS, TOL, a, b);
            assertTrue(r.passed(), () -> "shapes " + Arrays.toString(c[0]) + " and "
                    + Arrays.toString(c[1]) + ": " + r);
        }
    }

    private static Tensor gaussian(Long seed, int[] shape) {
        return randn(seed, shape);
    }

    private static Tensor nonZero(Long seed, int[] shape) {
        return awayFromZero(seed, 0.5f, 2f, shape);
    }

    private static Tensor positive(Long seed, int[] shape) {
        return uniform(seed, 0.5f, 2f, shape);
    }

    // ------------------------------------------------------------------ binary, with broadcasting

    @Test
    void addBackwardMatchesFiniteDifferencesIncludingBroadcasting() {
        assertBinaryGradientMatches(Var::add, OpsGradientTest::gaussian, OpsGradientTest::gaussian);
    }

    @Test
    void subBackwardMatchesFiniteDifferencesIncludingBroadcasting() {
        assertBinaryGradientMatches(Var::sub, OpsGradientTest::gaussian, OpsGradientTest::gaussian);
    }

    @Test
    void mulBackwardMatchesFiniteDifferencesIncludingBroadcasting() {
        assertBinaryGradientMatches(Var::mul, OpsGradientTest::gaussian, OpsGradientTest::gaussian);
    }

    @Test
    void divBackwardMatchesFiniteDifferencesIncludingBroadcasting() {
        assertBinaryGradientMatches(Var::div, OpsGradientTest::gaussian, OpsGradientTest::nonZero);
    }

    @Test
    void powWithTensorExponentBackwardMatchesFiniteDifferencesForPositiveBase() {
        assertBinaryGradientMatches(Var::pow, OpsGradientTest::positive, OpsGradientTest::gaussian);
    }

    @Test
    void mulOfAVariableWithItselfAccumulatesBothPartials() {
        assertGradientsMatch(v -> v[0].mul(v[0]), randn(1, 3, 4));
        assertGradientsMatch(v -> v[0].div(v[0].add(3f)), uniform(2, 0.5f, 2f, 3, 4));
    }

    @Test
    void binaryOpsBackpropagateIntoEitherOperandWhenTheOtherIsAConstant() {
        Tensor c = uniform(9, 0.5f, 2f, 3, 1);
        Tensor x = uniform(10, 0.5f, 2f, 4);
        List<BiFunction<Var, Var, Var>> ops = List.of(Var::add, Var::sub, Var::mul, Var::div, Var::pow);
        for (BiFunction<Var, Var, Var> op : ops) {
            GradCheck.Result left = GradCheck.check(v -> op.apply(v[0].tape().constant(c), v[0]), x);
            assertTrue(left.passed(), left::toString);
            GradCheck.Result right = GradCheck.check(v -> op.apply(v[0], v[0].tape().constant(c)), x);
            assertTrue(right.passed(), right::toString);
        }
        Tensor m = randn(11, 4, 3);
        assertGradientsMatch(v -> v[0].tape().constant(m).matmul(v[0]), randn(12, 3, 2));
        assertGradientsMatch(v -> v[0].matmul(v[0].tape().constant(m)), randn(13, 2, 4));
        assertGradientsMatch(v -> Ops.concat(1, v[0].tape().constant(m), v[0]), randn(14, 4, 2));
        assertGradientsMatch(v -> Ops.stack(0, v[0], v[0].tape().constant(m)), randn(15, 4, 3));
    }

    // ------------------------------------------------------------------ with scalars

    @Test
    void addScalarBackwardMatchesFiniteDifferences() {
        assertUnaryGradientMatches(x -> x.add(2.5f), randn(3, 3, 4));
    }

    @Test
    void scaleBackwardMatchesFiniteDifferences() {
        assertUnaryGradientMatches(x -> x.mul(-1.7f), randn(4, 3, 4));
        assertUnaryGradientMatches(x -> Ops.scale(x, 0.3f), randn(5, 5));
    }

    @Test
    void rsubBackwardMatchesFiniteDifferences() {
        assertUnaryGradientMatches(x -> x.rsub(1.25f), randn(6, 3, 4));
    }

    @Test
    void powWithScalarExponentBackwardMatchesFiniteDifferences() {
        Tensor pos = uniform(7, 0.5f, 2f, 3, 4);
        for (float p : new float[] {2f, 3f, 0.5f, -1.5f, 1.7f, 0f}) {
            GradCheck.Result r = GradCheck.check(v -> v[0].pow(p), GradCheck.DEFAULT_EPS, TOL, pos);
            assertTrue(r.passed(), () -> "p = " + p + ": " + r);
        }
        // Integer exponents are defined (and differentiable) for negative bases too.
        Tensor signed = awayFromZero(8, 0.5f, 2f, 3, 4);
        for (float p : new float[] {2f, 3f, -1f}) {
            GradCheck.Result r = GradCheck.check(v -> v[0].pow(p), GradCheck.DEFAULT_EPS, TOL, signed);
            assertTrue(r.passed(), () -> "p = " + p + ": " + r);
        }
    }

    // ------------------------------------------------------------------ unary

    @Test
    void negBackwardMatchesFiniteDifferences() {
        assertUnaryGradientMatches(Var::neg, randn(10, 3, 4));
    }

    @Test
    void expBackwardMatchesFiniteDifferences() {
        assertUnaryGradientMatches(Var::exp, randn(11, 3, 4));
    }

    @Test
    void logBackwardMatchesFiniteDifferencesForPositiveInputs() {
        assertUnaryGradientMatches(Var::log, uniform(12, 0.2f, 5f, 3, 4));
    }

    @Test
    void tanhBackwardMatchesFiniteDifferences() {
        assertUnaryGradientMatches(Var::tanh, Tensor.randn(rng(13), 2f, 3, 4));
    }

    @Test
    void sigmoidBackwardMatchesFiniteDifferences() {
        assertUnaryGradientMatches(Var::sigmoid, Tensor.randn(rng(14), 3f, 3, 4));
    }

    @Test
    void reluBackwardMatchesFiniteDifferencesAwayFromZero() {
        Tensor x = awayFromZero(15, 0.05f, 2f, 4, 5);
        assertUnaryGradientMatches(Var::relu, x);
    }

    @Test
    void softplusBackwardMatchesFiniteDifferencesOnBothBranches() {
        // std 4 covers both branches of the stable formula, including large |x|.
        assertUnaryGradientMatches(Var::softplus, Tensor.randn(rng(16), 4f, 4, 5));
    }

    @Test
    void absBackwardMatchesFiniteDifferencesAwayFromZero() {
        assertUnaryGradientMatches(Var::abs, awayFromZero(17, 0.05f, 2f, 4, 5));
    }

    @Test
    void squareBackwardMatchesFiniteDifferences() {
        assertUnaryGradientMatches(Var::square, randn(18, 3, 4));
    }

    @Test
    void sqrtBackwardMatchesFiniteDifferencesForPositiveInputs() {
        assertUnaryGradientMatches(Var::sqrt, uniform(19, 0.2f, 4f, 3, 4));
    }

    @Test
    void clampBackwardMatchesFiniteDifferencesAwayFromTheBounds() {
        float lo = -0.5f;
        float hi = 0.7f;
        SplittableRandom r = rng(20);
        Tensor x = Tensor.zeros(5, 6);
        float[] d = x.data();
        int inside = 0;
        for (int i = 0; i < d.length; i++) {
            float v;
            do {
                v = (float) (4 * r.nextDouble() - 2);
            } while (Math.abs(v - lo) < 0.05f || Math.abs(v - hi) < 0.05f);
            d[i] = v;
            inside += v > lo && v < hi ? 1 : 0;
        }
        assertTrue(inside > 3 && inside < d.length - 3, "the sample must hit both inside and outside the bounds");
        assertUnaryGradientMatches(v -> v.clamp(lo, hi), x);
    }

    // ------------------------------------------------------------------ spike (surrogate derivative)

    @Test
    void spikeForwardIsOneExactlyWhereTheInputIsPositive() {
        float[] xs = {-2f, -1e-30f, -0f, 0f, Float.MIN_VALUE, 1e-7f, 0.5f, 3f, Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY};
        float[] expected = {0, 0, 0, 0, 1, 1, 1, 1, 0, 1};
        Tape tape = new Tape();
        Var y = tape.param(Tensor.of(xs, xs.length)).spike(Surrogate.of("fast_sigmoid", 25f));
        assertArrayEquals(expected, y.value().data());
    }

    @Test
    void spikeBackwardIsGradOutTimesTheSurrogateDerivativeExactly() {
        Tensor x = Tensor.randn(rng(21), 0.5f, 4, 6);
        x.data()[0] = 0f; // the step itself
        x.data()[1] = -0f;
        Tensor gradOut = randn(22, 4, 6);
        for (String name : Surrogate.NAMES) {
            Surrogate s = Surrogate.parse(name);
            Tape tape = new Tape();
            Var v = tape.param(x.copy());
            Var y = v.spike(s);
            tape.backward(y, gradOut);
            float[] g = v.grad().data();
            for (int i = 0; i < g.length; i++) {
                float expected = gradOut.data()[i] * s.derivative(x.data()[i]);
                assertEquals(expected, g[i], 0f, name + " at element " + i + " (x = " + x.data()[i] + ")");
            }
        }
        Surrogate custom = Surrogate.custom("cubic", u -> 3 * u * u + 0.25f);
        Tape tape = new Tape();
        Var v = tape.param(x.copy());
        tape.backward(v.spike(custom), gradOut);
        for (int i = 0; i < x.size(); i++) {
            assertEquals(gradOut.data()[i] * custom.derivative(x.data()[i]), v.grad().data()[i], 0f);
        }
    }

    // ------------------------------------------------------------------ matmul

    @Test
    void linearBackwardMatchesFiniteDifferencesForInputWeightAndBias() {
        assertGradientsMatch(v -> v[0].linear(v[1], v[2]), randn(70, 5, 4), randn(71, 3, 4), randn(72, 3));
    }

    @Test
    void matmulBackwardMatchesFiniteDifferencesInAllFourTransposeCombinations() {
        int m = 3;
        int k = 4;
        int n = 5;
        long seed = 30;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = ta ? randn(seed++, k, m) : randn(seed++, m, k);
                Tensor b = tb ? randn(seed++, n, k) : randn(seed++, k, n);
                GradCheck.Result r = GradCheck.check(v -> v[0].matmul(ta, v[1], tb), GradCheck.DEFAULT_EPS, TOL, a, b);
                assertTrue(r.passed(), () -> "transA " + ta + ", transB " + tb + ": " + r);
                Tape tape = new Tape();
                assertArrayEquals(new int[] {m, n}, tape.param(a).matmul(ta, tape.param(b), tb).shape());
            }
        }
    }

    @Test
    void matmulOfAMatrixWithItselfAccumulatesIntoOneGradient() {
        Tensor x = randn(35, 4, 3);
        assertGradientsMatch(v -> v[0].matmul(true, v[0], false), x); // xᵀx
        assertGradientsMatch(v -> v[0].matmul(false, v[0], true), x); // xxᵀ
        assertGradientsMatch(v -> v[0].t().matmul(v[0]), x);
    }

    // ------------------------------------------------------------------ reductions

    @Test
    void sumOfAllElementsBackwardMatchesFiniteDifferences() {
        assertUnaryGradientMatches(Var::sum, randn(40, 2, 3, 4));
    }

    @Test
    void sumOverEachAxisBackwardMatchesFiniteDifferencesWithAndWithoutKeepDim() {
        Tensor x = randn(41, 2, 3, 4);
        for (int axis = -3; axis < 3; axis++) {
            for (boolean keep : new boolean[] {false, true}) {
                int ax = axis;
                GradCheck.Result r = GradCheck.check(v -> v[0].sum(ax, keep), GradCheck.DEFAULT_EPS, TOL, x);
                assertTrue(r.passed(), () -> "axis " + ax + ", keepDim " + keep + ": " + r);
            }
        }
    }

    @Test
    void meanOfAllElementsBackwardMatchesFiniteDifferences() {
        assertUnaryGradientMatches(Var::mean, randn(42, 2, 3, 4));
    }

    @Test
    void meanOverEachAxisBackwardMatchesFiniteDifferencesWithAndWithoutKeepDim() {
        Tensor x = randn(43, 2, 3, 4);
        for (int axis = -1; axis < 3; axis++) {
            for (boolean keep : new boolean[] {false, true}) {
                int ax = axis;
                GradCheck.Result r = GradCheck.check(v -> v[0].mean(ax, keep), GradCheck.DEFAULT_EPS, TOL, x);
                assertTrue(r.passed(), () -> "axis " + ax + ", keepDim " + keep + ": " + r);
            }
        }
    }

    @Test
    void maxOverEachAxisBackwardMatchesFiniteDifferencesForDistinctValues() {
        Tensor x = distinct(44, 2, 3, 4);
        for (int axis = -1; axis < 3; axis++) {
            for (boolean keep : new boolean[] {false, true}) {
                int ax = axis;
                GradCheck.Result r = GradCheck.check(v -> v[0].max(ax, keep), GradCheck.DEFAULT_EPS, TOL, x);
                assertTrue(r.passed(), () -> "axis " + ax + ", keepDim " + keep + ": " + r);
            }
        }
    }

    // ------------------------------------------------------------------ shape

    @Test
    void reshapeBackwardMatchesFiniteDifferences() {
        Tensor x = randn(50, 2, 3, 4);
        assertUnaryGradientMatches(v -> v.reshape(6, 4), x);
        assertUnaryGradientMatches(v -> v.reshape(-1), x);
        assertUnaryGradientMatches(v -> v.reshape(4, -1, 2), x);
    }

    @Test
    void transposeBackwardMatchesFiniteDifferences() {
        Tensor x = randn(51, 2, 3, 4);
        assertUnaryGradientMatches(v -> v.transpose(0, 2), x);
        assertUnaryGradientMatches(v -> v.transpose(1, -1), x);
        assertUnaryGradientMatches(Var::t, randn(52, 3, 5));
    }

    @Test
    void permuteBackwardMatchesFiniteDifferencesForEveryPermutationOfThreeAxes() {
        Tensor x = randn(53, 2, 3, 4);
        int[][] perms = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        for (int[] p : perms) {
            GradCheck.Result r = GradCheck.check(v -> Ops.permute(v[0], p), GradCheck.DEFAULT_EPS, TOL, x);
            assertTrue(r.passed(), () -> "perm " + Arrays.toString(p) + ": " + r);
        }
    }

    @Test
    void sliceBackwardMatchesFiniteDifferencesAlongEachAxis() {
        Tensor x = randn(54, 3, 4, 5);
        assertUnaryGradientMatches(v -> v.slice(0, 1, 3), x);
        assertUnaryGradientMatches(v -> v.slice(1, 0, 2), x);
        assertUnaryGradientMatches(v -> v.slice(2, 2, 5), x);
        assertUnaryGradientMatches(v -> v.slice(-1, 1, 2), x);
        // Overlapping slices of one variable accumulate.
        assertUnaryGradientMatches(v -> v.slice(1, 0, 3).add(v.slice(1, 1, 4)), x);
    }

    @Test
    void selectBackwardMatchesFiniteDifferencesAlongEachAxis() {
        Tensor x = randn(55, 3, 4, 5);
        assertUnaryGradientMatches(v -> v.select(0, 2), x);
        assertUnaryGradientMatches(v -> v.select(1, 0), x);
        assertUnaryGradientMatches(v -> v.select(2, 4), x);
        assertUnaryGradientMatches(v -> v.select(-2, 3), x);
    }

    @Test
    void concatBackwardMatchesFiniteDifferencesAlongSeveralAxes() {
        int[][][] shapes = {
            {{1, 3, 4}, {2, 3, 4}, {3, 3, 4}}, // axis 0
            {{2, 1, 4}, {2, 3, 4}, {2, 2, 4}}, // axis 1
            {{2, 3, 2}, {2, 3, 1}, {2, 3, 3}}, // axis 2
        };
        for (int axis = 0; axis < 3; axis++) {
            Tensor[] parts = new Tensor[3];
            for (int j = 0; j < 3; j++) {
                parts[j] = randn(60 + 3 * axis + j, shapes[axis][j]);
            }
            int ax = axis;
            GradCheck.Result r = GradCheck.check(v -> Ops.concat(ax, v), GradCheck.DEFAULT_EPS, TOL, parts);
            assertTrue(r.passed(), () -> "axis " + ax + ": " + r);
        }
        Tensor a = randn(70, 3, 2);
        Tensor b = randn(71, 3, 5);
        assertGradientsMatch(v -> Ops.concat(-1, v[0], v[1]), a, b);
        assertGradientsMatch(v -> Ops.concat(1, v[0], v[0]), a); // the same variable twice
    }

    @Test
    void stackBackwardMatchesFiniteDifferencesAlongEveryAxis() {
        Tensor[] parts = {randn(80, 2, 3), randn(81, 2, 3), randn(82, 2, 3)};
        for (int axis = -3; axis <= 2; axis++) {
            int ax = axis;
            GradCheck.Result r = GradCheck.check(v -> Ops.stack(ax, v), GradCheck.DEFAULT_EPS, TOL, parts);
            assertTrue(r.passed(), () -> "axis " + ax + ": " + r);
        }
        assertGradientsMatch(v -> Ops.stack(1, v[0], v[0].neg()), parts[0]);
    }

    // ------------------------------------------------------------------ classification

    @Test
    void logSoftmaxBackwardMatchesFiniteDifferencesAlongSeveralAxes() {
        Tensor x = Tensor.randn(rng(90), 2f, 2, 3, 4);
        for (int axis = -1; axis < 3; axis++) {
            int ax = axis;
            GradCheck.Result r = GradCheck.check(v -> v[0].logSoftmax(ax), GradCheck.DEFAULT_EPS, TOL, x);
            assertTrue(r.passed(), () -> "axis " + ax + ": " + r);
        }
        assertUnaryGradientMatches(v -> v.logSoftmax(1), Tensor.randn(rng(91), 2f, 5, 7));
    }

    @Test
    void crossEntropyBackwardMatchesFiniteDifferences() {
        Tensor logits = Tensor.randn(rng(92), 2f, 6, 5);
        int[] targets = {0, 4, 2, 2, 1, 3};
        assertUnaryGradientMatches(v -> v.crossEntropy(targets), logits);
        // Large logits exercise the max-shifted log-sum-exp.
        Tensor big = Tensor.randn(rng(93), 1f, 3, 4);
        for (int i = 0; i < big.size(); i++) {
            big.data()[i] += 60f;
        }
        assertUnaryGradientMatches(v -> v.crossEntropy(new int[] {1, 0, 3}), big);
    }

    @Test
    void crossEntropyEqualsMinusMeanPickedLogSoftmax() {
        Tensor logits = Tensor.randn(rng(94), 2f, 4, 3);
        int[] targets = {2, 0, 1, 1};
        Tape tape = new Tape();
        Var x = tape.param(logits);
        Var ls = x.logSoftmax(1);
        double expected = 0;
        for (int b = 0; b < 4; b++) {
            expected -= ls.value().get(b, targets[b]);
        }
        assertEquals(expected / 4, x.crossEntropy(targets).item(), 1e-5);
    }

    // ------------------------------------------------------------------ composite

    @Test
    void aSmallNetworkLossBackwardMatchesFiniteDifferences() {
        Tensor in = randn(95, 4, 3);
        Tensor w1 = Tensor.randn(rng(96), 0.7f, 3, 5);
        Tensor b1 = Tensor.randn(rng(97), 0.1f, 5);
        Tensor w2 = Tensor.randn(rng(98), 0.7f, 5, 2);
        int[] targets = {0, 1, 1, 0};
        assertGradientsMatch(v -> v[0].matmul(v[1]).add(v[2]).tanh().matmul(v[3]).crossEntropy(targets)
                .add(v[1].square().mean().mul(0.01f)), in, w1, b1, w2);
    }

    // ------------------------------------------------------------------ the checker itself

    @Test
    void gradCheckDetectsADeliberatelyWrongBackward() {
        // x³ with the derivative 2x² instead of 3x².
        Function<Var[], Var> wrongCube = v -> {
            Var x = v[0];
            float[] xs = x.value().data();
            float[] ys = new float[xs.length];
            for (int i = 0; i < xs.length; i++) {
                ys[i] = xs[i] * xs[i] * xs[i];
            }
            return x.tape().record(Tensor.of(ys, x.shape()), g -> {
                float[] gx = new float[xs.length];
                for (int i = 0; i < xs.length; i++) {
                    gx[i] = g.data()[i] * 2 * xs[i] * xs[i];
                }
                x.accumulate(gx);
            }, x);
        };
        GradCheck.Result r = GradCheck.check(wrongCube, randn(100, 3, 4));
        assertFalse(r.passed(), r::toString);
        assertTrue(r.error(0) > 0.2, r::toString);
        assertTrue(r.toString().contains("FAILED"), r::toString);
    }

    @Test
    void gradCheckDetectsAGradientThatIsOffByFivePercent() {
        Function<Var[], Var> slightlyWrongScale = v -> {
            Var x = v[0];
            Tensor out = x.value().copy();
            for (int i = 0; i < out.size(); i++) {
                out.data()[i] *= 2f;
            }
            return x.tape().record(out, g -> {
                float[] gx = g.data().clone();
                for (int i = 0; i < gx.length; i++) {
                    gx[i] *= 2.1f;
                }
                x.accumulate(gx);
            }, x);
        };
        GradCheck.Result r = GradCheck.check(slightlyWrongScale, randn(101, 3, 4));
        assertFalse(r.passed(), r::toString);
        assertEquals(0.05, r.error(0), 1e-3);
    }

    @Test
    void gradCheckDetectsAGradientSentToTheWrongElement() {
        // A "transpose" of a square matrix whose backward forgets to transpose back: the plain sum of the gradient
        // is right, so only the random projection exposes it.
        Function<Var[], Var> wrongTranspose = v -> {
            Var x = v[0];
            Tensor xt = Ops.transpose(x.tape().constant(x.value()), 0, 1).value();
            return x.tape().record(xt, g -> x.accumulate(g.data()), x);
        };
        GradCheck.Result r = GradCheck.check(wrongTranspose, randn(102, 4, 4));
        assertFalse(r.passed(), r::toString);
    }

    @Test
    void gradCheckPassesACorrectCustomOp() {
        Function<Var[], Var> cube = v -> {
            Var x = v[0];
            float[] xs = x.value().data();
            float[] ys = new float[xs.length];
            for (int i = 0; i < xs.length; i++) {
                ys[i] = xs[i] * xs[i] * xs[i];
            }
            return x.tape().record(Tensor.of(ys, x.shape()), g -> {
                float[] gx = new float[xs.length];
                for (int i = 0; i < xs.length; i++) {
                    gx[i] = g.data()[i] * 3 * xs[i] * xs[i];
                }
                x.accumulate(gx);
            }, x);
        };
        GradCheck.Result r = GradCheck.check(cube, randn(103, 3, 4));
        assertTrue(r.passed(), r::toString);
        assertTrue(r.error(0) < 1e-3, r::toString);
    }

    @Test
    void gradCheckIsDeterministicAndLeavesItsInputsUnchanged() {
        Tensor a = randn(104, 3, 4);
        Tensor b = uniform(105, 0.5f, 2f, 4);
        Tensor a0 = a.copy();
        Tensor b0 = b.copy();
        Function<Var[], Var> f = v -> v[0].div(v[1]).tanh();
        GradCheck.Result r1 = GradCheck.check(f, a, b);
        GradCheck.Result r2 = GradCheck.check(f, a, b);
        assertEquals(0f, a.maxAbsDiff(a0));
        assertEquals(0f, b.maxAbsDiff(b0));
        for (int k = 0; k < 2; k++) {
            assertEquals(r1.error(k), r2.error(k), 0.0);
            assertArrayEquals(r1.numeric(k).data(), r2.numeric(k).data());
            assertArrayEquals(r1.analytic(k).data(), r2.analytic(k).data());
        }
    }
}
