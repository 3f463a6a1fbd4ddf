package dev.surge.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.nn.Parameter;
import dev.surge.core.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sgd and Adam/AdamW follow PyTorch's update rules (torch.optim.SGD, Adam, AdamW, single-tensor code path with
 * default flags: no amsgrad, no nesterov, no dampening, not maximising), checked step by step against a
 * double-precision reimplementation written here from the PyTorch documentation; and each optimizer minimises a
 * simple quadratic.
 */
class OptimizerTest {

    private static final int STEPS = 10;
    private static final double[] P0 = {0.5, -1.2, 2.0, 0.0, -0.03, 1.0};

    /** A fixed, varied gradient sequence; element 5 is always zero (only weight decay moves it). */
    static double[] gradient(int step, int size) {
        double[] g = new double[size];
        for (int j = 0; j < size; j++) {
            g[j] = j == 5 ? 0.0 : Math.sin(1.3 * step + j) * (0.2 + 0.7 * j) + (step % 3 == 0 ? 0.05 : -0.02);
        }
        return g;
    }

    // ---------------------------------------------------------------- reference rules, in double

    /** torch.optim.SGD: d = g + wd·p; buf = d (first) else μ·buf + d; p -= lr·buf (or lr·d when μ = 0). */
    static final class RefSgd {
        final double lr;
        final double mu;
        final double wd;
        double[] buf;

        RefSgd(double lr, double mu, double wd) {
            this.lr = lr;
            this.mu = mu;
            this.wd = wd;
        }

        void step(double[] p, double[] g) {
            double[] d = new double[p.length];
            for (int j = 0; j < p.length; j++) {
                d[j] = g[j] + wd * p[j];
            }
            if (mu != 0) {
                if (buf == null) {
                    buf = d.clone();
                } else {
                    for (int j = 0; j < p.length; j++) {
                        buf[j] = mu * buf[j] + d[j];
                    }
                }
                d = buf;
            }
            for (int j = 0; j < p.length; j++) {
                p[j] -= lr * d[j];
            }
        }
    }

    /**
     * torch.optim.Adam / AdamW: Adam adds wd·p to g; AdamW multiplies p by (1 − lr·wd). Then
     * m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g², p -= lr/(1−β₁ᵗ) · m / (√v / √(1−β₂ᵗ) + ε).
     */
    static final class RefAdam {
        final double lr;
        final double b1;
        final double b2;
        final double eps;
        final double wd;
        final boolean decoupled;
        double[] m;
        double[] v;
        int t;

        RefAdam(double lr, double b1, double b2, double eps, double wd, boolean decoupled) {
            this.lr = lr;
            this.b1 = b1;
            this.b2 = b2;
            this.eps = eps;
            this.wd = wd;
            this.decoupled = decoupled;
        }

        void step(double[] p, double[] gIn) {
            if (m == null) {
                m = new double[p.length];
                v = new double[p.length];
            }
            t++;
            double[] g = gIn.clone();
            for (int j = 0; j < p.length; j++) {
                if (decoupled) {
                    p[j] *= 1 - lr * wd;
                } else {
                    g[j] += wd * p[j];
                }
                m[j] = b1 * m[j] + (1 - b1) * g[j];
                v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
                double mHat = m[j] / (1 - Math.pow(b1, t));
                double vHat = v[j] / (1 - Math.pow(b2, t));
                // PyTorch puts ε outside the bias-corrected root: √v/√(1−β₂ᵗ) + ε, i.e. √v̂ + ε
                p[j] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
    }

    // ---------------------------------------------------------------- harness

    private static Parameter param() {
        float[] f = new float[P0.length];
        for (int j = 0; j < f.length; j++) {
            f[j] = (float) P0[j];
        }
        return new Parameter("p", Tensor.of(f, f.length));
    }

    /**
     * Runs the optimizer and the reference side by side for STEPS steps with the fixed gradients, asserting after
     * every step that the parameters agree within float32 accumulation error; returns the final reference values.
     */
    private static double[] runAndCompare(Function<List<Parameter>, Optimizer> make,
                                          java.util.function.BiConsumer<double[], double[]> refStep) {
        Parameter p = param();
        Optimizer opt = make.apply(List.of(p));
        double[] ref = P0.clone();
        for (int t = 1; t <= STEPS; t++) {
            double[] g = gradient(t, P0.length);
            opt.zeroGrad();
            for (int j = 0; j < g.length; j++) {
                p.grad().data()[j] = (float) g[j];
                g[j] = p.grad().data()[j]; // the reference sees exactly the float gradient
            }
            opt.step();
            refStep.accept(ref, g);
            for (int j = 0; j < ref.length; j++) {
                float got = p.value().data()[j];
                assertEquals(ref[j], got, 2e-6 * Math.max(1, Math.abs(ref[j])),
                        "step " + t + ", element " + j + ": " + Arrays.toString(p.value().data()) + " vs "
                                + Arrays.toString(ref));
            }
        }
        return ref;
    }

    private static double maxMoveFromStart(double[] p) {
        double m = 0;
        for (int j = 0; j < p.length; j++) {
            m = Math.max(m, Math.abs(p[j] - P0[j]));
        }
        return m;
    }

    @ParameterizedTest(name = "lr={0} momentum={1} wd={2}")
    @CsvSource({"0.1, 0.0, 0.0", "0.1, 0.9, 0.0", "0.05, 0.9, 0.01", "0.2, 0.5, 0.1", "0.1, 0.0, 0.05"})
    void sgdMatchesPyTorchRuleStepByStep(double lr, double mu, double wd) {
        RefSgd ref = new RefSgd(lr, mu, wd);
        double[] end = runAndCompare(ps -> new Sgd(ps, (float) lr, (float) mu, (float) wd), ref::step);
        assertTrue(maxMoveFromStart(end) > 0.05, "the parameters must actually move for the comparison to mean much");
        if (wd > 0) {
            // element 5 has zero gradient: only weight decay moves it, towards zero
            assertTrue(Math.abs(end[5]) < Math.abs(P0[5]), "weight decay must shrink a parameter with zero gradient");
        }
    }

    @ParameterizedTest(name = "lr={0} betas=({1}, {2}) eps={3} wd={4}")
    @CsvSource({"0.01, 0.9, 0.999, 1e-8, 0.0", "0.05, 0.8, 0.99, 1e-6, 0.0", "0.01, 0.9, 0.999, 1e-8, 0.1",
            "0.03, 0.5, 0.9, 1e-3, 0.5"})
    void adamMatchesPyTorchRuleStepByStep(double lr, double b1, double b2, double eps, double wd) {
        RefAdam ref = new RefAdam(lr, b1, b2, eps, wd, false);
        double[] end = runAndCompare(ps -> Adam.adam(ps, (float) lr, (float) b1, (float) b2, (float) eps, (float) wd),
                ref::step);
        assertTrue(maxMoveFromStart(end) > lr, "the parameters must actually move (Adam steps are about lr each)");
    }

    @ParameterizedTest(name = "lr={0} betas=({1}, {2}) eps={3} wd={4}")
    @CsvSource({"0.01, 0.9, 0.999, 1e-8, 0.01", "0.05, 0.8, 0.99, 1e-6, 0.3", "0.03, 0.9, 0.999, 1e-8, 0.0"})
    void adamWMatchesPyTorchRuleStepByStep(double lr, double b1, double b2, double eps, double wd) {
        RefAdam ref = new RefAdam(lr, b1, b2, eps, wd, true);
        double[] end = runAndCompare(ps -> Adam.adamW(ps, (float) lr, (float) b1, (float) b2, (float) eps, (float) wd),
                ref::step);
        if (wd > 0) {
            // zero gradient: Adam's step is 0/(0+ε) = 0, so only the decoupled decay moves it: p·(1 − lr·wd)^t
            assertEquals(P0[5] * Math.pow(1 - lr * wd, STEPS), end[5], 1e-12);
        }
    }

    @Test
    void adamDefaultsArePyTorchDefaults() {
        RefAdam ref = new RefAdam(0.02, 0.9, 0.999, 1e-8, 0.0, false);
        runAndCompare(ps -> Adam.adam(ps, 0.02f), ref::step);
    }

    @Test
    void comparisonDistinguishesAdamFromAdamWAndWeightDecayFromNone() {
        // the tolerances above are far tighter than the differences between the rules they tell apart
        double[] adam = P0.clone();
        double[] adamW = P0.clone();
        double[] plain = P0.clone();
        RefAdam a = new RefAdam(0.05, 0.9, 0.999, 1e-8, 0.3, false);
        RefAdam w = new RefAdam(0.05, 0.9, 0.999, 1e-8, 0.3, true);
        RefAdam n = new RefAdam(0.05, 0.9, 0.999, 1e-8, 0.0, false);
        for (int t = 1; t <= STEPS; t++) {
            double[] g = gradient(t, P0.length);
            a.step(adam, g);
            w.step(adamW, g);
            n.step(plain, g);
        }
        for (double[][] pair : new double[][][] {{adam, adamW}, {adam, plain}, {adamW, plain}}) {
            double d = 0;
            for (int j = 0; j < P0.length; j++) {
                d = Math.max(d, Math.abs(pair[0][j] - pair[1][j]));
            }
            assertTrue(d > 1e-3, "rules should differ by far more than the 2e-6 tolerance, got " + d);
        }
        // and the implementation, run as AdamW, fails the Adam reference
        Parameter p = param();
        Optimizer opt = Adam.adamW(List.of(p), 0.05f, 0.9f, 0.999f, 1e-8f, 0.3f);
        for (int t = 1; t <= STEPS; t++) {
            double[] g = gradient(t, P0.length);
            for (int j = 0; j < g.length; j++) {
                p.grad().data()[j] = (float) g[j];
            }
            opt.step();
        }
        double d = 0;
        for (int j = 0; j < P0.length; j++) {
            d = Math.max(d, Math.abs(p.value().data()[j] - adam[j]));
        }
        assertTrue(d > 1e-3, "AdamW output must not pass as Adam, difference " + d);
    }

    // ---------------------------------------------------------------- minimising a quadratic

    private static final double[] CURV = {1.0, 3.0, 0.5, 2.0, 1.5, 0.8};
    private static final double[] TARGET = {1.0, -2.0, 0.3, 0.7, -0.4, 2.5};

    /** L(p) = ½·Σ a_j·(p_j − c_j)², a positive-definite quadratic with minimum 0 at p = c. */
    private static double loss(Parameter p) {
        double l = 0;
        for (int j = 0; j < CURV.length; j++) {
            double d = p.value().data()[j] - TARGET[j];
            l += 0.5 * CURV[j] * d * d;
        }
        return l;
    }

    private static void setGradient(Parameter p) {
        for (int j = 0; j < CURV.length; j++) {
            p.grad().data()[j] = (float) (CURV[j] * (p.value().data()[j] - TARGET[j]));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"sgd", "sgd-momentum", "sgd-momentum-wd", "adam", "adam-wd", "adamw"})
    void minimisingAQuadraticDecreasesTheLoss(String which) {
        Parameter p = param();
        List<Parameter> ps = List.of(p);
        Optimizer opt = switch (which) {
            case "sgd" -> new Sgd(ps, 0.2f, 0f, 0f);
            case "sgd-momentum" -> new Sgd(ps, 0.05f, 0.9f, 0f);
            case "sgd-momentum-wd" -> new Sgd(ps, 0.05f, 0.9f, 1e-3f);
            case "adam" -> Adam.adam(ps, 0.05f);
            case "adam-wd" -> Adam.adam(ps, 0.05f, 0.9f, 0.999f, 1e-8f, 1e-3f);
            case "adamw" -> Adam.adamW(ps, 0.05f, 0.9f, 0.999f, 1e-8f, 1e-2f);
            default -> throw new AssertionError(which);
        };
        double initial = loss(p);
        double previous = initial;
        for (int step = 0; step < 300; step++) {
            opt.zeroGrad();
            setGradient(p);
            opt.step();
            if (step == 0) {
                assertTrue(loss(p) < initial, "the first step must go downhill");
            }
            previous = loss(p);
        }
        assertTrue(previous < 1e-2 * initial, which + ": loss " + initial + " -> " + previous);
    }

    @Test
    void invalidHyperparametersAreRejected() {
        List<Parameter> ps = List.of(param());
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, -0.1f, 0f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, 0.1f, -0.5f, 0f));
        assertThrows(IllegalArgumentException.class, () -> Adam.adam(ps, 0.1f, 1f, 0.999f, 1e-8f, 0f));
        assertThrows(IllegalArgumentException.class, () -> Adam.adamW(ps, 0.1f, 0.9f, 0.999f, 1e-8f, -1f));
    }
}
