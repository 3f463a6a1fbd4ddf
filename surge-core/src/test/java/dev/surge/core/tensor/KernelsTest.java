package dev.surge.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The SIMD checks the trainer runs on every batch: finiteness, and the exact spike count. */
class KernelsTest {

    @Test
    void allFiniteFindsOneBadValueAnywhere() {
        SplittableRandom r = new SplittableRandom(1);
        for (int n : new int[] {0, 1, 5, 16, 17, 100, 1000}) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (float) (r.nextGaussian() * 1e30); // large but finite, as are their products with zero
            }
            assertTrue(Kernels.allFinite(a), "n=" + n);
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                for (int at = 0; at < n; at += Math.max(1, n / 7)) {
                    float[] b = a.clone();
                    b[at] = bad;
                    assertFalse(Kernels.allFinite(b), bad + " at " + at + " of " + n);
                }
                if (n > 0) {
                    float[] b = a.clone();
                    b[n - 1] = bad; // in the scalar tail
                    assertFalse(Kernels.allFinite(b), bad + " last of " + n);
                }
            }
        }
    }

    @Test
    void spikeSumEqualsTheSequentialSum() {
        SplittableRandom r = new SplittableRandom(2);
        for (int n : new int[] {0, 3, 16, 31, 4097, 250_001, 16 * (1 << 20) + 21}) { // the last flushes its lane sums
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = r.nextDouble() < 0.4 ? 1f : 0f;
            }
            assertEquals(Tensor.of(a, n).sum(), Kernels.spikeSum(a), "n=" + n);
        }
    }
}
