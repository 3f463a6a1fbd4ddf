package dev.surge.adjoint;

import java.util.ArrayList;
import java.util.List;

/**
 * Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4/7.5) with a strong-Wolfe line search (Algorithms 3.5/3.6,
 * cubic interpolation in the zoom). A trial point where the objective cannot be evaluated (a {@link SolveException})
 * counts as +∞, so the search shrinks the step.
 *
 * @param memory            pairs (s, y) kept
 * @param maxIterations     iterations (line searches) at most
 * @param gradientTolerance stop when {@code ‖∇f‖∞} is at most this
 * @param valueTolerance    stop when a step lowers f by less than this times {@code max(|f|, tiny)}
 * @param reduction         stop when f is at most this times its value at the start (0: never)
 */
public record Lbfgs(int memory, int maxIterations, double gradientTolerance, double valueTolerance,
                    double reduction) {
    private static final double C1 = 1e-4;
    private static final double C2 = 0.9;

    public Lbfgs {
        if (memory < 1 || maxIterations < 0) {
            throw new IllegalArgumentException("memory must be >= 1 and iterations >= 0, not " + memory + ", "
                    + maxIterations);
        }
    }

    /** An objective with its gradient. */
    @FunctionalInterface
    public interface Function {
        /** Returns f(x) and writes ∇f(x) into {@code gradient}. */
        double evaluate(double[] x, double[] gradient);
    }

    /** The iterate after {@code iteration} line searches (0: the start). */
    public record Step(int iteration, double value, double gradientNorm, double[] x, int evaluations) {
    }

    /** The result: the last iterate, why the run stopped and the history. */
    public record Result(double[] x, double value, int iterations, int evaluations, String stop, List<Step> history) {
    }

    public Result minimize(Function f, double[] start) {
        int n = start.length;
        double[] x = start.clone();
        double[] g = new double[n];
        int[] evals = {1};
        double fx = f.evaluate(x, g); // a failing first solve propagates with its own message
        if (!Double.isFinite(fx)) {
            throw new IllegalArgumentException("the objective is not finite at the start");
        }
        List<Step> history = new ArrayList<>();
        history.add(new Step(0, fx, normInf(g), x.clone(), evals[0]));
        double[][] s = new double[memory][];
        double[][] y = new double[memory][];
        double[] rho = new double[memory];
        int stored = 0;
        int head = 0;
        String stop = "iterations";
        int it = 0;
        while (true) {
            if (normInf(g) <= gradientTolerance) {
                stop = "gradient";
                break;
            }
            if (it >= maxIterations) {
                break;
            }
            // two-loop recursion: d = −H·g
            double[] d = g.clone();
            double[] a = new double[memory];
            for (int k = 0; k < stored; k++) {
                int idx = Math.floorMod(head - 1 - k, memory);
                a[idx] = rho[idx] * dot(s[idx], d);
                axpy(-a[idx], y[idx], d);
            }
            double gamma = 1;
            if (stored > 0) {
                int last = Math.floorMod(head - 1, memory);
                gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
            }
            for (int i = 0; i < n; i++) {
                d[i] *= gamma;
            }
            for (int k = stored - 1; k >= 0; k--) {
                int idx = Math.floorMod(head - 1 - k, memory);
                double b = rho[idx] * dot(y[idx], d);
                axpy(a[idx] - b, s[idx], d);
            }
            for (int i = 0; i < n; i++) {
                d[i] = -d[i];
            }
            double slope = dot(g, d);
            if (!(slope < 0)) { // not a descent direction: restart from steepest descent
                stored = 0;
                for (int i = 0; i < n; i++) {
                    d[i] = -g[i];
                }
                slope = dot(g, d);
            }
            double step0 = stored == 0 && it == 0 ? Math.min(1, 1 / norm2(g)) : 1;
            double[] xNew = new double[n];
            double[] gNew = new double[n];
            double[] found = lineSearch(f, x, fx, g, d, slope, step0, xNew, gNew, evals);
            if (found == null) {
                stop = "line search";
                break;
            }
            double fNew = found[1];
            it++;
            double[] sk = new double[n];
            double[] yk = new double[n];
            for (int i = 0; i < n; i++) {
                sk[i] = xNew[i] - x[i];
                yk[i] = gNew[i] - g[i];
            }
            double sy = dot(sk, yk);
            if (sy > 1e-300) {
                s[head] = sk;
                y[head] = yk;
                rho[head] = 1 / sy;
                head = (head + 1) % memory;
                stored = Math.min(stored + 1, memory);
            }
            double decrease = fx - fNew;
            x = xNew;
            g = gNew;
            fx = fNew;
            history.add(new Step(it, fx, normInf(g), x.clone(), evals[0]));
            if (fx <= reduction * history.get(0).value()) {
                stop = "reduction";
                break;
            }
            if (decrease <= valueTolerance * Math.max(Math.abs(fx), 1e-300)) {
                stop = "value";
                break;
            }
        }
        return new Result(x, fx, it, evals[0], stop, List.copyOf(history));
    }

    /**
     * Finds a step satisfying the strong Wolfe conditions along d; writes the point and its gradient; returns the
     * {step, value}, or null when no step lowers f.
     */
    private static double[] lineSearch(Function f, double[] x, double fx, double[] g, double[] d, double slope, double step0,
                              double[] xOut, double[] gOut, int[] evals) {
        double aPrev = 0;
        double fPrev = fx;
        double dPrev = slope;
        double a = step0;
        double[] gt = new double[x.length];
        for (int k = 0; k < 40; k++) {
            double[] xt = move(x, d, a);
            double ft = eval(f, xt, gt, evals);
            double dt = Double.isFinite(ft) ? dot(gt, d) : Double.NaN;
            if (!Double.isFinite(ft) || ft > fx + C1 * a * slope || (k > 0 && ft >= fPrev)) {
                return zoom(f, x, fx, slope, d, aPrev, fPrev, dPrev, a, ft, dt, xOut, gOut, evals);
            }
            if (Math.abs(dt) <= -C2 * slope) {
                return accept(xt, gt, ft, a, xOut, gOut);
            }
            if (dt >= 0) {
                return zoom(f, x, fx, slope, d, a, ft, dt, aPrev, fPrev, dPrev, xOut, gOut, evals);
            }
            aPrev = a;
            fPrev = ft;
            dPrev = dt;
            a *= 2;
        }
        return null;
    }

    private static double[] zoom(Function f, double[] x, double fx, double slope, double[] d, double lo, double fLo,
                        double dLo, double hi, double fHi, double dHi, double[] xOut, double[] gOut, int[] evals) {
        double[] gt = new double[x.length];
        double bestA = 0;
        double bestF = fx;
        double[] bestX = null;
        double[] bestG = null;
        for (int k = 0; k < 60; k++) {
            double a = interpolate(lo, fLo, dLo, hi, fHi, dHi);
            double[] xt = move(x, d, a);
            double ft = eval(f, xt, gt, evals);
            if (Double.isFinite(ft) && ft < bestF) {
                bestA = a;
                bestF = ft;
                bestX = xt;
                bestG = gt.clone();
            }
            if (!Double.isFinite(ft) || ft > fx + C1 * a * slope || ft >= fLo) {
                hi = a;
                fHi = ft;
                dHi = Double.isFinite(ft) ? dot(gt, d) : Double.NaN;
            } else {
                double dt = dot(gt, d);
                if (Math.abs(dt) <= -C2 * slope) {
                    return accept(xt, gt, ft, a, xOut, gOut);
                }
                if (dt * (hi - lo) >= 0) {
                    hi = lo;
                    fHi = fLo;
                    dHi = dLo;
                }
                lo = a;
                fLo = ft;
                dLo = dt;
            }
            if (Math.abs(hi - lo) <= 1e-16 * Math.max(1, Math.abs(lo))) {
                break;
            }
        }
        // no Wolfe point: take the best point seen when it lowers f (sufficient decrease is then not guaranteed)
        return bestX == null ? null : accept(bestX, bestG, bestF, bestA, xOut, gOut);
    }

    private static double[] accept(double[] xt, double[] gt, double ft, double a, double[] xOut, double[] gOut) {
        System.arraycopy(xt, 0, xOut, 0, xt.length);
        System.arraycopy(gt, 0, gOut, 0, gt.length);
        return new double[] {a, ft};
    }

    /** The minimiser of the cubic through both ends, kept inside the middle 80% of the bracket; else bisection. */
    private static double interpolate(double lo, double fLo, double dLo, double hi, double fHi, double dHi) {
        double left = Math.min(lo, hi);
        double right = Math.max(lo, hi);
        double mid = (lo + hi) / 2;
        if (!Double.isFinite(fHi) || !Double.isFinite(dHi)) {
            return lo + 0.25 * (hi - lo);
        }
        double d1 = dLo + dHi - 3 * (fLo - fHi) / (lo - hi);
        double disc = d1 * d1 - dLo * dHi;
        if (disc < 0) {
            return mid;
        }
        double d2 = Math.copySign(Math.sqrt(disc), hi - lo);
        double a = hi - (hi - lo) * (dHi + d2 - d1) / (dHi - dLo + 2 * d2);
        double margin = 0.1 * (right - left);
        if (!Double.isFinite(a) || a < left + margin || a > right - margin) {
            return mid;
        }
        return a;
    }

    private static double eval(Function f, double[] x, double[] g, int[] evals) {
        evals[0]++;
        try {
            double v = f.evaluate(x, g);
            for (double gi : g) {
                if (!Double.isFinite(gi)) {
                    return Double.POSITIVE_INFINITY;
                }
            }
            return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
        } catch (SolveException e) {
            return Double.POSITIVE_INFINITY;
        }
    }

    private static double[] move(double[] x, double[] d, double a) {
        double[] r = x.clone();
        axpy(a, d, r);
        return r;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += a * x[i];
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm2(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static double normInf(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
