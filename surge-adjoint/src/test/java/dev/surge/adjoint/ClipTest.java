package dev.surge.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The clip functions: softplus's slope is its derivative; hard and surrogate share the forward max(0, x). */
class ClipTest {

    @Test
    void softplusSlopeIsItsDerivative() {
        Clip sp = new Clip.Softplus(40);
        for (double x = -0.5; x <= 0.5; x += 0.0137) {
            double e = 1e-6;
            double fd = (sp.value(x + e) - sp.value(x - e)) / (2 * e);
            assertEquals(fd, sp.slope(x), 1e-8, "x = " + x);
        }
        // log(1 + e^{kx})/k: log 2 / k at 0, x for large x, 0 for very negative x, no overflow
        assertEquals(Math.log(2) / 40, sp.value(0), 1e-15);
        assertEquals(100, sp.value(100), 1e-12);
        assertEquals(0, sp.value(-100), 1e-300);
        assertTrue(sp.value(1e6) > 0 && Double.isFinite(sp.value(1e6)));
    }

    @Test
    void hardAndSurrogateClipTheSameButSlopeDifferently() {
        Clip hard = new Clip.Hard();
        Clip sur = new Clip.Surrogate(20);
        for (double x : new double[] {-1, -0.01, 0, 0.01, 1}) {
            assertEquals(Math.max(0, x), hard.value(x));
            assertEquals(Math.max(0, x), sur.value(x));
            assertEquals(x > 0 ? 1 : 0, hard.slope(x));
            assertEquals(1 / (1 + Math.exp(-20 * x)), sur.slope(x), 1e-15);
        }
        assertEquals(1, new Clip.Projection().slope(-3), "projection's adjoint differentiates the unclipped line");
    }

    @Test
    void badSharpnessAndNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Clip.Softplus(0));
        assertThrows(IllegalArgumentException.class, () -> new Clip.Surrogate(-1));
        assertThrows(IllegalArgumentException.class, () -> Clip.of("softplus", Double.NaN));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Clip.of("relu", 1));
        assertTrue(e.getMessage().contains("unknown clip 'relu'"), e.getMessage());
    }
}
