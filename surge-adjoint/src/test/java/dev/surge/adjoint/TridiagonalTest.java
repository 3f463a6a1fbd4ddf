package dev.surge.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Thomas solve against the matrix product, and the transpose against the dense definition. */
class TridiagonalTest {

    static Tridiagonal random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tridiagonal m = Tridiagonal.zeros(n);
        for (int i = 0; i < n; i++) {
            m.lower()[i] = i > 0 ? r.nextDouble(-1, 1) : 0;
            m.upper()[i] = i < n - 1 ? r.nextDouble(-1, 1) : 0;
            m.diag()[i] = 3 + r.nextDouble();
        }
        return m;
    }

    @Test
    void solvesAndTransposes() {
        for (int n : new int[] {1, 2, 7, 200}) {
            Tridiagonal m = random(n, n);
            SplittableRandom r = new SplittableRandom(99);
            double[] b = new double[n];
            for (int i = 0; i < n; i++) {
                b[i] = r.nextDouble(-1, 1);
            }
            double[] x = m.solve(b);
            double[] back = m.times(x);
            for (int i = 0; i < n; i++) {
                assertEquals(b[i], back[i], 1e-13, "row " + i + " of order " + n);
            }
            // dense check of the transpose: (Aᵀ)[i][j] = A[j][i]
            double[][] a = dense(m);
            double[][] t = dense(m.transpose());
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(a[j][i], t[i][j], 0.0);
                }
            }
        }
    }

    @Test
    void zeroPivotIsAnError() {
        Tridiagonal m = Tridiagonal.zeros(3);
        assertThrows(ArithmeticException.class, () -> m.solve(new double[3]));
    }

    static double[][] dense(Tridiagonal m) {
        int n = m.order();
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            a[i][i] = m.diag()[i];
            if (i > 0) {
                a[i][i - 1] = m.lower()[i];
            }
            if (i < n - 1) {
                a[i][i + 1] = m.upper()[i];
            }
        }
        return a;
    }
}
