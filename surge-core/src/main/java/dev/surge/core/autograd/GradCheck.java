package dev.surge.core.autograd;

import dev.surge.core.tensor.Shapes;
import dev.surge.core.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Checks the backward rules of a function of {@link Var}s against central finite differences.
 *
 * <h2>What is compared</h2>
 *
 * <p>Let {@code y = f(x₁, …, xₙ)} be the function under test. A non-scalar output is reduced to a scalar by a
 * fixed random projection
 *
 * <pre>    L(x) = Σᵢ yᵢ(x) · Rᵢ,    Rᵢ ~ N(0, 1) drawn from the fixed seed {@link #PROJECTION_SEED},</pre>
 *
 * <p>with the sum accumulated in double (for a scalar output {@code R = 1}, so {@code L = y}). A random rather than
 * all-ones projection makes every output element count with a different weight, so a backward rule that sends
 * gradient to the wrong element, or drops a term that cancels under a plain sum, is still caught.
 *
 * <ul>
 *   <li>The <em>analytic</em> gradient {@code ∂L/∂xₖ} is obtained with one backward pass on a fresh {@link Tape},
 *       seeding the output gradient with {@code R} (the vector-Jacobian product {@code Jᵀ R}).</li>
 *   <li>The <em>numeric</em> gradient of element {@code j} of input {@code k} is the central difference
 *       <pre>    gₙ[j] = (L(x⁺) − L(x⁻)) / (x⁺ⱼ − x⁻ⱼ),    x^±ⱼ = fl(xⱼ ± h),  h = eps · max(1, |xⱼ|),</pre>
 *       where {@code fl} rounds to float32 and every other element is unchanged. The denominator is the step
 *       actually taken after rounding, so float32 representation of the perturbed input adds no error. Each
 *       evaluation of {@code L} records a fresh tape.</li>
 *   <li>Per input, the reported error is the relative error of the whole gradient in the Euclidean norm:
 *       <pre>    errₖ = ‖gₐ − gₙ‖₂ / max(‖gₙ‖₂, {@value #TINY})</pre>
 *       and the check passes when every {@code errₖ ≤ tolerance} (a NaN error fails).</li>
 * </ul>
 *
 * <h2>Choice of step</h2>
 *
 * <p>The forward pass runs in float32, whose unit round-off is {@code u ≈ 6·10⁻⁸}. A central difference has
 * truncation error {@code ≈ h²·|L'''|/6} and round-off error {@code ≈ u·|L|/h}; their sum is smallest near
 * {@code h ≈ (3u)^(1/3) ≈ 5·10⁻³} (relative to the scale of {@code x}). The default {@link #DEFAULT_EPS}
 * {@code = 10⁻³} keeps the round-off term near {@code 10⁻⁴} and the truncation term near {@code 10⁻⁷·|L'''|},
 * both well under the default tolerance {@link #DEFAULT_TOLERANCE} {@code = 10⁻²}. The step is scaled by
 * {@code max(1, |x|)} so that, for large inputs, it stays above the float32 spacing of {@code x}.
 *
 * <p>Finite differences are only meaningful where {@code f} is smooth: keep inputs away from kinks (0 for
 * {@code relu}/{@code abs}, the bounds of {@code clamp}, ties for {@code max}) by more than {@code h}. Each input
 * element costs two forward evaluations, so use small tensors.
 *
 * <p>The check is deterministic: it uses no global state, the projection comes from a fixed seed, and the caller's
 * input tensors are never modified (every evaluation works on copies). {@code f} must itself be deterministic and
 * must build its result on the tape of the variables it is given.
 */
public final class GradCheck {
    /** Relative finite-difference step: {@code h = eps · max(1, |x|)}. */
    public static final double DEFAULT_EPS = 1e-3;
    /** Largest accepted relative gradient error per input. */
    public static final double DEFAULT_TOLERANCE = 1e-2;
    /** Floor of the denominator of the relative error, so that an all-zero numeric gradient does not divide by 0. */
    public static final double TINY = 1e-12;
    /** Seed of the random projection {@code R}. */
    public static final long PROJECTION_SEED = 0x5EED_6AD_C4EC4L;

    private GradCheck() {
    }

    /**
     * Checks with {@link #DEFAULT_EPS} and {@link #DEFAULT_TOLERANCE}; see {@link #check(Function, double, double,
     * Tensor...)}.
     *
     * @param f      the function under test; it receives one gradient-requiring {@link Var} per input, in order
     * @param inputs the point at which to check; not modified
     * @return the per-input errors and both gradients
     */
    public static Result check(Function<Var[], Var> f, Tensor... inputs) {
        return check(f, DEFAULT_EPS, DEFAULT_TOLERANCE, inputs);
    }

    /**
     * Compares the backward pass of {@code f} with central differences, for every element of every input.
     *
     * @param f         the function under test; it receives one gradient-requiring {@link Var} per input, in order
     * @param eps       relative step, {@code h = eps · max(1, |x|)}; must be positive
     * @param tolerance largest accepted relative error {@code ‖gₐ − gₙ‖ / max(‖gₙ‖, tiny)} per input
     * @param inputs    the point at which to check; not modified
     * @return the per-input errors and both gradients
     * @throws IllegalArgumentException if there are no inputs, {@code eps} or {@code tolerance} is not a positive
     *                                  number, the step vanishes in float32, or {@code f} returns a variable of
     *                                  another tape or of varying shape
     */
    public static Result check(Function<Var[], Var> f, double eps, double tolerance, Tensor... inputs) {
        if (inputs.length == 0) {
            throw new IllegalArgumentException("GradCheck needs at least one input");
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("GradCheck: eps must be a positive number, got " + eps);
        }
        if (!(tolerance >= 0) || !Double.isFinite(tolerance)) {
            throw new IllegalArgumentException("GradCheck: tolerance must be a non-negative number, got " + tolerance);
        }
        Tensor[] work = new Tensor[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            work[k] = inputs[k].copy();
        }

        // Analytic: one backward pass seeded with R.
        Tape tape = new Tape();
        Var[] vars = params(tape, work);
        Var out = apply(f, tape, vars);
        int[] outShape = out.shape();
        Tensor r = projection(outShape);
        tape.backward(out, r);
        Tensor[] analytic = new Tensor[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            analytic[k] = vars[k].grad().copy();
        }

        // Numeric: central differences of L = Σ y·R.
        Tensor[] numeric = new Tensor[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            float[] xs = work[k].data();
            float[] gn = new float[xs.length];
            for (int j = 0; j < xs.length; j++) {
                float x0 = xs[j];
                double h = eps * Math.max(1.0, Math.abs((double) x0));
                float xp = (float) (x0 + h);
                float xm = (float) (x0 - h);
                double step = (double) xp - (double) xm;
                if (!(step > 0)) {
                    throw new IllegalArgumentException("GradCheck: step " + h + " vanishes in float32 at x = " + x0
                            + " (input " + k + ", element " + j + "); use a larger eps");
                }
                xs[j] = xp;
                double lp = loss(f, work, r, outShape);
                xs[j] = xm;
                double lm = loss(f, work, r, outShape);
                xs[j] = x0;
                gn[j] = (float) ((lp - lm) / step);
            }
            numeric[k] = Tensor.of(gn, work[k].shape());
        }

        double[] errors = new double[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            errors[k] = relativeError(analytic[k], numeric[k]);
        }
        return new Result(errors, analytic, numeric, tolerance, eps, outShape);
    }

    /** {@code ‖a − n‖₂ / max(‖n‖₂, TINY)}, in double; NaN if either contains NaN. */
    static double relativeError(Tensor a, Tensor n) {
        float[] ad = a.data();
        float[] nd = n.data();
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < ad.length; i++) {
            double d = (double) ad[i] - nd[i];
            diff += d * d;
            norm += (double) nd[i] * nd[i];
        }
        return Math.sqrt(diff) / Math.max(Math.sqrt(norm), TINY);
    }

    /** The projection weights for an output of the given shape: 1 for a scalar, else N(0, 1) from the fixed seed. */
    static Tensor projection(int[] shape) {
        if (Shapes.size(shape) == 1) {
            return Tensor.full(1f, shape);
        }
        return Tensor.randn(new SplittableRandom(PROJECTION_SEED), 1f, shape);
    }

    private static Var[] params(Tape tape, Tensor[] values) {
        Var[] vars = new Var[values.length];
        for (int k = 0; k < values.length; k++) {
            vars[k] = tape.param(values[k].copy());
        }
        return vars;
    }

    private static Var apply(Function<Var[], Var> f, Tape tape, Var[] vars) {
        Var out = f.apply(vars.clone());
        if (out == null) {
            throw new IllegalArgumentException("GradCheck: the function returned null");
        }
        if (out.tape() != tape) {
            throw new IllegalArgumentException("GradCheck: the function returned a variable of another tape");
        }
        return out;
    }

    private static double loss(Function<Var[], Var> f, Tensor[] work, Tensor r, int[] outShape) {
        Tape tape = new Tape();
        Var out = apply(f, tape, params(tape, work));
        if (!Arrays.equals(out.shape(), outShape)) {
            throw new IllegalArgumentException("GradCheck: output shape changed from " + Shapes.str(outShape)
                    + " to " + Shapes.str(out.shape()) + " under a perturbation of the input");
        }
        float[] y = out.value().data();
        float[] w = r.data();
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += (double) y[i] * w[i];
        }
        return s;
    }

    /** The outcome of one check: per-input relative errors and both gradients. */
    public static final class Result {
        private final double[] errors;
        private final Tensor[] analytic;
        private final Tensor[] numeric;
        private final double tolerance;
        private final double eps;
        private final int[] outShape;

        Result(double[] errors, Tensor[] analytic, Tensor[] numeric, double tolerance, double eps, int[] outShape) {
            this.errors = errors;
            this.analytic = analytic;
            this.numeric = numeric;
            this.tolerance = tolerance;
            this.eps = eps;
            this.outShape = outShape;
        }

        /** Number of inputs checked. */
        public int inputs() {
            return errors.length;
        }

        /** {@code ‖gₐ − gₙ‖₂ / max(‖gₙ‖₂, tiny)} for input {@code k}. */
        public double error(int k) {
            return errors[k];
        }

        /** The largest per-input error (NaN if any is NaN). */
        public double maxError() {
            double m = 0;
            for (double e : errors) {
                if (Double.isNaN(e)) {
                    return Double.NaN;
                }
                m = Math.max(m, e);
            }
            return m;
        }

        /** Whether every input's error is at most the tolerance. */
        public boolean passed() {
            for (double e : errors) {
                if (!(e <= tolerance)) {
                    return false;
                }
            }
            return true;
        }

        public double tolerance() {
            return tolerance;
        }

        /** The gradient of input {@code k} from the backward pass (a copy). */
        public Tensor analytic(int k) {
            return analytic[k].copy();
        }

        /** The gradient of input {@code k} from central differences (a copy). */
        public Tensor numeric(int k) {
            return numeric[k].copy();
        }

        /** A report naming, per input, its error and the element where the two gradients differ most. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            sb.append(passed() ? "GradCheck passed" : "GradCheck FAILED")
                    .append(String.format(Locale.ROOT, " (tolerance %.3g, eps %.3g, output %s)", tolerance, eps,
                            Shapes.str(outShape)));
            for (int k = 0; k < errors.length; k++) {
                float[] a = analytic[k].data();
                float[] n = numeric[k].data();
                int worst = -1;
                double wd = -1;
                for (int i = 0; i < a.length; i++) {
                    double d = Math.abs((double) a[i] - n[i]);
                    if (Double.isNaN(d) || d > wd) {
                        wd = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                        worst = i;
                    }
                }
                sb.append(String.format(Locale.ROOT, "%n  input %d %s: relative error %.3e%s", k,
                        Shapes.str(analytic[k].shape()), errors[k], errors[k] <= tolerance ? "" : "  <-- exceeds"));
                if (worst >= 0) {
                    sb.append(String.format(Locale.ROOT, "; worst element %s: analytic %.6g, numeric %.6g",
                            Arrays.toString(unravel(worst, analytic[k].shape())), a[worst], n[worst]));
                }
            }
            return sb.toString();
        }

        private static int[] unravel(int flat, int[] shape) {
            int[] idx = new int[shape.length];
            for (int i = shape.length - 1; i >= 0; i--) {
                idx[i] = flat % shape[i];
                flat /= shape[i];
            }
            return idx;
        }
    }
}
