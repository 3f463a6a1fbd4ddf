package dev.surge.core.tensor;

import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * OpenBLAS {@code cblas_sgemm} through JavaCPP, on {@code float[]} operands. Operands that start at a non-zero
 * offset are copied to a scratch array first (JavaCPP's array overload has no offset). OpenBLAS is pinned to one
 * thread: Surge parallelises over batch and layers itself.
 */
final class OpenBlas extends Blas {
    private OpenBlas() {
    }

    static Blas load() {
        org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(1);
        return new OpenBlas();
    }

    @Override
    public String name() {
        return "openblas";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        float[] aa = aOff == 0 ? a : slice(a, aOff, (transA ? k : m), lda);
        float[] bb = bOff == 0 ? b : slice(b, bOff, (transB ? n : k), ldb);
        float[] cc = cOff == 0 ? c : slice(c, cOff, m, ldc);
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                m, n, k, alpha, aa, lda, bb, ldb, beta, cc, ldc);
        if (cc != c) {
            System.arraycopy(cc, 0, c, cOff, (m - 1) * ldc + n);
        }
    }

    private static float[] slice(float[] x, int off, int rows, int ld) {
        int len = (rows - 1) * ld + ld;
        float[] s = new float[len];
        System.arraycopy(x, off, s, 0, Math.min(len, x.length - off));
        return s;
    }
}
