package dev.surge.core.tensor;

/**
 * Pure-Java GEMM: operands are packed to untransposed row-major panels, then multiplied with an i-k-j loop
 * whose inner loop the JIT vectorises. Used when OpenBLAS cannot load, or when {@code -Dsurge.blas=java}.
 */
final class JavaBlas extends Blas {
    static final JavaBlas INSTANCE = new JavaBlas();

    private JavaBlas() {
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        // B as row-major k×n, contiguous.
        float[] bp;
        int bo;
        int bld;
        if (!transB) {
            bp = b;
            bo = bOff;
            bld = ldb;
        } else {
            bp = new float[k * n];
            for (int j = 0; j < n; j++) {
                int row = bOff + j * ldb;
                for (int p = 0; p < k; p++) {
                    bp[p * n + j] = b[row + p];
                }
            }
            bo = 0;
            bld = n;
        }
        float[] acc = new float[n];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(acc, 0f);
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                if (av == 0f) {
                    continue;
                }
                int brow = bo + p * bld;
                for (int j = 0; j < n; j++) {
                    acc[j] += av * bp[brow + j];
                }
            }
            int crow = cOff + i * ldc;
            if (beta == 0f) {
                for (int j = 0; j < n; j++) {
                    c[crow + j] = alpha * acc[j];
                }
            } else {
                for (int j = 0; j < n; j++) {
                    c[crow + j] = alpha * acc[j] + beta * c[crow + j];
                }
            }
        }
    }
}
