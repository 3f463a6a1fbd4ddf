package dev.surge.core.tensor;

/**
 * Single-precision GEMM on row-major {@code float[]} operands:
 * {@code C = alpha · op(A) · op(B) + beta · C}, with {@code op(X)} = X or Xᵀ.
 *
 * <p>The active backend is chosen once per JVM by the system property {@code surge.blas}:
 * {@code openblas} (native OpenBLAS through JavaCPP), {@code java} (the pure-Java kernel) or {@code auto}
 * (the default: OpenBLAS if its native library loads and passes a start-up self-test, else Java).
 */
public abstract class Blas {
    private static volatile Blas active;

    /** The backend in use. */
    public static Blas get() {
        Blas b = active;
        if (b == null) {
            synchronized (Blas.class) {
                b = active;
                if (b == null) {
                    b = select(System.getProperty("surge.blas", "auto"));
                    active = b;
                }
            }
        }
        return b;
    }

    /** The pure-Java backend, always available. */
    public static Blas java() {
        return JavaBlas.INSTANCE;
    }

    /** The OpenBLAS backend, or {@code null} with the reason in {@link #openBlasFailure()} if it cannot load. */
    public static Blas openBlas() {
        return OpenBlasHolder.INSTANCE;
    }

    /** Why OpenBLAS could not be used, or {@code null} if it loaded. */
    public static String openBlasFailure() {
        return OpenBlasHolder.FAILURE;
    }

    static Blas select(String choice) {
        switch (choice) {
            case "java":
                return JavaBlas.INSTANCE;
            case "openblas": {
                Blas b = openBlas();
                if (b == null) {
                    throw new IllegalStateException("surge.blas=openblas but OpenBLAS is unavailable: " + openBlasFailure());
                }
                return b;
            }
            case "auto": {
                Blas b = openBlas();
                return b != null ? b : JavaBlas.INSTANCE;
            }
            default:
                throw new IllegalArgumentException("surge.blas must be auto, openblas or java, not '" + choice + "'");
        }
    }

    /** A short name: {@code openblas} or {@code java}. */
    public abstract String name();

    /**
     * {@code C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C}; leading dimensions are row strides of the
     * stored (untransposed) arrays.
     */
    public abstract void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float beta, float[] c, int cOff, int ldc);

    /**
     * A {@code B} operand prepared once for many products, such as a recurrent weight used at every time step: the
     * native backend copies it off-heap once instead of on every call. The array must not change while it is pinned.
     */
    public static class Pinned implements AutoCloseable {
        final float[] array;
        final int off;
        final int len;

        Pinned(float[] array, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, array.length);
            this.array = array;
            this.off = off;
            this.len = len;
        }

        @Override
        public void close() {
        }
    }

    /** Pins {@code b[off, off + len)} for {@link #sgemm(boolean, boolean, int, int, int, float, float[], int, int,
     * Pinned, int, float, float[], int, int)}. */
    public Pinned pin(float[] b, int off, int len) {
        return new Pinned(b, off, len);
    }

    /** {@link #sgemm} with a pinned {@code B}. */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                      Pinned b, int ldb, float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b.array, b.off, ldb, beta, c, cOff, ldc);
    }

    private static final class OpenBlasHolder {
        static final Blas INSTANCE;
        static final String FAILURE;

        static {
            Blas b = null;
            String failure = null;
            try {
                b = OpenBlas.load();
                String check = selfTest(b);
                if (check != null) {
                    failure = check;
                    b = null;
                }
            } catch (Throwable t) {
                failure = t.toString();
            }
            INSTANCE = b;
            FAILURE = failure;
        }
    }

    /** Checks one small product against the Java kernel; returns a reason on mismatch. */
    static String selfTest(Blas b) {
        int m = 7, n = 5, k = 9;
        float[] a = new float[m * k];
        float[] bb = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) - 3;
        }
        for (int i = 0; i < bb.length; i++) {
            bb[i] = (i % 5) - 2;
        }
        float[] c1 = new float[m * n];
        float[] c2 = new float[m * n];
        b.sgemm(false, false, m, n, k, 1f, a, 0, k, bb, 0, n, 0f, c1, 0, n);
        JavaBlas.INSTANCE.sgemm(false, false, m, n, k, 1f, a, 0, k, bb, 0, n, 0f, c2, 0, n);
        for (int i = 0; i < c1.length; i++) {
            if (c1[i] != c2[i]) {
                return "OpenBLAS self-test gave a wrong product (element " + i + ": " + c1[i] + " vs " + c2[i] + ")";
            }
        }
        return null;
    }
}
