package dev.surge.bench;

import dev.surge.core.tensor.Blas;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The two GEMM backends on a layer's forward product {@code X·Wᵀ} and weight gradient {@code Gᵀ·X}, one thread's
 * half of a W1 batch ({@code [3200, 700]·[256, 700]ᵀ}). GFLOP/s = 2·m·n·k / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MatmulBench {
    @Param({"openblas", "java"})
    String blas;

    @Param({"3200"})
    int m;

    @Param({"700"})
    int k;

    @Param({"256"})
    int n;

    Blas b;
    float[] x;
    float[] w;
    float[] y;
    float[] gw;

    @Setup(Level.Trial)
    public void setup() {
        b = blas.equals("java") ? Blas.java() : Blas.openBlas();
        if (b == null) {
            throw new IllegalStateException("OpenBLAS unavailable: " + Blas.openBlasFailure());
        }
        SplittableRandom r = new SplittableRandom(3);
        x = new float[m * k];
        w = new float[n * k];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        y = new float[m * n];
        gw = new float[n * k];
    }

    @Benchmark
    public float forwardXWt() {
        b.sgemm(false, true, m, n, k, 1f, x, 0, k, w, 0, k, 0f, y, 0, n);
        return y[0];
    }

    @Benchmark
    public float weightGradientGtX() {
        b.sgemm(true, false, n, k, m, 1f, y, 0, n, x, 0, k, 0f, gw, 0, k);
        return gw[0];
    }
}
