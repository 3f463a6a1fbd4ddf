package dev.surge.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The mini-RANS model and its discrete adjoint, each against finite differences of the model itself: the Jacobian
 * against differences of the residual; the adjoint gradient against differences of the objective (per clip mode:
 * softplus and hard agree, the surrogate and the projection do not, and the projection's error is a floor); the
 * Taylor remainder; inverse-design recovery.
 */
class FlowProblemTest {
    static final double[] TARGET = {0.8, -0.5, 0.3, 1.0, -1.0, 0.6, -0.2, 0.4};
    static final Lbfgs LBFGS = new Lbfgs(10, 100, 0, 0, 1e-10);

    static double[] half(double[] a) {
        double[] h = a.clone();
        for (int j = 0; j < h.length; j++) {
            h[j] /= 2;
        }
        return h;
    }

    @Test
    void newtonConvergesForEveryClip() {
        for (Clip c : Study.modes(50)) {
            FlowProblem p = FlowProblem.standard(c);
            FlowProblem.State s = p.solve(TARGET);
            double[] r = p.residual(TARGET, s.u());
            for (double v : r) {
                assertTrue(Math.abs(v) <= 1e-12, c.name() + ": residual " + v);
            }
            assertEquals(s.u().length, 200);
        }
        // the clip is active on part of the domain and switched off on the rest (the constants' purpose)
        FlowProblem p = FlowProblem.standard(new Clip.Hard());
        FlowProblem.State s = p.solve(TARGET);
        int on = 0;
        for (double v : s.nuT()) {
            on += v > 0 ? 1 : 0;
        }
        assertTrue(on > 20 && on < 181, "faces with nu_t > 0: " + on + " of 201");
    }

    @Test
    void jacobianMatchesDifferencesOfTheResidual() {
        for (Clip c : List.of(new Clip.Softplus(50), new Clip.Hard())) {
            FlowProblem p = FlowProblem.standard(c);
            double[] u = p.solve(half(TARGET)).u();
            Tridiagonal m = p.jacobian(u, p.nuT(u));
            double[][] a = TridiagonalTest.dense(m);
            double e = 1e-7;
            for (int j = 0; j < u.length; j += 7) {
                double[] up = u.clone();
                up[j] += e;
                double[] um = u.clone();
                um[j] -= e;
                double[] rp = p.residual(half(TARGET), up);
                double[] rm = p.residual(half(TARGET), um);
                for (int i = 0; i < u.length; i++) {
                    double fd = (rp[i] - rm[i]) / (2 * e);
                    assertEquals(fd, a[i][j], 1e-6 * Math.max(1, Math.abs(fd)), c.name() + " dR" + i + "/du" + j);
                }
            }
        }
    }

    @Test
    void softplusAdjointMatchesFiniteDifferencesAtTheStartAndTheOptimum() {
        FlowProblem p = FlowProblem.standard(new Clip.Softplus(50));
        Objective.Inverse inv = p.inverse(TARGET);
        GradientChecks.Comparison start = GradientChecks.check(p, inv, new double[8], 1e-4, 4);
        assertTrue(start.maxRelativeError() <= 1e-5, "start: " + start.maxRelativeError());
        double[] opt = Design.optimize(p, inv, new double[8], LBFGS).result().x();
        GradientChecks.Comparison end = GradientChecks.check(p, inv, opt, 1e-4, 4);
        assertTrue(end.maxRelativeError() <= 1e-5, "optimum: " + end.maxRelativeError());
        // the drag objective, at the start and at alpha*/2
        Objective drag = new Objective.Drag(1e-3);
        for (double[] a : List.of(new double[8], half(TARGET))) {
            GradientChecks.Comparison c = GradientChecks.check(p, drag, a, 1e-4, 4);
            assertTrue(c.maxRelativeError() <= 1e-5, "drag: " + c.maxRelativeError());
        }
    }

    @Test
    void eachClipModeAgainstFiniteDifferences() {
        double[] at = half(TARGET);
        FlowProblem sp = FlowProblem.standard(new Clip.Softplus(50));
        Objective.Inverse inv = sp.inverse(TARGET);
        // hard: exact where the objective is differentiable (no face within the step of the kink here)
        double hard = GradientChecks.check(sp.withClip(new Clip.Hard()), inv, at, 1e-4, 4).maxRelativeError();
        assertTrue(hard <= 1e-5, "hard: " + hard);
        // surrogate: the sigmoid slope is not the derivative of the hard forward pass: a bias FD does not remove
        FlowProblem sur = sp.withClip(new Clip.Surrogate(50));
        double s1 = GradientChecks.check(sur, inv, at, 1e-3, 2).maxRelativeError();
        double s2 = GradientChecks.check(sur, inv, at, 1e-5, 2).maxRelativeError();
        assertTrue(s1 > 1e-4 && s2 > 1e-4, "surrogate: " + s1 + ", " + s2);
        // projection: an error floor that does not fall with the step (1e-2 ... 1e-6 within 30% of each other)
        FlowProblem proj = sp.withClip(new Clip.Projection());
        List<GradientChecks.StepRow> rows = GradientChecks.stepSweep(proj, inv, at,
                new double[] {1e-2, 1e-3, 1e-4, 1e-5, 1e-6}, 2);
        double first = rows.get(0).maxRelativeError();
        assertTrue(first > 1e-3, "projection: " + first);
        for (GradientChecks.StepRow r : rows) {
            assertEquals(first, r.maxRelativeError(), 0.3 * first, "projection at step " + r.step());
        }
        // while softplus's error falls with the step from 1e-2 to 1e-3 (truncation, the left arm of the V)
        List<GradientChecks.StepRow> v = GradientChecks.stepSweep(sp, inv, at, new double[] {1e-2, 1e-3}, 2);
        assertTrue(v.get(1).maxRelativeError() < v.get(0).maxRelativeError() / 50, v.toString());
    }

    /**
     * The projection's adjoint, independently: the coupled system [R(u, ν_t); ν_t − ℓ²(g − ω₀)] differentiated by
     * finite differences in every unknown, its transpose solved densely, and λᵀR_α formed. The projection's Schur
     * shortcut (slope 1, the state's ν_t) must give the same gradient, for the inverse and the drag objective.
     */
    @Test
    void projectionAdjointEqualsTheDenseCoupledAdjoint() {
        FlowProblem p = new FlowProblem(40, 0.01, 0.05, 0.5, 0.01, 1, 0.5, 0.05, 8, new Clip.Projection(), 1e-12);
        double[] a = half(TARGET);
        FlowProblem.State st = p.solve(a);
        int n = p.cells();
        int m = n + 1;
        double[] s = p.source(a);
        double l2 = p.ell() * p.ell();
        java.util.function.Function<double[], double[]> coupled = z -> {
            double[] u = java.util.Arrays.copyOf(z, n);
            double[] nt = java.util.Arrays.copyOfRange(z, n, n + m);
            double[] r = p.residual(u, nt, s);
            double[] out = java.util.Arrays.copyOf(r, n + m);
            for (int f = 0; f < m; f++) {
                double q = p.q(u, f);
                out[n + f] = nt[f] - l2 * (Math.sqrt(q * q + p.delta() * p.delta()) - p.omega0());
            }
            return out;
        };
        double[] z0 = new double[n + m];
        System.arraycopy(st.u(), 0, z0, 0, n);
        System.arraycopy(st.nuT(), 0, z0, n, m);
        double[][] jac = new double[n + m][n + m];
        for (int c = 0; c < n + m; c++) {
            double e = 1e-6;
            double[] zp = z0.clone();
            zp[c] += e;
            double[] zm = z0.clone();
            zm[c] -= e;
            double[] rp = coupled.apply(zp);
            double[] rm = coupled.apply(zm);
            for (int r = 0; r < n + m; r++) {
                jac[r][c] = (rp[r] - rm[r]) / (2 * e);
            }
        }
        Objective.Inverse inv = p.inverse(TARGET);
        Objective.Drag drag = new Objective.Drag(1e-3);
        for (Objective obj : List.<Objective>of(inv, drag)) {
            double[] rhs = new double[n + m];
            if (obj == inv) {
                for (int i = 0; i < n; i++) {
                    rhs[i] = p.h() * (st.u()[i] - inv.target()[i]);
                }
            } else { // J = Σ w_f (ν + ν_t,f) q_f²: ∂J/∂u through q, ∂J/∂ν_t = w_f q_f²
                for (int f = 0; f < m; f++) {
                    double q = p.q(st.u(), f);
                    double w = p.faceWeight(f);
                    double dq = 2 * w * (p.nu() + st.nuT()[f]) * q;
                    double h = p.h();
                    if (f > 0) {
                        rhs[f - 1] += dq * (f == n ? -2 / h : -1 / h);
                    }
                    if (f < n) {
                        rhs[f] += dq * (f == 0 ? 2 / h : 1 / h);
                    }
                    rhs[n + f] = w * q * q;
                }
            }
            double[][] t = new double[n + m][n + m];
            for (int r = 0; r < n + m; r++) {
                for (int c = 0; c < n + m; c++) {
                    t[r][c] = jac[c][r];
                }
            }
            double[] lambda = gauss(t, rhs);
            double[] expect = new double[8];
            for (int j = 0; j < 8; j++) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += lambda[i] * p.bump(j, (i + 0.5) * p.h());
                }
                expect[j] = p.h() * sum + (obj == drag ? 2 * 1e-3 * a[j] : 0);
            }
            double[] got = p.gradient(st, obj);
            for (int j = 0; j < 8; j++) {
                assertEquals(expect[j], got[j], 1e-6 * Math.abs(expect[j]) + 1e-12, obj.name() + " alpha_" + j);
            }
        }
    }

    /** Gaussian elimination with partial pivoting (the test's independent dense solve). */
    private static double[] gauss(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = java.util.Arrays.copyOf(a[i], n + 1);
            m[i][n] = b[i];
        }
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) {
                    piv = r;
                }
            }
            double[] tmp = m[c];
            m[c] = m[piv];
            m[piv] = tmp;
            for (int r = c + 1; r < n; r++) {
                double f = m[r][c] / m[c][c];
                for (int k = c; k <= n; k++) {
                    m[r][k] -= f * m[c][k];
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double sum = m[r][n];
            for (int k = r + 1; k < n; k++) {
                sum -= m[r][k] * x[k];
            }
            x[r] = sum / m[r][r];
        }
        return x;
    }

    @Test
    void taylorRemainderFallsQuadraticallyForSoftplus() {
        FlowProblem p = FlowProblem.standard(new Clip.Softplus(50));
        Objective.Inverse inv = p.inverse(TARGET);
        List<GradientChecks.TaylorRow> rows = GradientChecks.taylor(p, inv, half(TARGET), Study.direction(8),
                new double[] {1e-2, 1e-3});
        double ratio = rows.get(0).remainder() / rows.get(1).remainder();
        assertTrue(ratio > 80 && ratio < 125, "remainder ratio for a tenth of the step: " + ratio);
    }

    @Test
    void inverseDesignRecoversAnyTargetInTheUnitBox() {
        SplittableRandom r = new SplittableRandom(2026);
        List<double[]> targets = new ArrayList<>(List.of(TARGET, fill(1), fill(-1), alternating()));
        for (int k = 0; k < 4; k++) {
            double[] t = new double[8];
            for (int j = 0; j < 8; j++) {
                t[j] = r.nextDouble(-1, 1);
            }
            targets.add(t);
        }
        FlowProblem p = FlowProblem.standard(new Clip.Softplus(50));
        for (double[] t : targets) {
            Lbfgs.Result res = Design.optimize(p, p.inverse(t), new double[8], LBFGS).result();
            double j0 = res.history().get(0).value();
            int to1e4 = res.history().stream().filter(s -> s.value() <= 1e-4 * j0).mapToInt(Lbfgs.Step::iteration)
                    .findFirst().orElse(Integer.MAX_VALUE);
            assertTrue(to1e4 < 50, "iterations to a 1e4 reduction: " + to1e4);
            for (int j = 0; j < 8; j++) {
                assertEquals(t[j], res.x()[j], 1e-2 * Math.max(1, Math.abs(t[j])), "alpha_" + j);
            }
        }
    }

    @Test
    void badInputIsOneClearMessage() {
        FlowProblem p = FlowProblem.standard(new Clip.Softplus(50));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.solve(new double[7]));
        assertTrue(e.getMessage().contains("alpha has 7 values; the design has 8 bumps"), e.getMessage());
        FlowProblem strict = new FlowProblem(200, 0.01, 0.05, 0.5, 0.01, 1, 0.5, 0.05, 8, new Clip.Softplus(50),
                1e-40);
        SolveException s = assertThrows(SolveException.class, () -> strict.solve(TARGET));
        assertTrue(s.getMessage().contains("after " + FlowProblem.MAX_ITERATIONS + " iterations"), s.getMessage());
        assertEquals(FlowProblem.MAX_ITERATIONS, s.iteration());
    }

    private static double[] fill(double v) {
        double[] a = new double[8];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static double[] alternating() {
        double[] a = new double[8];
        for (int j = 0; j < 8; j++) {
            a[j] = j % 2 == 0 ? 1 : -1;
        }
        return a;
    }
}
