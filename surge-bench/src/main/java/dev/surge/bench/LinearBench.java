package dev.surge.bench;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.tensor.Arena;
import dev.surge.core.tensor.Kernels;
import dev.surge.core.tensor.SpikeRows;
import dev.surge.core.tensor.Tensor;
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
 * A linear layer on a 0/1 spike input, forward and weight gradient (the input needs no gradient, as for data):
 * dense GEMM against event-driven row adds, across input densities. The crossover sets
 * {@code Kernels.linearCrossover}. Default shape: one thread's half of a W1 batch, {@code [T·B/2, 700] → 256}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LinearBench {
    @Param({"0.01", "0.05", "0.1", "0.2", "0.3", "0.5"})
    double density;

    @Param({"DENSE", "EVENT"})
    Kernels.Products path;

    @Param({"3200"})
    int rows;

    @Param({"700"})
    int in;

    @Param({"256"})
    int out;

    Tensor x;
    /** The same input as a spike tensor carrying its events, as the trainer passes data (no scan for them). */
    Tensor xe;
    Tensor w;
    Tensor b;
    Tensor g;
    /** Recycles the step's arrays as the trainer does (one arena per chunk, recycled after each batch). */
    final Arena arena = new Arena();

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom r = new SplittableRandom(1);
        x = Tensor.zeros(rows, in);
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextDouble() < density ? 1f : 0f;
        }
        SpikeRows ev = SpikeRows.of(d, 0, rows, in, 1.0);
        xe = ev == null ? x : Tensor.ofEvents(ev, rows, in);
        // the dense path expands the events once; done here, outside the arena, so that the expansion is not an
        // array that the arena recycles after the first call
        xe.data();
        w = Tensor.randn(r, 0.05f, out, in);
        b = Tensor.zeros(out);
        g = Tensor.randn(r, 1f, rows, out);
        Kernels.setProducts(path);
    }

    @Benchmark
    public float forwardAndWeightGradient() {
        Tape tape = new Tape();
        Var wv = tape.param(w);
        Var y = tape.constant(x).linear(wv, tape.param(b));
        tape.backward(y, g);
        return wv.grad().data()[0];
    }

    /** The forward product alone, from the input's events (the dense path expands them). */
    @Benchmark
    public float forwardFromEvents() {
        float r = arena.install(() -> {
            Tape tape = new Tape();
            Var y = tape.constant(xe).linear(tape.param(w), tape.param(b));
            return y.value().data()[0];
        });
        arena.recycle();
        return r;
    }

    /**
     * Forward and weight gradient from the input's events with the arrays recycled, as in a training step: the
     * event-driven kernels without the scan for events and without allocation.
     */
    @Benchmark
    public float forwardAndWeightGradientFromEvents() {
        float r = arena.install(() -> {
            Tape tape = new Tape();
            Var wv = tape.param(w);
            Var y = tape.constant(xe).linear(wv, tape.param(b));
            tape.backward(y, g);
            return wv.grad().data()[0];
        });
        arena.recycle();
        return r;
    }
}
