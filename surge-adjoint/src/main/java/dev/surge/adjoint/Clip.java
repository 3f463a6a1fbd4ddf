package dev.surge.adjoint;

/**
 * How the flow model treats the clip {@code C(x) = max(0, x)} of the eddy viscosity {@code ν_t = ℓ²·C(g − ω₀)}: the
 * value used in the primal residual and the slope used in its Jacobian (and so in Newton and the adjoint).
 *
 * <ul>
 *   <li>{@link Hard}: {@code max(0, x)} and its exact piecewise slope (0 or 1; 0 at the kink).</li>
 *   <li>{@link Surrogate}: {@code max(0, x)} forward, the sigmoid {@code σ(kx)} as slope backward: Surge's spiking
 *       trick (a true all-or-none forward, a smooth stand-in's derivative backward). The adjoint is then not the
 *       derivative of the objective.</li>
 *   <li>{@link Softplus}: {@code sp_k(x) = log(1 + e^{kx})/k} in both, slope {@code σ(kx)}: a consistent smooth
 *       model.</li>
 *   <li>{@link Projection}: the SU2 way: {@code ν_t} is a second unknown with the unclipped residual
 *       {@code ν_t − ℓ²(g − ω₀)}, and the Newton update clips it, {@code ν_t ← max(0, ν_t + δν_t)}; the adjoint
 *       uses the residual's (unclipped) Jacobian.</li>
 * </ul>
 */
public sealed interface Clip {
    /** The clipped value used in the residual (for {@link Projection}, the value the update projects onto). */
    double value(double x);

    /** The slope the Jacobian and the adjoint use. */
    double slope(double x);

    /** A short name: hard, surrogate, softplus or projection. */
    String name();

    /** The sharpness k of the smooth stand-in, or NaN when there is none. */
    default double k() {
        return Double.NaN;
    }

    /** The exact clip. */
    record Hard() implements Clip {
        @Override
        public double value(double x) {
            return Math.max(0, x);
        }

        @Override
        public double slope(double x) {
            return x > 0 ? 1 : 0;
        }

        @Override
        public String name() {
            return "hard";
        }
    }

    /** Hard forward, the sigmoid {@code σ(kx)} (the softplus's slope) backward. */
    record Surrogate(double k) implements Clip {
        public Surrogate {
            checkK(k);
        }

        @Override
        public double value(double x) {
            return Math.max(0, x);
        }

        @Override
        public double slope(double x) {
            return sigmoid(k * x);
        }

        @Override
        public String name() {
            return "surrogate";
        }
    }

    /** {@code log(1 + e^{kx})/k} forward and backward. */
    record Softplus(double k) implements Clip {
        public Softplus {
            checkK(k);
        }

        @Override
        public double value(double x) {
            double z = k * x;
            // log(1 + e^z) without overflow: max(z, 0) + log1p(e^{-|z|})
            return (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)))) / k;
        }

        @Override
        public double slope(double x) {
            return sigmoid(k * x);
        }

        @Override
        public String name() {
            return "softplus";
        }
    }

    /** ν_t as a second unknown, clipped in the Newton update, not in the residual. */
    record Projection() implements Clip {
        @Override
        public double value(double x) {
            return Math.max(0, x);
        }

        /** The adjoint differentiates the unclipped residual {@code ν_t − ℓ²(g − ω₀)}: slope 1 everywhere. */
        @Override
        public double slope(double x) {
            return 1;
        }

        @Override
        public String name() {
            return "projection";
        }
    }

    /**
     * The clip named {@code name} (hard, surrogate, softplus, projection) with sharpness {@code k} (used by
     * surrogate and softplus).
     */
    static Clip of(String name, double k) {
        return switch (name) {
            case "hard" -> new Hard();
            case "surrogate" -> new Surrogate(k);
            case "softplus" -> new Softplus(k);
            case "projection" -> new Projection();
            default -> throw new IllegalArgumentException("unknown clip '" + name
                    + "'; known: hard, surrogate, softplus, projection");
        };
    }

    private static void checkK(double k) {
        if (!(k > 0) || Double.isInfinite(k)) {
            throw new IllegalArgumentException("k must be a positive finite number, not " + k);
        }
    }

    private static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }
}
