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
            assertTrue(s.residual() <= 1e-12, c.name() + ": " + s.residual());
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
            assertTrue(res.iterations() < 50, "iterations " + res.iterations());
            assertTrue(res.value() <= 1e-4 * res.history().get(0).value(), "J " + res.value());
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
