package dev.surge.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two GEMM backends compute the same {@code C = alpha·op(A)·op(B) + beta·C} on strided sub-matrices (non-zero
 * offsets, leading dimensions wider than the rows, padding filled with NaN so that reading it would show), and
 * both agree with an independent double-precision triple loop. Also: backend selection, and matmul's shape errors.
 */
class BlasTest {

    private static final float ALPHA = -1.25f;
    private static final float BETA = 0.75f;

    /** A problem: stored operands with padding and offsets, and the initial C. */
    private record Problem(boolean transA, boolean transB, int m, int n, int k,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc) {
    }

    /** (m, n, k) triples over the sizes 1, 7, 33, 130, each with the four transpose combinations. */
    static Stream<Arguments> cases() {
        // a cyclic Latin square puts every size in every role (m, n, k); plus the degenerate and largest cubes
        int[][] shapes = {
            {1, 7, 33}, {7, 33, 130}, {33, 130, 1}, {130, 1, 7},
            {1, 1, 1}, {33, 7, 130}, {130, 130, 130},
        };
        List<Arguments> out = new ArrayList<>();
        for (int[] s : shapes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    out.add(Arguments.of(ta, tb, s[0], s[1], s[2]));
                }
            }
        }
        return out.stream();
    }

    private static Problem problem(boolean ta, boolean tb, int m, int n, int k, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        // stored A is m×k, or k×m when transposed; likewise B is k×n or n×k
        int aRows = ta ? k : m;
        int aCols = ta ? m : k;
        int bRows = tb ? n : k;
        int bCols = tb ? k : n;
        int lda = aCols + 3;
        int ldb = bCols + 5;
        int ldc = n + 2;
        int aOff = 11;
        int bOff = 4;
        int cOff = 9;
        float[] a = padded(rng, aOff, aRows, aCols, lda, Float.NaN);
        float[] b = padded(rng, bOff, bRows, bCols, ldb, Float.NaN);
        // C's padding is a sentinel that must survive untouched
        float[] c = padded(rng, cOff, m, n, ldc, 12345f);
        return new Problem(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    /** A rows×cols matrix of uniform(−1, 1) at offset off with row stride ld; everything else is {@code pad}. */
    private static float[] padded(SplittableRandom rng, int off, int rows, int cols, int ld, float pad) {
        float[] x = new float[off + (rows - 1) * ld + cols + 6];
        java.util.Arrays.fill(x, pad);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                x[off + i * ld + j] = (float) (2 * rng.nextDouble() - 1);
            }
        }
        return x;
    }

    private static float[] run(Blas blas, Problem p) {
        float[] c = p.c().clone();
        blas.sgemm(p.transA(), p.transB(), p.m(), p.n(), p.k(), ALPHA, p.a(), p.aOff(), p.lda(),
                p.b(), p.bOff(), p.ldb(), BETA, c, p.cOff(), p.ldc());
        return c;
    }

    private static double aAt(Problem p, int i, int l) {
        return p.transA() ? p.a()[p.aOff() + l * p.lda() + i] : p.a()[p.aOff() + i * p.lda() + l];
    }

    private static double bAt(Problem p, int l, int j) {
        return p.transB() ? p.b()[p.bOff() + j * p.ldb() + l] : p.b()[p.bOff() + l * p.ldb() + j];
    }

    /**
     * Checks {@code got} against the double-precision product: every element of the m×n block within
     * {@code 1e-5 · (|alpha|·Σ|a·b| + |beta·c|)} (a float32 dot-product error bound for k ≤ 130), and every
     * element outside the block bit-identical to the input.
     */
    private static void assertMatchesReference(String what, Problem p, float[] got) {
        int m = p.m();
        int n = p.n();
        boolean[] inBlock = new boolean[p.c().length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int ci = p.cOff() + i * p.ldc() + j;
                inBlock[ci] = true;
                double dot = 0;
                double abs = 0;
                for (int l = 0; l < p.k(); l++) {
                    double prod = aAt(p, i, l) * bAt(p, l, j);
                    dot += prod;
                    abs += Math.abs(prod);
                }
                double c0 = p.c()[ci];
                double expected = ALPHA * dot + BETA * c0;
                double tol = 1e-5 * (Math.abs(ALPHA) * abs + Math.abs(BETA * c0)) + 1e-30;
                if (!(Math.abs(got[ci] - expected) <= tol)) {
                    fail(what + ": C[" + i + "," + j + "] = " + got[ci] + ", expected " + expected + " ± " + tol);
                }
            }
        }
        for (int q = 0; q < got.length; q++) {
            if (!inBlock[q] && Float.floatToRawIntBits(got[q]) != Float.floatToRawIntBits(p.c()[q])) {
                fail(what + ": wrote outside the C block at array index " + q + " (" + p.c()[q] + " -> " + got[q] + ")");
            }
        }
    }

    private static Blas requireOpenBlas() {
        Blas ob = Blas.openBlas();
        Assumptions.assumeTrue(ob != null,
                () -> "OpenBLAS is unavailable on this machine, comparison skipped: " + Blas.openBlasFailure());
        return ob;
    }

    @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4}")
    @MethodSource("cases")
    void javaBackendMatchesDoubleReferenceOnStridedOffsetOperands(boolean ta, boolean tb, int m, int n, int k) {
        Problem p = problem(ta, tb, m, n, k, 31L * m + 7L * n + k + (ta ? 1000 : 0) + (tb ? 2000 : 0));
        assertMatchesReference("java", p, run(Blas.java(), p));
    }

    @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4}")
    @MethodSource("cases")
    void openBlasMatchesJavaBackendAndDoubleReference(boolean ta, boolean tb, int m, int n, int k) {
        Blas ob = requireOpenBlas();
        Problem p = problem(ta, tb, m, n, k, 17L * m + 3L * n + k + (ta ? 5000 : 0) + (tb ? 9000 : 0));
        float[] cj = run(Blas.java(), p);
        float[] co = run(ob, p);
        assertMatchesReference("openblas", p, co);
        // and directly against each other: relative error of the whole block
        double num = 0;
        double den = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int ci = p.cOff() + i * p.ldc() + j;
                num += Math.pow(co[ci] - cj[ci], 2);
                den += Math.pow(cj[ci], 2);
            }
        }
        double rel = Math.sqrt(num / Math.max(den, 1e-30));
        assertTrue(rel <= 1e-5, "openblas vs java relative error " + rel);
    }

    @Test
    void betaZeroOverwritesCEvenWhenItHoldsNaN() {
        // BLAS semantics: with beta = 0, C is output only and its old contents (even NaN) are not read.
        for (Blas blas : backends()) {
            float[] a = {1, 2, 3, 4};
            float[] b = {5, 6, 7, 8};
            float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
            blas.sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
            assertEquals(19f, c[0], blas.name());
            assertEquals(22f, c[1], blas.name());
            assertEquals(43f, c[2], blas.name());
            assertEquals(50f, c[3], blas.name());
        }
    }

    @Test
    void openBlasHandlesOperandsAboveItsKeptBufferSizeBetweenSmallOnes() {
        // operands over a million floats go through temporary off-heap buffers, smaller ones through kept buffers
        Blas ob = requireOpenBlas();
        SplittableRandom rng = new SplittableRandom(8);
        int[][] shapes = {{3, 5, 7}, {1100, 4, 1000}, {6, 2, 9}, {1100, 4, 1000}, {2, 1050, 1000}};
        for (int[] sh : shapes) {
            int m = sh[0];
            int n = sh[1];
            int k = sh[2];
            float[] a = padded(rng, 0, m, k, k, 0f);
            float[] b = padded(rng, 0, k, n, n, 0f);
            float[] cj = padded(rng, 0, m, n, n, 0f);
            float[] co = cj.clone();
            Blas.java().sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0.5f, cj, 0, n);
            ob.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0.5f, co, 0, n);
            double num = 0;
            double den = 0;
            for (int i = 0; i < cj.length; i++) {
                num += Math.pow(co[i] - cj[i], 2);
                den += Math.pow(cj[i], 2);
            }
            assertTrue(Math.sqrt(num / den) <= 1e-5, "m=" + m + " n=" + n + " k=" + k + ": " + Math.sqrt(num / den));
        }
    }

    @Test
    void pinnedOperandGivesTheSameProductAsTheArray() {
        SplittableRandom rng = new SplittableRandom(9);
        for (Blas blas : backends()) {
            for (boolean tb : new boolean[] {false, true}) {
                int m = 5;
                int n = 33;
                int k = 40;
                float[] a = padded(rng, 0, m, k, k, 0f);
                float[] b = padded(rng, 3, tb ? n : k, tb ? k : n, tb ? k : n, 0f);
                float[] c1 = padded(rng, 0, m, n, n, 0f);
                float[] c2 = c1.clone();
                int ldb = tb ? k : n;
                blas.sgemm(false, tb, m, n, k, 1f, a, 0, k, b, 3, ldb, 1f, c1, 0, n);
                try (Blas.Pinned p = blas.pin(b, 3, b.length - 3)) {
                    for (int rep = 0; rep < 2; rep++) { // the pinned copy serves several products
                        float[] c = c2.clone();
                        blas.sgemm(false, tb, m, n, k, 1f, a, 0, k, p, ldb, 1f, c, 0, n);
                        assertArrayEquals(c1, c, blas.name() + " transB=" + tb);
                    }
                }
            }
        }
    }

    private static List<Blas> backends() {
        List<Blas> l = new ArrayList<>();
        l.add(Blas.java());
        if (Blas.openBlas() != null) {
            l.add(Blas.openBlas());
        }
        return l;
    }

    @Test
    void openBlasLoadsOrReportsWhy() {
        Blas ob = Blas.openBlas();
        if (ob == null) {
            assertNotNull(Blas.openBlasFailure(), "OpenBLAS unavailable but no reason recorded");
            Assumptions.abort("OpenBLAS is unavailable on this machine: " + Blas.openBlasFailure());
        }
        assertEquals("openblas", ob.name());
        assertEquals(null, Blas.openBlasFailure(), "a loaded OpenBLAS must not report a failure");
    }

    @Test
    void autoSelectsOpenBlasWhenItLoads() {
        Blas ob = requireOpenBlas();
        assertSame(ob, Blas.select("auto"));
        String prop = System.getProperty("surge.blas", "auto");
        Assumptions.assumeTrue(prop.equals("auto"), "surge.blas is set to " + prop + " for this run");
        assertSame(ob, Blas.get(), "Blas.get() under surge.blas=auto must be OpenBLAS when it loads");
        assertEquals("openblas", Blas.get().name());
    }

    @Test
    void explicitChoicesSelectTheirBackendAndUnknownChoiceIsRejected() {
        assertSame(Blas.java(), Blas.select("java"));
        assertEquals("java", Blas.java().name());
        if (Blas.openBlas() != null) {
            assertSame(Blas.openBlas(), Blas.select("openblas"));
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Blas.select("openblas"));
            assertTrue(e.getMessage().contains("unavailable"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Blas.select("mkl"));
        assertTrue(e.getMessage().contains("'mkl'") && e.getMessage().contains("auto, openblas or java"),
                e.getMessage());
    }

    @Test
    void matmulInnerDimensionMismatchNamesBothShapes() {
        Tensor a = Tensor.zeros(2, 3);
        Tensor b = Tensor.zeros(4, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.matmul(a, false, b, false));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        // with transposes the message marks them: [2, 3]ᵀ is 3×2, which does not fit [4, 5]ᵀ (5×4) either
        IllegalArgumentException et = assertThrows(IllegalArgumentException.class,
                () -> Tensor.matmul(a, true, b, true));
        assertTrue(et.getMessage().contains("[2, 3]ᵀ") && et.getMessage().contains("[4, 5]ᵀ"), et.getMessage());
    }

    @Test
    void matmulOfNon2dOperandsNamesTheShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.matmul(Tensor.zeros(2, 3, 4), false, Tensor.zeros(4, 5), false));
        assertTrue(e.getMessage().contains("[2, 3, 4]") && e.getMessage().contains("[4, 5]"), e.getMessage());
    }

    @Test
    void matmulWithTransposesComputesTheRightProduct() {
        // A = [[1,2,3],[4,5,6]] (2×3), B = [[1,0],[0,1],[1,1]] (3×2): A·B = [[4,5],[10,11]]
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        Tensor ab = Tensor.matmul(a, false, b, false);
        assertEquals(List.of(4f, 5f, 10f, 11f), asList(ab));
        // (Aᵀ)ᵀ · (Bᵀ)ᵀ through the transpose flags gives the same product
        Tensor at = Tensor.of(new float[] {1, 4, 2, 5, 3, 6}, 3, 2);
        Tensor bt = Tensor.of(new float[] {1, 0, 1, 0, 1, 1}, 2, 3);
        assertEquals(List.of(4f, 5f, 10f, 11f), asList(Tensor.matmul(at, true, bt, true)));
    }

    private static List<Float> asList(Tensor t) {
        List<Float> l = new ArrayList<>();
        for (float v : t.data()) {
            l.add(v);
        }
        return l;
    }
}
