package dev.surge.adjoint;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks of the adjoint gradient against the objective itself: central finite differences per design variable, the
 * error against the finite-difference step, the Taylor remainder along a direction, and J with its adjoint slope
 * along a line through design space. Every perturbed solve starts from the unperturbed state (a warm start), and
 * falls back to the linear profile when that does not converge.
 */
public final class GradientChecks {
    private GradientChecks() {
    }

    /**
     * Adjoint against finite differences: per variable {@code |a − f| / max(|a|, |f|)} (0 when both are 0).
     */
    public record Comparison(double[] adjoint, double[] finiteDifference, double[] relativeError,
                             double maxRelativeError) {
    }

    /** One finite-difference step of a sweep. */
    public record StepRow(double step, double maxRelativeError, double[] relativeError) {
    }

    /** {@code |J(α + εd) − J(α) − ε ∇J·d|}. */
    public record TaylorRow(double epsilon, double remainder) {
    }

    /** J and its adjoint slope {@code ∇J·d} at {@code α + t·d}. */
    public record LinePoint(double t, double value, double slope) {
    }

    /** The second-order central difference {@code (J(α + εe_j) − J(α − εe_j)) / 2ε} for every j. */
    public static double[] centralDifference(FlowProblem p, Objective obj, FlowProblem.State at, double eps) {
        return centralDifference(p, obj, at, eps, 2);
    }

    /**
     * The central difference of order 2 ({@code (J₊₁ − J₋₁) / 2ε}) or 4 ({@code (−J₊₂ + 8J₊₁ − 8J₋₁ + J₋₂) / 12ε},
     * {@code J_{±m} = J(α ± mεe_j)}) for every j. The fourth-order stencil lets a larger step keep the truncation
     * error small where the gradient itself is small (near an optimum), so rounding matters less.
     */
    public static double[] centralDifference(FlowProblem p, Objective obj, FlowProblem.State at, double eps,
                                             int order) {
        if (order != 2 && order != 4) {
            throw new IllegalArgumentException("finite-difference order must be 2 or 4, not " + order);
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("finite-difference step must be a positive number, not " + eps);
        }
        double[] alpha = at.alpha();
        double[] g = new double[alpha.length];
        for (int j = 0; j < alpha.length; j++) {
            double p1 = shifted(p, obj, at, j, eps);
            double m1 = shifted(p, obj, at, j, -eps);
            if (order == 2) {
                g[j] = (p1 - m1) / (2 * eps);
            } else {
                double p2 = shifted(p, obj, at, j, 2 * eps);
                double m2 = shifted(p, obj, at, j, -2 * eps);
                g[j] = (-p2 + 8 * p1 - 8 * m1 + m2) / (12 * eps);
            }
        }
        return g;
    }

    private static double shifted(FlowProblem p, Objective obj, FlowProblem.State at, int j, double by) {
        double[] a = at.alpha().clone();
        a[j] += by;
        return p.objective(solveNear(p, a, at.u()), obj);
    }

    public static Comparison compare(double[] adjoint, double[] fd) {
        double[] rel = new double[adjoint.length];
        double max = 0;
        for (int j = 0; j < rel.length; j++) {
            double den = Math.max(Math.abs(adjoint[j]), Math.abs(fd[j]));
            rel[j] = den == 0 ? 0 : Math.abs(adjoint[j] - fd[j]) / den;
            max = Math.max(max, rel[j]);
        }
        return new Comparison(adjoint.clone(), fd.clone(), rel, max);
    }

    /** Solves at {@code alpha}, then compares the adjoint gradient with central differences of step {@code eps}. */
    public static Comparison check(FlowProblem p, Objective obj, double[] alpha, double eps) {
        return check(p, obj, alpha, eps, 2);
    }

    /** As {@link #check(FlowProblem, Objective, double[], double)} with a stencil of order 2 or 4. */
    public static Comparison check(FlowProblem p, Objective obj, double[] alpha, double eps, int order) {
        FlowProblem.State st = p.solve(alpha);
        return compare(p.gradient(st, obj), centralDifference(p, obj, st, eps, order));
    }

    /** The comparison for each finite-difference step, with a stencil of order 2 or 4. */
    public static List<StepRow> stepSweep(FlowProblem p, Objective obj, double[] alpha, double[] steps, int order) {
        FlowProblem.State st = p.solve(alpha);
        double[] adj = p.gradient(st, obj);
        List<StepRow> rows = new ArrayList<>();
        for (double eps : steps) {
            Comparison c = compare(adj, centralDifference(p, obj, st, eps, order));
            rows.add(new StepRow(eps, c.maxRelativeError(), c.relativeError()));
        }
        return rows;
    }

    /**
     * The Taylor remainder along {@code direction}: O(ε²) when the gradient is the objective's derivative, O(ε)
     * when it is not.
     */
    public static List<TaylorRow> taylor(FlowProblem p, Objective obj, double[] alpha, double[] direction,
                                         double[] epsilons) {
        FlowProblem.State st = p.solve(alpha);
        double j0 = p.objective(st, obj);
        double slope = Lbfgs.dot(p.gradient(st, obj), direction);
        List<TaylorRow> rows = new ArrayList<>();
        for (double e : epsilons) {
            double[] a = alpha.clone();
            for (int j = 0; j < a.length; j++) {
                a[j] += e * direction[j];
            }
            double je = p.objective(solveNear(p, a, st.u()), obj);
            rows.add(new TaylorRow(e, Math.abs(je - j0 - e * slope)));
        }
        return rows;
    }

    /** J and {@code ∇J·d} at {@code α + t·d} for each t (each solve warm-started from the previous point). */
    public static List<LinePoint> line(FlowProblem p, Objective obj, double[] alpha, double[] direction,
                                       double[] ts) {
        List<LinePoint> pts = new ArrayList<>();
        double[] warm = null;
        for (double t : ts) {
            double[] a = alpha.clone();
            for (int j = 0; j < a.length; j++) {
                a[j] += t * direction[j];
            }
            FlowProblem.State st = warm == null ? p.solve(a) : solveNear(p, a, warm);
            warm = st.u();
            pts.add(new LinePoint(t, p.objective(st, obj), Lbfgs.dot(p.gradient(st, obj), direction)));
        }
        return pts;
    }

    /** Solves from {@code warm}, or from the linear profile when that fails. */
    static FlowProblem.State solveNear(FlowProblem p, double[] alpha, double[] warm) {
        try {
            return p.solve(alpha, warm);
        } catch (SolveException e) {
            return p.solve(alpha);
        }
    }
}
