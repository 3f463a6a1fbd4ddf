package dev.surge.core.tensor;

import java.util.Objects;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * OpenBLAS {@code cblas_sgemm} through JavaCPP. The operands are copied into off-heap buffers kept per thread and the
 * result copied back: JavaCPP's {@code float[]} overload goes through JNI's {@code Get/ReleaseFloatArrayElements},
 * which copies every array both ways on every call, and measured up to 6× slower than the pointer overload on a
 * recurrent layer's weight-gradient shape (256×256×3168: 29 ms against 4.6 ms with these copies). OpenBLAS is pinned
 * to one thread: Surge parallelises over batch and layers itself.
 */
final class OpenBlas extends Blas {
    /**
     * Operands up to this many floats use buffers kept per thread; larger ones get a buffer freed right after the call,
     * so that a few large products do not keep their size resident for the rest of the run.
     */
    private static final long KEEP = 1 << 20;

    /** One thread's off-heap operand buffers (A, B, C), grown to the largest call seen up to {@link #KEEP}. */
    private static final class Scratch {
        final FloatPointer[] kept = new FloatPointer[3];

        /**
         * A buffer of at least {@code n} floats for operand {@code slot}: the kept one, a larger one kept from now on,
         * or above {@link #KEEP} a temporary that {@link #release} frees.
         */
        FloatPointer take(int slot, long n) {
            FloatPointer k = kept[slot];
            if (k != null && k.capacity() >= n) {
                return k;
            }
            if (n > KEEP) {
                return new FloatPointer(n);
            }
            kept[slot] = null;
            if (k != null) {
                k.close();
            }
            kept[slot] = new FloatPointer(Math.max(n, 1024));
            return kept[slot];
        }

        void release(int slot, FloatPointer p) {
            if (p != null && p != kept[slot]) {
                p.close();
            }
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

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
        long aLen = span(transA ? k : m, lda, transA ? m : k);
        long bLen = span(transB ? n : k, ldb, transB ? k : n);
        long cLen = span(m, ldc, n);
        Objects.checkFromIndexSize(aOff, aLen, a.length);
        Objects.checkFromIndexSize(bOff, bLen, b.length);
        Objects.checkFromIndexSize(cOff, cLen, c.length);
        Scratch s = SCRATCH.get();
        FloatPointer pa = null;
        FloatPointer pb = null;
        FloatPointer pc = null;
        try {
            pa = s.take(0, aLen);
            pb = s.take(1, bLen);
            pc = s.take(2, cLen);
            pa.position(0).put(a, aOff, (int) aLen);
            pb.position(0).put(b, bOff, (int) bLen);
            if (beta != 0f || ldc != n) { // with a stride, the copy back also rewrites the elements between the rows
                pc.position(0).put(c, cOff, (int) cLen);
            }
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                    transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                    transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                    m, n, k, alpha, pa.position(0), lda, pb.position(0), ldb, beta, pc.position(0), ldc);
            pc.position(0).get(c, cOff, (int) cLen);
        } finally {
            s.release(0, pa);
            s.release(1, pb);
            s.release(2, pc);
        }
    }

    /** A B operand copied off-heap once. */
    private static final class NativePinned extends Pinned {
        final FloatPointer ptr;

        NativePinned(float[] array, int off, int len) {
            super(array, off, len);
            ptr = new FloatPointer(Math.max(len, 1));
            ptr.put(array, off, len);
        }

        @Override
        public void close() {
            ptr.close();
        }
    }

    @Override
    public Pinned pin(float[] b, int off, int len) {
        return new NativePinned(b, off, len);
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                      Pinned b, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (!(b instanceof NativePinned p)) {
            super.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, ldb, beta, c, cOff, ldc);
            return;
        }
        if (m == 0 || n == 0) {
            return;
        }
        long bLen = span(transB ? n : k, ldb, transB ? k : n);
        if (bLen > p.len) {
            throw new IllegalArgumentException("sgemm: pinned B holds " + p.len + " floats, the product reads " + bLen);
        }
        long aLen = span(transA ? k : m, lda, transA ? m : k);
        long cLen = span(m, ldc, n);
        Objects.checkFromIndexSize(aOff, aLen, a.length);
        Objects.checkFromIndexSize(cOff, cLen, c.length);
        Scratch s = SCRATCH.get();
        FloatPointer pa = null;
        FloatPointer pc = null;
        try {
            pa = s.take(0, aLen);
            pc = s.take(2, cLen);
            pa.position(0).put(a, aOff, (int) aLen);
            if (beta != 0f || ldc != n) {
                pc.position(0).put(c, cOff, (int) cLen);
            }
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                    transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                    transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                    m, n, k, alpha, pa.position(0), lda, p.ptr.position(0), ldb, beta, pc.position(0), ldc);
            pc.position(0).get(c, cOff, (int) cLen);
        } finally {
            s.release(0, pa);
            s.release(2, pc);
        }
    }

    /** Elements from an operand's first to its last: {@code rows − 1} full strides and one last row of {@code cols}. */
    private static long span(int rows, int ld, int cols) {
        return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    }
}
