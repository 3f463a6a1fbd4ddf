package dev.surge.adjoint;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The inverse-design demonstration behind {@code surge adjoint} and docs/ADJOINT.md, as tables (each one a CSV and a
 * plot in the command line): L-BFGS from α = 0 to a target design α*, the gradient checked against finite
 * differences at the start and at the optimum, and the four {@link Clip} modes compared at the midpoint
 * {@code α_c = ½α*} (per-variable gradient error, error against the finite-difference step, Taylor remainder,
 * J and its adjoint slope along the line {@code t·α*}, the softplus sharpness k, the optimisation histories).
 */
public final class Study {
    private Study() {
    }

    /** A table: named columns of equal length. */
    public record Table(String name, List<String> columns, List<double[]> rows) {
        public Table {
            columns = List.copyOf(columns);
            rows = List.copyOf(rows);
        }
    }

    /**
     * What the demonstration measured.
     *
     * @param optimum   the softplus L-BFGS run from α = 0
     * @param atStart   adjoint against finite differences at α = 0
     * @param atOptimum the same at the optimum
     * @param tables    flow, eddy, gradient_error, fd_steps, taylor, line, k_tradeoff, history
     * @param designSeconds wall time of the L-BFGS run alone
     */
    public record Result(Design.Outcome optimum, GradientChecks.Comparison atStart,
                         GradientChecks.Comparison atOptimum, List<Table> tables, double designSeconds) {
        public Table table(String name) {
            return tables.stream().filter(t -> t.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no table " + name));
        }
    }

    /** The four clip modes, in the order of every table's columns. */
    public static List<Clip> modes(double k) {
        return List.of(new Clip.Hard(), new Clip.Surrogate(k), new Clip.Softplus(k), new Clip.Projection());
    }

    /**
     * Runs the demonstration on {@code p} (whose clip should be softplus) toward {@code target}, with finite
     * differences of the given step and order.
     */
    public static Result inverseDesign(FlowProblem p, double[] target, Lbfgs lbfgs, double fdStep, int fdOrder) {
        double k = p.clip().k();
        if (Double.isNaN(k)) {
            k = 50;
        }
        int n = target.length;
        double[] zero = new double[n];
        Objective.Inverse obj = p.inverse(target);
        long t0 = System.nanoTime();
        Design.Outcome opt = Design.optimize(p, obj, zero, lbfgs);
        double designSeconds = (System.nanoTime() - t0) / 1e9;
        GradientChecks.Comparison start = GradientChecks.check(p, obj, zero, fdStep, fdOrder);
        GradientChecks.Comparison end = GradientChecks.check(p, obj, opt.result().x(), fdStep, fdOrder);
        List<Table> tables = new ArrayList<>();
        FlowProblem.State s0 = p.solve(zero);
        FlowProblem.State sT = p.solve(target);
        tables.add(flow(p, s0, opt.state(), sT));
        tables.add(eddy(p, s0, opt.state()));
        double[] mid = target.clone();
        for (int j = 0; j < n; j++) {
            mid[j] /= 2;
        }
        List<Clip> modes = modes(k);
        List<FlowProblem> problems = new ArrayList<>();
        for (Clip c : modes) {
            problems.add(p.withClip(c));
        }
        tables.add(gradientError(problems, obj, mid, fdStep, fdOrder));
        tables.add(fdSteps(problems, obj, mid));
        tables.add(taylor(problems, obj, mid, direction(n)));
        tables.add(line(problems, obj, target));
        tables.add(kTradeoff(p, obj, mid, target, fdStep, fdOrder, lbfgs));
        tables.add(histories(problems, target, zero, lbfgs));
        return new Result(opt, start, end, tables, designSeconds);
    }

    private static Table flow(FlowProblem p, FlowProblem.State s0, FlowProblem.State s1, FlowProblem.State target) {
        double[] x = p.x();
        double[] src = p.source(s1.alpha());
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            rows.add(new double[] {x[i], s0.u()[i], s1.u()[i], target.u()[i], src[i]});
        }
        return new Table("flow", List.of("x", "u_start", "u_optimum", "u_target", "source_optimum"), rows);
    }

    private static Table eddy(FlowProblem p, FlowProblem.State s0, FlowProblem.State s1) {
        double[] xf = p.faces();
        List<double[]> rows = new ArrayList<>();
        for (int f = 0; f < xf.length; f++) {
            rows.add(new double[] {xf[f], s0.nuT()[f], s1.nuT()[f], clipped(p, s0, f), clipped(p, s1, f)});
        }
        return new Table("eddy", List.of("x", "nu_t_start", "nu_t_optimum", "clipped_start", "clipped_optimum"),
                rows);
    }

    /** 1 where the clip's argument {@code g − ω₀} is negative at face f (ν_t switched off), else 0. */
    static double clipped(FlowProblem p, FlowProblem.State s, int f) {
        double q = p.q(s.u(), f);
        return Math.sqrt(q * q + p.delta() * p.delta()) - p.omega0() < 0 ? 1 : 0;
    }

    /** A fixed direction in design space with components in [−1, 1] (seeded, so every run uses the same). */
    static double[] direction(int n) {
        SplittableRandom r = new SplittableRandom(1);
        double[] d = new double[n];
        for (int j = 0; j < n; j++) {
            d[j] = r.nextDouble(-1, 1);
        }
        return d;
    }

    private static List<String> modeColumns(String first) {
        return List.of(first, "hard", "surrogate", "softplus", "projection");
    }

    private static Table gradientError(List<FlowProblem> problems, Objective obj, double[] at, double step,
                                       int order) {
        double[][] rel = new double[problems.size()][];
        for (int m = 0; m < problems.size(); m++) {
            rel[m] = GradientChecks.check(problems.get(m), obj, at, step, order).relativeError();
        }
        List<double[]> rows = new ArrayList<>();
        for (int j = 0; j < at.length; j++) {
            double[] r = new double[problems.size() + 1];
            r[0] = j + 1;
            for (int m = 0; m < problems.size(); m++) {
                r[m + 1] = rel[m][j];
            }
            rows.add(r);
        }
        return new Table("gradient_error", modeColumns("variable"), rows);
    }

    /** Steps 1e-1 ... 1e-10 (second-order stencil, the classical V). */
    static final double[] STEPS = {1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10};

    private static Table fdSteps(List<FlowProblem> problems, Objective obj, double[] at) {
        double[][] err = new double[problems.size()][];
        for (int m = 0; m < problems.size(); m++) {
            err[m] = GradientChecks.stepSweep(problems.get(m), obj, at, STEPS, 2).stream()
                    .mapToDouble(GradientChecks.StepRow::maxRelativeError).toArray();
        }
        return byMode("fd_steps", "step", STEPS, err);
    }

    static final double[] EPSILONS = {1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5};

    private static Table taylor(List<FlowProblem> problems, Objective obj, double[] at, double[] direction) {
        double[][] rem = new double[problems.size()][];
        for (int m = 0; m < problems.size(); m++) {
            rem[m] = GradientChecks.taylor(problems.get(m), obj, at, direction, EPSILONS).stream()
                    .mapToDouble(GradientChecks.TaylorRow::remainder).toArray();
        }
        return byMode("taylor", "epsilon", EPSILONS, rem);
    }

    private static Table line(List<FlowProblem> problems, Objective obj, double[] direction) {
        int points = 241;
        double[] ts = new double[points];
        for (int i = 0; i < points; i++) {
            ts[i] = -0.1 + 1.2 * i / (points - 1);
        }
        List<List<GradientChecks.LinePoint>> lines = new ArrayList<>();
        for (FlowProblem p : problems) {
            lines.add(GradientChecks.line(p, obj, new double[direction.length], direction, ts));
        }
        List<String> cols = new ArrayList<>(List.of("t"));
        for (FlowProblem p : problems) {
            cols.add("J_" + p.clip().name());
            cols.add("dJdt_" + p.clip().name());
        }
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            double[] r = new double[1 + 2 * problems.size()];
            r[0] = ts[i];
            for (int m = 0; m < problems.size(); m++) {
                r[1 + 2 * m] = lines.get(m).get(i).value();
                r[2 + 2 * m] = lines.get(m).get(i).slope();
            }
            rows.add(r);
        }
        return new Table("line", cols, rows);
    }

    static final double[] KS = {2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000};

    /**
     * For each softplus sharpness k at {@code at}: the objective's bias against the hard clip
     * ({@code |J_k − J_hard| / J_hard}), the gradient's bias against the hard clip's adjoint gradient (the max over
     * variables of the difference over the largest hard component), the softplus adjoint's own error against
     * finite differences, Newton's iterations from the linear profile, and the model's bias where it matters: the
     * largest {@code |α_j − α*_j|} after fitting the softplus model to the hard clip's solution at α* from α = 0.
     */
    private static Table kTradeoff(FlowProblem p, Objective obj, double[] at, double[] target, double step,
                                   int order, Lbfgs lbfgs) {
        FlowProblem hard = p.withClip(new Clip.Hard());
        FlowProblem.State sh = hard.solve(at);
        double jh = hard.objective(sh, obj);
        double[] gh = hard.gradient(sh, obj);
        double gmax = Lbfgs.normInf(gh);
        Objective.Inverse hardData = hard.inverse(target);
        List<double[]> rows = new ArrayList<>();
        for (double k : KS) {
            FlowProblem q = p.withClip(new Clip.Softplus(k));
            FlowProblem.State s = q.solve(at);
            double[] g = q.gradient(s, obj);
            double gb = 0;
            for (int j = 0; j < g.length; j++) {
                gb = Math.max(gb, Math.abs(g[j] - gh[j]) / gmax);
            }
            double err = GradientChecks.check(q, obj, at, step, order).maxRelativeError();
            double[] fit = Design.optimize(q, hardData, new double[target.length], lbfgs).result().x();
            double aerr = 0;
            for (int j = 0; j < fit.length; j++) {
                aerr = Math.max(aerr, Math.abs(fit[j] - target[j]));
            }
            rows.add(new double[] {k, Math.abs(q.objective(s, obj) - jh) / jh, gb, err, s.iterations(), aerr});
        }
        return new Table("k_tradeoff", List.of("k", "objective_bias", "gradient_bias", "fd_error",
                "newton_iterations", "alpha_error_on_hard_data"), rows);
    }

    /** Each mode fitted from {@code start} to its own solution at the target (so each can reach J = 0). */
    private static Table histories(List<FlowProblem> problems, double[] target, double[] start, Lbfgs lbfgs) {
        List<List<Lbfgs.Step>> hs = new ArrayList<>();
        int len = 0;
        for (FlowProblem p : problems) {
            List<Lbfgs.Step> h = Design.optimize(p, p.inverse(target), start, lbfgs).result().history();
            hs.add(h);
            len = Math.max(len, h.size());
        }
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < len; i++) {
            double[] r = new double[1 + problems.size()];
            r[0] = i;
            for (int m = 0; m < problems.size(); m++) {
                r[m + 1] = i < hs.get(m).size() ? hs.get(m).get(i).value() : Double.NaN;
            }
            rows.add(r);
        }
        return new Table("history", modeColumns("iteration"), rows);
    }

    private static Table byMode(String name, String first, double[] xs, double[][] perMode) {
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < xs.length; i++) {
            double[] r = new double[1 + perMode.length];
            r[0] = xs[i];
            for (int m = 0; m < perMode.length; m++) {
                r[m + 1] = perMode[m][i];
            }
            rows.add(r);
        }
        return new Table(name, modeColumns(first), rows);
    }
}
