package dev.surge.adjoint;

import java.util.Arrays;
import java.util.Locale;

/**
 * A one-dimensional "mini-RANS": steady viscous Burgers on {@code x ∈ [0, 1]} with a shear-activated, clipped eddy
 * viscosity,
 * <pre>
 *   d/dx(u²/2) − d/dx((ν + ν_t) du/dx) = s(x; α),   u(0) = uLeft,  u(1) = uRight,
 *   ν_t = ℓ²·C(g − ω₀),  g = sqrt(u_x² + δ²),
 *   s(x; α) = Σ_j α_j exp(−((x − c_j)/w)²),  c_j = (j + ½)/bumps,
 * </pre>
 * with {@code C} the {@link Clip}. Finite volumes on {@code cells} cells of width {@code h = 1/cells}: central
 * convective flux {@code (u_L² + u_R²)/4}, {@code u_x} and {@code ν_t} at the faces (a half cell to a boundary), the
 * source at cell centres, residual {@code R_i = G_{i+½} − G_{i−½} − h·s(x_i)} with face flux
 * {@code G = u²/2 − (ν + ν_t)·u_x}. The Jacobian {@code R_u} is tridiagonal; {@link #solve} runs Newton with
 * pseudo-transient continuation to {@code ‖R‖∞ ≤ tolerance}; {@link #gradient} solves the discrete adjoint
 * {@code R_uᵀ λ = J_u} and returns {@code ∇J = J_α − λᵀ R_α}.
 *
 * @param cells     finite-volume cells (≥ 8)
 * @param nu        molecular viscosity ν
 * @param ell       mixing length ℓ
 * @param omega0    shear threshold ω₀ below which the clip switches ν_t off
 * @param delta     δ in {@code g = sqrt(u_x² + δ²)}
 * @param uLeft     u(0)
 * @param uRight    u(1)
 * @param width     the bumps' width w
 * @param bumps     the number of design variables (bumps evenly spaced on [0, 1])
 * @param clip      how {@code max(0, ·)} is treated
 * @param tolerance Newton's target for the residual's max norm
 */
public record FlowProblem(int cells, double nu, double ell, double omega0, double delta, double uLeft,
                          double uRight, double width, int bumps, Clip clip, double tolerance) {
    /** Newton iterations before {@link #solve} gives up. */
    public static final int MAX_ITERATIONS = 400;

    public FlowProblem {
        if (cells < 8 || cells > 1_000_000) {
            throw new IllegalArgumentException("cells must be in [8, 1000000], not " + cells);
        }
        if (bumps < 1 || bumps > cells) {
            throw new IllegalArgumentException("bumps must be in [1, cells], not " + bumps);
        }
        positive("nu", nu);
        positive("ell", ell);
        positive("delta", delta);
        positive("width", width);
        positive("tolerance", tolerance);
        finite("omega0", omega0);
        finite("uLeft", uLeft);
        finite("uRight", uRight);
        if (clip == null) {
            throw new IllegalArgumentException("clip must be given");
        }
    }

    /**
     * The constants of docs/ADJOINT.md: 200 cells, ν = 0.01, ℓ = 0.05, ω₀ = 0.5, δ = 0.01, u(0) = 1, u(1) = 0.5,
     * 8 bumps of width 0.05, tolerance 1e-12.
     */
    public static FlowProblem standard(Clip clip) {
        return new FlowProblem(200, 0.01, 0.05, 0.5, 0.01, 1.0, 0.5, 0.05, 8, clip, 1e-12);
    }

    public FlowProblem withClip(Clip c) {
        return new FlowProblem(cells, nu, ell, omega0, delta, uLeft, uRight, width, bumps, c, tolerance);
    }

    public double h() {
        return 1.0 / cells;
    }

    /** Cell centres. */
    public double[] x() {
        double[] x = new double[cells];
        for (int i = 0; i < cells; i++) {
            x[i] = (i + 0.5) * h();
        }
        return x;
    }

    /** Face positions {@code 0, h, ..., 1}. */
    public double[] faces() {
        double[] x = new double[cells + 1];
        for (int f = 0; f <= cells; f++) {
            x[f] = f * h();
        }
        return x;
    }

    /** The bump centres {@code c_j}. */
    public double[] centers() {
        double[] c = new double[bumps];
        for (int j = 0; j < bumps; j++) {
            c[j] = (j + 0.5) / bumps;
        }
        return c;
    }

    /** {@code φ_j(x) = exp(−((x − c_j)/w)²)}. */
    public double bump(int j, double x) {
        double z = (x - (j + 0.5) / bumps) / width;
        return Math.exp(-z * z);
    }

    /** The source {@code s(x_i; α)} at the cell centres. */
    public double[] source(double[] alpha) {
        checkAlpha(alpha);
        double[] s = new double[cells];
        for (int i = 0; i < cells; i++) {
            double x = (i + 0.5) * h();
            double v = 0;
            for (int j = 0; j < bumps; j++) {
                v += alpha[j] * bump(j, x);
            }
            s[i] = v;
        }
        return s;
    }

    /**
     * A converged steady state.
     *
     * @param alpha      the design
     * @param u          cell values
     * @param nuT        eddy viscosity at the faces (for {@link Clip.Projection} the second unknown)
     * @param iterations Newton iterations taken
     * @param residual   the final residual's max norm
     */
    public record State(double[] alpha, double[] u, double[] nuT, int iterations, double residual) {
    }

    /** Solves at design {@code alpha} from the linear profile between the boundary values. */
    public State solve(double[] alpha) {
        double[] u0 = new double[cells];
        for (int i = 0; i < cells; i++) {
            double x = (i + 0.5) * h();
            u0[i] = uLeft + (uRight - uLeft) * x;
        }
        return solve(alpha, u0);
    }

    /**
     * Solves at design {@code alpha} from the initial cells {@code start} (a warm start, e.g. a nearby state's
     * {@code u}): Newton on {@code (h/Δτ)·I + R_u}, with {@code Δτ} grown by the ratio of successive residuals
     * (switched evolution relaxation) until it is pure Newton, and steps capped at 0.5 in max norm.
     *
     * @throws SolveException when the residual is not finite or not below the tolerance after
     *                        {@link #MAX_ITERATIONS} iterations
     */
    public State solve(double[] alpha, double[] start) {
        checkAlpha(alpha);
        if (start.length != cells) {
            throw new IllegalArgumentException("initial state of " + start.length + " cells for " + cells);
        }
        double h = h();
        double[] s = source(alpha);
        double[] u = start.clone();
        boolean projection = clip instanceof Clip.Projection;
        double[] n = projection ? unclippedNuT(u, true) : null;
        double dtau = 1.0;
        double previous = Double.NaN;
        for (int it = 0; ; it++) {
            double[] nuT = projection ? n : nuT(u);
            double[] r = residual(u, nuT, s);
            double res = maxAbs(r);
            if (projection) { // the fixed point of the projected update: n = max(0, ℓ²(g − ω₀))
                double[] target = unclippedNuT(u, true);
                for (int f = 0; f <= cells; f++) {
                    res = Math.max(res, Math.abs(n[f] - target[f]));
                }
            }
            if (!Double.isFinite(res)) {
                throw new SolveException(String.format(Locale.ROOT,
                        "Newton diverged at iteration %d: residual max norm %s (%s clip, alpha %s)", it, res,
                        clip.name(), Arrays.toString(alpha)), it, res);
            }
            if (res <= tolerance) {
                return new State(alpha.clone(), u, projection ? n.clone() : nuT, it, res);
            }
            if (it == MAX_ITERATIONS) {
                throw new SolveException(String.format(Locale.ROOT,
                        "Newton did not converge: residual max norm %.3e after %d iterations (tolerance %.1e, "
                                + "%s clip)", res, it, tolerance, clip.name()), it, res);
            }
            if (Double.isFinite(previous)) {
                dtau = Math.min(1e14, dtau * Math.max(0.1, Math.min(10, previous / res)));
            }
            previous = res;
            // projection: the flow step with ν_t frozen (slope 0), then the ν_t step, clipped (SU2's segregated
            // update); the other clips: Newton on the whole residual
            Tridiagonal m = projection ? jacobian(u, nuT, 0) : jacobian(u, nuT);
            double[] rhs = r;
            for (int i = 0; i < cells; i++) {
                m.diag()[i] += h / dtau;
                rhs[i] = -rhs[i];
            }
            double[] du;
            try {
                du = m.solve(rhs);
            } catch (ArithmeticException e) {
                throw new SolveException(String.format(Locale.ROOT,
                        "Newton failed at iteration %d: %s (residual max norm %.3e, %s clip)", it, e.getMessage(),
                        res, clip.name()), it, res);
            }
            double big = maxAbs(du);
            double scale = big > 0.5 ? 0.5 / big : 1;
            if (projection) {
                double l2 = ell * ell;
                double[] target = unclippedNuT(u, false);
                for (int f = 0; f <= cells; f++) { // ν_t + δν_t with δν_t = −Q − Q_u·δu, Q = ν_t − ℓ²(g − ω₀)
                    double q = q(u, f);
                    double g = Math.sqrt(q * q + delta * delta);
                    double dq = 0;
                    if (f > 0) {
                        dq += dqLeft(f) * du[f - 1];
                    }
                    if (f < cells) {
                        dq += dqRight(f) * du[f];
                    }
                    n[f] = Math.max(0, target[f] + l2 * q / g * scale * dq);
                }
            }
            for (int i = 0; i < cells; i++) {
                u[i] += scale * du[i];
            }
        }
    }

    /** The solution at a target design, as an inverse-design objective. */
    public Objective.Inverse inverse(double[] targetAlpha) {
        return new Objective.Inverse(solve(targetAlpha).u());
    }

    /** The residual {@code R(u)} at design {@code alpha} (ν_t from the clip; for projection, its clipped value). */
    public double[] residual(double[] alpha, double[] u) {
        return residual(u, nuT(u), source(alpha));
    }

    /** The objective at a converged state. */
    public double objective(State st, Objective obj) {
        double h = h();
        if (obj instanceof Objective.Inverse inv) {
            double[] t = inv.view();
            checkTarget(t);
            double j = 0;
            for (int i = 0; i < cells; i++) {
                double d = st.u()[i] - t[i];
                j += d * d;
            }
            return 0.5 * h * j;
        }
        Objective.Drag drag = (Objective.Drag) obj;
        double j = 0;
        for (int f = 0; f <= cells; f++) {
            double q = q(st.u(), f);
            j += faceWeight(f) * (nu + st.nuT()[f]) * q * q;
        }
        double a = 0;
        for (double v : st.alpha()) {
            a += v * v;
        }
        return j + drag.gamma() * a;
    }

    /**
     * The discrete adjoint gradient {@code ∇J = J_α − λᵀ R_α} with {@code R_uᵀ λ = J_u}, where {@code R_u} uses the
     * clip's {@link Clip#slope} (for projection, the Schur complement of the unclipped ν_t rows; the result is the
     * same formula with slope 1 and the state's ν_t).
     */
    public double[] gradient(State st, Objective obj) {
        double h = h();
        double[] u = st.u();
        double[] ju = new double[cells];
        double[] ja = new double[bumps];
        if (obj instanceof Objective.Inverse inv) {
            double[] t = inv.view();
            checkTarget(t);
            for (int i = 0; i < cells; i++) {
                ju[i] = h * (u[i] - t[i]);
            }
        } else {
            Objective.Drag drag = (Objective.Drag) obj;
            double l2 = ell * ell;
            for (int f = 0; f <= cells; f++) {
                double q = q(u, f);
                double g = Math.sqrt(q * q + delta * delta);
                double dJdq = faceWeight(f) * (2 * (nu + st.nuT()[f]) * q
                        + l2 * clip.slope(g - omega0) * q / g * q * q);
                if (f > 0) {
                    ju[f - 1] += dJdq * dqLeft(f);
                }
                if (f < cells) {
                    ju[f] += dJdq * dqRight(f);
                }
            }
            for (int j = 0; j < bumps; j++) {
                ja[j] = 2 * drag.gamma() * st.alpha()[j];
            }
        }
        double[] lambda = jacobian(u, st.nuT()).transpose().solve(ju);
        double[] grad = ja;
        for (int j = 0; j < bumps; j++) { // R_α[i][j] = −h·φ_j(x_i)
            double s = 0;
            for (int i = 0; i < cells; i++) {
                s += lambda[i] * bump(j, (i + 0.5) * h);
            }
            grad[j] += h * s;
        }
        return grad;
    }

    /** The Jacobian {@code R_u} at cells {@code u} with face eddy viscosity {@code nuT} and the clip's slope. */
    public Tridiagonal jacobian(double[] u, double[] nuT) {
        return jacobian(u, nuT, Double.NaN);
    }

    /** The Jacobian with the clip's slope replaced by {@code slope} unless that is NaN. */
    private Tridiagonal jacobian(double[] u, double[] nuT, double slope) {
        Tridiagonal m = Tridiagonal.zeros(cells);
        double l2 = ell * ell;
        for (int f = 0; f <= cells; f++) {
            double q = q(u, f);
            double g = Math.sqrt(q * q + delta * delta);
            double sl = Double.isNaN(slope) ? clip.slope(g - omega0) : slope;
            double a = nu + nuT[f] + l2 * sl * q * q / g; // dD/dq, D = (ν + ν_t)·q
            // G = F − D contributes +G to the left cell f−1 and −G to the right cell f
            double dGdL = 0;
            double dGdR = 0;
            if (f > 0) {
                dGdL = (f < cells ? u[f - 1] / 2 : 0) - a * dqLeft(f);
            }
            if (f < cells) {
                dGdR = (f > 0 ? u[f] / 2 : 0) - a * dqRight(f);
            }
            if (f > 0) {
                int c = f - 1;
                m.diag()[c] += dGdL;
                if (f < cells) {
                    m.upper()[c] += dGdR;
                }
            }
            if (f < cells) {
                int c = f;
                m.diag()[c] -= dGdR;
                if (f > 0) {
                    m.lower()[c] -= dGdL;
                }
            }
        }
        return m;
    }

    /** Face eddy viscosity {@code ℓ²·C(g − ω₀)} with the clip's value. */
    public double[] nuT(double[] u) {
        double[] n = new double[cells + 1];
        double l2 = ell * ell;
        for (int f = 0; f <= cells; f++) {
            double q = q(u, f);
            n[f] = l2 * clip.value(Math.sqrt(q * q + delta * delta) - omega0);
        }
        return n;
    }

    /** {@code ℓ²(g − ω₀)}, clipped at 0 when {@code clipped}. */
    private double[] unclippedNuT(double[] u, boolean clipped) {
        double[] n = new double[cells + 1];
        double l2 = ell * ell;
        for (int f = 0; f <= cells; f++) {
            double q = q(u, f);
            double v = l2 * (Math.sqrt(q * q + delta * delta) - omega0);
            n[f] = clipped ? Math.max(0, v) : v;
        }
        return n;
    }

    /** The residual at cells u with face eddy viscosity nuT and source s (package-private for tests). */
    double[] residual(double[] u, double[] nuT, double[] s) {
        double h = h();
        double[] r = new double[cells];
        for (int f = 0; f <= cells; f++) {
            double fl;
            if (f == 0) {
                fl = uLeft * uLeft / 2;
            } else if (f == cells) {
                fl = uRight * uRight / 2;
            } else {
                fl = (u[f - 1] * u[f - 1] + u[f] * u[f]) / 4;
            }
            double gFlux = fl - (nu + nuT[f]) * q(u, f);
            if (f > 0) {
                r[f - 1] += gFlux;
            }
            if (f < cells) {
                r[f] -= gFlux;
            }
        }
        for (int i = 0; i < cells; i++) {
            r[i] -= h * s[i];
        }
        return r;
    }

    /** {@code u_x} at face f. */
    double q(double[] u, int f) {
        double h = h();
        if (f == 0) {
            return (u[0] - uLeft) / (h / 2);
        }
        if (f == cells) {
            return (uRight - u[cells - 1]) / (h / 2);
        }
        return (u[f] - u[f - 1]) / h;
    }

    /** {@code ∂q_f/∂u_{f−1}}. */
    private double dqLeft(int f) {
        return f == cells ? -2 / h() : -1 / h();
    }

    /** {@code ∂q_f/∂u_f}. */
    private double dqRight(int f) {
        return f == 0 ? 2 / h() : 1 / h();
    }

    /** The quadrature weight of face f in the dissipation: h inside, h/2 at the boundaries. */
    double faceWeight(int f) {
        return f == 0 || f == cells ? h() / 2 : h();
    }

    private void checkAlpha(double[] alpha) {
        if (alpha.length != bumps) {
            throw new IllegalArgumentException("alpha has " + alpha.length + " values; the design has " + bumps
                    + " bumps");
        }
        for (int j = 0; j < bumps; j++) {
            if (!Double.isFinite(alpha[j])) {
                throw new IllegalArgumentException("alpha[" + j + "] is " + alpha[j]);
            }
        }
    }

    private void checkTarget(double[] t) {
        if (t.length != cells) {
            throw new IllegalArgumentException("inverse-design target of " + t.length + " cells for " + cells);
        }
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            if (Double.isNaN(x)) {
                return Double.NaN;
            }
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a positive finite number, not " + v);
        }
    }

    private static void finite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite, not " + v);
        }
    }
}
