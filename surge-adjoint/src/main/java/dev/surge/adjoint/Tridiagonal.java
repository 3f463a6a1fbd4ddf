package dev.surge.adjoint;

/**
 * A tridiagonal matrix of order n: {@code lower[i] = A[i][i−1]} (lower[0] unused), {@code diag[i] = A[i][i]},
 * {@code upper[i] = A[i][i+1]} (upper[n−1] unused). Solves by the Thomas algorithm (no pivoting: the flow Jacobians
 * here are diagonally dominant or close to it), with {@code A} or its transpose.
 */
public record Tridiagonal(double[] lower, double[] diag, double[] upper) {
    public Tridiagonal {
        if (lower.length != diag.length || upper.length != diag.length) {
            throw new IllegalArgumentException("tridiagonal bands of lengths " + lower.length + ", " + diag.length
                    + ", " + upper.length);
        }
    }

    /** A zero matrix of order n. */
    public static Tridiagonal zeros(int n) {
        return new Tridiagonal(new double[n], new double[n], new double[n]);
    }

    public int order() {
        return diag.length;
    }

    /** {@code A·x}. */
    public double[] times(double[] x) {
        int n = order();
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = diag[i] * x[i];
            if (i > 0) {
                s += lower[i] * x[i - 1];
            }
            if (i < n - 1) {
                s += upper[i] * x[i + 1];
            }
            y[i] = s;
        }
        return y;
    }

    /** The transpose: {@code Aᵀ[i][i−1] = A[i−1][i]}. */
    public Tridiagonal transpose() {
        int n = order();
        double[] lo = new double[n];
        double[] up = new double[n];
        for (int i = 1; i < n; i++) {
            lo[i] = upper[i - 1];
            up[i - 1] = lower[i];
        }
        return new Tridiagonal(lo, diag.clone(), up);
    }

    /** Solves {@code A·x = b}; throws {@link ArithmeticException} on a zero pivot. */
    public double[] solve(double[] b) {
        int n = order();
        if (b.length != n) {
            throw new IllegalArgumentException("right-hand side of length " + b.length + " for order " + n);
        }
        double[] c = new double[n];
        double[] d = new double[n];
        double piv = diag[0];
        checkPivot(piv, 0);
        c[0] = n > 1 ? upper[0] / piv : 0;
        d[0] = b[0] / piv;
        for (int i = 1; i < n; i++) {
            piv = diag[i] - lower[i] * c[i - 1];
            checkPivot(piv, i);
            c[i] = i < n - 1 ? upper[i] / piv : 0;
            d[i] = (b[i] - lower[i] * d[i - 1]) / piv;
        }
        double[] x = new double[n];
        x[n - 1] = d[n - 1];
        for (int i = n - 2; i >= 0; i--) {
            x[i] = d[i] - c[i] * x[i + 1];
        }
        return x;
    }

    private static void checkPivot(double p, int i) {
        if (p == 0 || !Double.isFinite(p)) {
            throw new ArithmeticException("tridiagonal solve: pivot " + p + " at row " + i);
        }
    }
}
