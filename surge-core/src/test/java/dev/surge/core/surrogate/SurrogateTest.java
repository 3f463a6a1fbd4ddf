package dev.surge.core.surrogate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each surrogate family's derivative equals its documented formula (evaluated independently here, in double),
 * integrates over the real line to the value the formula implies, and the parser handles names, scales and errors.
 */
class SurrogateTest {

    private static final double[] POINTS = {-3.0, -1.0, -0.37, -0.1, -0.02, 0.0, 0.004, 0.05, 0.2, 0.49, 0.51, 1.5, 4.0};

    /** The formulas from Surrogate's Javadoc, written out in double. */
    static double expected(String family, double k, double x) {
        return switch (family) {
            case "sigmoid" -> {
                double s = 1 / (1 + Math.exp(-k * x));
                yield k * s * (1 - s);
            }
            case "fast_sigmoid" -> 1 / Math.pow(1 + k * Math.abs(x), 2);
            case "atan" -> (k / 2) / (1 + Math.pow(Math.PI / 2 * k * x, 2));
            case "rectangle" -> Math.abs(x) < k / 2 ? 1 : 0;
            case "triangle" -> Math.max(0, 1 - Math.abs(x) / k);
            case "gaussian" -> Math.exp(-x * x / (2 * k * k)) / (Math.sqrt(2 * Math.PI) * k);
            case "straight_through" -> 1;
            default -> throw new AssertionError(family);
        };
    }

    static Stream<Arguments> familiesAndScales() {
        return Stream.of(
                Arguments.of("sigmoid", 1f), Arguments.of("sigmoid", 5f), Arguments.of("sigmoid", 25f),
                Arguments.of("fast_sigmoid", 1f), Arguments.of("fast_sigmoid", 10f), Arguments.of("fast_sigmoid", 25f),
                Arguments.of("atan", 0.5f), Arguments.of("atan", 2f), Arguments.of("atan", 8f),
                Arguments.of("rectangle", 0.3f), Arguments.of("rectangle", 1f), Arguments.of("rectangle", 2.5f),
                Arguments.of("triangle", 0.3f), Arguments.of("triangle", 1f), Arguments.of("triangle", 2.5f),
                Arguments.of("gaussian", 0.1f), Arguments.of("gaussian", 0.5f), Arguments.of("gaussian", 2f),
                Arguments.of("straight_through", 1f));
    }

    @ParameterizedTest(name = "{0}:{1}")
    @MethodSource("familiesAndScales")
    void derivativeMatchesDocumentedFormulaAtSeveralPoints(String family, float k) {
        Surrogate s = Surrogate.of(family, k);
        assertEquals(family, s.name());
        for (double x : POINTS) {
            float xf = (float) x;
            // evaluate the formula at the float input actually passed, so only the formula is compared
            double want = expected(family, k, xf);
            float got = s.derivative(xf);
            assertEquals(want, got, 1e-6 * Math.max(1, Math.abs(want)),
                    family + ":" + k + " at x=" + xf);
            assertTrue(got >= 0, family + " derivative must be non-negative");
        }
    }

    @Test
    void derivativesPeakAtZeroWithTheFormulaValue() {
        assertEquals(25f / 4f, Surrogate.of("sigmoid", 25f).derivative(0f), 1e-6);
        assertEquals(1f, Surrogate.of("fast_sigmoid", 25f).derivative(0f), 0f);
        assertEquals(1f, Surrogate.of("atan", 2f).derivative(0f), 1e-7);
        assertEquals(1f, Surrogate.of("rectangle", 1f).derivative(0f), 0f);
        assertEquals(1f, Surrogate.of("triangle", 1f).derivative(0f), 0f);
        assertEquals(1 / (Math.sqrt(2 * Math.PI) * 0.5), Surrogate.of("gaussian", 0.5f).derivative(0f), 1e-6);
    }

    @Test
    void rectangleAndTriangleHaveCompactSupport() {
        Surrogate rect = Surrogate.of("rectangle", 1f);
        assertEquals(1f, rect.derivative(0.499f));
        assertEquals(0f, rect.derivative(0.5f), "the rectangle is open: |x| < k/2");
        assertEquals(0f, rect.derivative(-0.501f));
        Surrogate tri = Surrogate.of("triangle", 2f);
        assertEquals(0.5f, tri.derivative(-1f), 1e-7);
        assertEquals(0f, tri.derivative(2f));
        assertEquals(0f, tri.derivative(-7f));
    }

    /** Composite Simpson's rule on [lo, hi] with an even number of panels. */
    static double simpson(DoubleUnaryOperator f, double lo, double hi, int panels) {
        double h = (hi - lo) / panels;
        double s = f.applyAsDouble(lo) + f.applyAsDouble(hi);
        for (int i = 1; i < panels; i++) {
            s += (i % 2 == 1 ? 4 : 2) * f.applyAsDouble(lo + i * h);
        }
        return s * h / 3;
    }

    /** ∫ over [−L, L] of the surrogate's float derivative, in pieces fine enough for kinks and jumps. */
    static double integral(Surrogate s, double halfWidth) {
        DoubleUnaryOperator f = x -> s.derivative((float) x);
        // fine near zero (where every family has its mass and its kinks), coarser in the tails
        double inner = Math.min(halfWidth, 10.0);
        double total = simpson(f, -inner, inner, 2_000_000);
        if (halfWidth > inner) {
            total += 2 * simpson(f, inner, halfWidth, 2_000_000);
        }
        return total;
    }

    @ParameterizedTest(name = "sigmoid:{0}")
    @ValueSource(floats = {1f, 5f, 25f})
    void sigmoidDerivativeIntegratesToOne(float k) {
        assertEquals(1.0, integral(Surrogate.of("sigmoid", k), 60.0), 1e-4);
    }

    @ParameterizedTest(name = "atan:{0}")
    @ValueSource(floats = {0.5f, 2f, 8f})
    void atanDerivativeIntegratesToOne(float k) {
        // tails fall as 1/x²: ∫ beyond ±L is 2/π·(1/(πkL/2)) approximately; L = 20000 keeps it below 1e-4
        double tail = 2 * (0.5 - Math.atan(Math.PI / 2 * k * 20000.0) / Math.PI);
        double got = integral(Surrogate.of("atan", k), 20000.0);
        assertEquals(1.0, got + tail, 2e-4);
        assertEquals(1.0, got, 1e-3);
    }

    @ParameterizedTest(name = "gaussian:{0}")
    @ValueSource(floats = {0.1f, 0.5f, 2f})
    void gaussianDerivativeIntegratesToOne(float k) {
        assertEquals(1.0, integral(Surrogate.of("gaussian", k), 20.0 * k), 1e-4);
    }

    @ParameterizedTest(name = "fast_sigmoid:{0}")
    @ValueSource(floats = {1f, 10f, 25f})
    void fastSigmoidDerivativeIntegratesToTwoOverK(float k) {
        // ∫_{−L}^{L} (1 + k|x|)^−2 dx = (2/k)·(1 − 1/(1 + kL)), → 2/k: NOT 1, unlike the normalised families
        double half = 20000.0;
        double got = integral(Surrogate.of("fast_sigmoid", k), half);
        double finite = 2.0 / k * (1 - 1 / (1 + k * half));
        assertEquals(finite, got, 1e-4 * finite);
        assertEquals(2.0 / k, got, 1e-3 * (2.0 / k));
    }

    @ParameterizedTest(name = "triangle:{0}")
    @ValueSource(floats = {0.3f, 1f, 2.5f})
    void triangleDerivativeIntegratesToK(float k) {
        assertEquals(k, integral(Surrogate.of("triangle", k), 10.0), 1e-4 * k);
    }

    @ParameterizedTest(name = "rectangle:{0}")
    @ValueSource(floats = {0.3f, 1f, 2.5f})
    void rectangleDerivativeIntegratesToK(float k) {
        // Simpson over a jump is only first-order accurate, hence the looser tolerance
        assertEquals(k, integral(Surrogate.of("rectangle", k), 10.0), 1e-4);
    }

    @Test
    void parseReadsNameAndScale() {
        Surrogate s = Surrogate.parse("fast_sigmoid:25");
        assertInstanceOf(Surrogate.FastSigmoid.class, s);
        assertEquals("fast_sigmoid", s.name());
        assertEquals(25f, s.scale());
        assertEquals(new Surrogate.Sigmoid(3.5f), Surrogate.parse("sigmoid:3.5"));
    }

    @Test
    void parseWithoutScaleUsesTheFamilyDefault() {
        Surrogate a = Surrogate.parse("atan");
        assertInstanceOf(Surrogate.Atan.class, a);
        assertEquals(2f, a.scale());
        assertEquals(25f, Surrogate.parse("fast_sigmoid").scale());
        assertEquals(25f, Surrogate.parse("sigmoid").scale());
        assertEquals(0.5f, Surrogate.parse("gaussian").scale());
        assertEquals(1f, Surrogate.parse("triangle").scale());
        assertInstanceOf(Surrogate.StraightThrough.class, Surrogate.parse("straight_through"));
    }

    @Test
    void parseAcceptsAliasesAndCase() {
        assertEquals(new Surrogate.FastSigmoid(10f), Surrogate.parse("SuperSpike:10"));
        assertEquals(new Surrogate.FastSigmoid(10f), Surrogate.parse("Fast-Sigmoid:10"));
        assertInstanceOf(Surrogate.StraightThrough.class, Surrogate.parse("ste"));
    }

    @Test
    void unknownNameErrorListsTheKnownNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Surrogate.parse("relu:2"));
        assertTrue(e.getMessage().contains("'relu'"), e.getMessage());
        for (String known : Surrogate.NAMES) {
            assertTrue(e.getMessage().contains(known), "message should list " + known + ": " + e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sigmoid:0", "atan:-2", "gaussian:NaN", "triangle:Infinity"})
    void nonPositiveOrNonFiniteScaleIsRejected(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Surrogate.parse(spec));
        assertTrue(e.getMessage().contains("scale must be a positive number"), e.getMessage());
    }

    @Test
    void nonNumericScaleIsRejectedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Surrogate.parse("fast_sigmoid:abc"));
        assertTrue(e.getMessage().contains("'abc'") && e.getMessage().contains("not a number"), e.getMessage());
    }

    @Test
    void customSurrogateUsesTheSuppliedDerivative() {
        Surrogate c = Surrogate.custom("half", x -> 0.5f);
        assertEquals("half", c.name());
        assertEquals(0.5f, c.derivative(123f));
        assertEquals(1f, c.scale());
    }
}
