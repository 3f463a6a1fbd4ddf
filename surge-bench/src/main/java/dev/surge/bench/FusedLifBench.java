package dev.surge.bench;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.neuron.FusedLif;
import dev.surge.core.nn.SpikingSpec;
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
 * The fused LIF kernel, forward and BPTT backward over all T, feed-forward and recurrent, on one thread's half of a
 * W1 batch ({@code [100, 32, 256]} input currents).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FusedLifBench {
    @Param({"false", "true"})
    boolean recurrent;

    @Param({"100"})
    int steps;

    @Param({"32"})
    int batch;

    @Param({"256"})
    int n;

    Tensor currents;
    Tensor v;
    Tensor g;
    SpikingSpec spec;

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom r = new SplittableRandom(2);
        currents = Tensor.randn(r, 0.3f, steps, batch, n);
        v = Tensor.randn(r, 0.02f, n, n);
        g = Tensor.randn(r, 1f, steps, batch, n);
        spec = SpikingSpec.lif(n).withRecurrent(recurrent);
    }

    @Benchmark
    public float forwardBackward() {
        Tape tape = new Tape();
        Var c = tape.param(currents);
        Var vv = recurrent ? tape.param(v) : null;
        Var s = FusedLif.forward(spec.neuron(), spec.surrogate(), c, vv, null, null);
        tape.backward(s, g);
        return c.grad().data()[0];
    }
}
