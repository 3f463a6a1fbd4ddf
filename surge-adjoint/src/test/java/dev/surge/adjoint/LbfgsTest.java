package dev.surge.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** L-BFGS on functions with known minima. */
class LbfgsTest {

    @Test
    void minimisesRosenbrock() {
        Lbfgs.Function rosen = (x, g) -> {
            double a = 1 - x[0];
            double b = x[1] - x[0] * x[0];
            g[0] = -2 * a - 400 * x[0] * b;
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        };
        Lbfgs.Result r = new Lbfgs(5, 200, 1e-10, 0, 0).minimize(rosen, new double[] {-1.2, 1});
        assertEquals(1, r.x()[0], 1e-7, r.toString());
        assertEquals(1, r.x()[1], 1e-7, r.toString());
        assertTrue(r.iterations() < 60, "iterations: " + r.iterations());
        for (int i = 1; i < r.history().size(); i++) { // every accepted step lowers f
            assertTrue(r.history().get(i).value() < r.history().get(i - 1).value(), "step " + i);
        }
    }

    @Test
    void solvesAnIllConditionedQuadraticInFewIterations() {
        double[] scale = {1, 10, 100, 1000, 1e4};
        Lbfgs.Function q = (x, g) -> {
            double f = 0;
            for (int i = 0; i < x.length; i++) {
                g[i] = scale[i] * (x[i] - i);
                f += 0.5 * scale[i] * (x[i] - i) * (x[i] - i);
            }
            return f;
        };
        Lbfgs.Result r = new Lbfgs(10, 100, 1e-9, 0, 0).minimize(q, new double[5]);
        for (int i = 0; i < 5; i++) {
            assertEquals(i, r.x()[i], 1e-8);
        }
        assertEquals("gradient", r.stop());
    }

    @Test
    void anUnsolvableTrialPointShrinksTheStep() {
        // f = x² with a "solver failure" beyond x > 1: the search must stay left of it
        Lbfgs.Function f = (x, g) -> {
            if (x[0] > 1) {
                throw new SolveException("no", 0, Double.NaN);
            }
            g[0] = 2 * (x[0] - 0.9);
            return (x[0] - 0.9) * (x[0] - 0.9);
        };
        Lbfgs.Result r = new Lbfgs(3, 50, 1e-12, 0, 0).minimize(f, new double[] {-5});
        assertEquals(0.9, r.x()[0], 1e-9);
    }
}
