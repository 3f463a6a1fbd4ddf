package dev.surge.core.train;

import dev.surge.core.data.SampleSet;
import dev.surge.core.nn.Layer;
import dev.surge.core.nn.LayerSpec;
import dev.surge.core.nn.ReadoutSpec;
import dev.surge.core.nn.SpikingSpec;
import java.util.List;
import dev.surge.core.nn.Network;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Estimates the live heap of a BPTT training step before a run and refuses runs that cannot fit, naming the option
 * that would. The model was fitted to measured live heaps of the benchmark workloads (see docs/PERFORMANCE.md).
 * {@link Training} consults it before training; commands that size a child JVM use {@link #heapFor}.
 */
public final class MemoryModel {
    /**
     * Bytes kept per neuron and time step for backward, fitted to measured live heaps of the benchmark workloads: the
     * current (4), the membrane (4), the float output that the next layer and backward read (4), and the gradients in
     * flight during backward (about 8); rounded up.
     */
    public static final long BYTES_PER_NEURON_STEP = 21;
    /**
     * Bytes per neuron and step of a recurrent spiking layer: {@link #BYTES_PER_NEURON_STEP} plus the recurrent
     * product {@code s_{t−1}·Vᵀ} and its gradient; fitted to the default Randman network at T = 1000 (282 MB live for
     * a batch of 64: about 31 bytes per recurrent neuron and step), where 21 sized a child heap too small to train.
     */
    public static final long BYTES_PER_RECURRENT_NEURON_STEP = 32;
    /** Bytes per input event: the trainer's (row, column) lists and the CSR rows with their transpose. */
    public static final long BYTES_PER_EVENT = 16;
    /** The heap a run gets beyond its estimated live bytes, so that the collector does not thrash. */
    public static final double HEADROOM = 1.4;
    /**
     * Runs are refused when the estimate exceeds the JVM's maximum heap divided by this: less than {@link #HEADROOM},
     * since {@code maxMemory()} may report a little less than {@code -Xmx} (the serial and parallel collectors leave
     * out a survivor space), and a heap sized by {@link #heapFor} must pass.
     */
    public static final double REFUSE_RATIO = 1.25;
    /** No benchmark child JVM gets less heap than this: the JIT, class data and tiny buffers need it too. */
    public static final long MIN_HEAP = 128L << 20;

    private MemoryModel() {
    }

    /** Live bytes of one training batch: inputs, what BPTT keeps per neuron and step, and the parameters' arrays. */
    public static long estimate(Network net, int steps, int batch, int threads, long inputBytesPerSample) {
        return estimate(stepBytes(net), parameters(net), steps, batch, threads, inputBytesPerSample);
    }

    /**
     * {@link #estimate(Network, int, int, int, long)} from the layer specs alone, before any weight is allocated (a
     * model of a million neurons is refused without first allocating its weights).
     */
    public static long estimate(int inputs, List<? extends LayerSpec> specs, int steps, int batch, int threads,
                                long inputBytesPerSample) {
        return estimate(stepBytes(specs), parameters(inputs, specs), steps, batch, threads, inputBytesPerSample);
    }

    private static long estimate(long stepBytes, long parameters, int steps, int batch, int threads,
                                 long inputBytesPerSample) {
        return satMul(batch, perSample(stepBytes, steps, inputBytesPerSample))
                + parameterBytes(parameters, Math.min(threads, batch));
    }

    /** What BPTT keeps of one sample: its input and, per neuron and step, {@link #BYTES_PER_NEURON_STEP}. */
    public static long perSample(Network net, int steps, long inputBytesPerSample) {
        return perSample(stepBytes(net), steps, inputBytesPerSample);
    }

    private static long perSample(long stepBytes, int steps, long inputBytesPerSample) {
        return satMul(stepBytes, steps) + inputBytesPerSample;
    }

    /**
     * The parameters' value, gradient and two Adam moments, and per chunk of the batch its own gradient and the
     * transposed weights both ways.
     */
    public static long parameterBytes(Network net, int chunks) {
        return parameterBytes(parameters(net), chunks);
    }

    private static long parameterBytes(long parameters, int chunks) {
        return satMul(parameters, 4 * (4 + 3L * Math.max(1, chunks)));
    }

    /** Bytes kept per sample and time step over all layers. */
    private static long stepBytes(Network net) {
        List<LayerSpec> specs = new java.util.ArrayList<>();
        for (Layer l : net.layers()) {
            specs.add(l.spec());
        }
        return stepBytes(specs);
    }

    private static long stepBytes(List<? extends LayerSpec> specs) {
        long n = 0;
        for (LayerSpec s : specs) {
            boolean recurrent = s instanceof SpikingSpec sp && sp.recurrent();
            n = satAdd(n, satMul(s.out(), recurrent ? BYTES_PER_RECURRENT_NEURON_STEP : BYTES_PER_NEURON_STEP));
        }
        return n;
    }

    private static long satAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    /** Number of parameters of {@code net}. */
    public static long parameters(Network net) {
        long params = 0;
        for (var p : net.parameters().values()) {
            params += p.value().size();
        }
        return params;
    }

    /** The number of parameters a network of these layers has (what {@code Network.create} will allocate). */
    public static long parameters(int inputs, List<? extends LayerSpec> specs) {
        long params = 0;
        long in = inputs;
        for (LayerSpec s : specs) {
            long out = s.out();
            params += out * in + out;
            if (s instanceof SpikingSpec sp) {
                if (sp.recurrent()) {
                    params += out * out;
                }
                params += sp.neuron().learnable().size() * out;
                if (sp.stp() != null && sp.stp().learnU()) {
                    params += in;
                }
            } else if (s instanceof ReadoutSpec r && r.learnBeta()) {
                params += out;
            }
            in = out;
        }
        return params;
    }

    /** a·b, or Long.MAX_VALUE when that overflows (absurd sizes must be refused, not wrap). */
    private static long satMul(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi == 0 && lo >= 0) || (hi == -1 && lo < 0) ? lo : Long.MAX_VALUE;
    }

    /**
     * Input bytes per sample as the trainer holds them: for event-based sets the mean number of events (over up to
     * 32 samples spread through the set) times {@link #BYTES_PER_EVENT}; otherwise a {@code [T, inputs]} float
     * buffer plus its event lists when sparse.
     */
    public static long inputBytesPerSample(SampleSet data) {
        if (!data.eventBased() || data.size() == 0) {
            return (long) data.steps() * data.inputs() * 4 * 2;
        }
        int probes = Math.min(32, data.size());
        long[] events = new long[1];
        SplittableRandom rng = new SplittableRandom(0);
        for (int k = 0; k < probes; k++) {
            data.writeEvents((int) ((long) k * data.size() / probes), (t, i) -> events[0]++, rng);
        }
        return Math.max(1, events[0] / probes) * BYTES_PER_EVENT;
    }

    /** The heap to give a JVM that runs this step: the estimate with headroom, and at least {@link #MIN_HEAP}. */
    public static long heapFor(long estimate) {
        return Math.max(MIN_HEAP, (long) (estimate * HEADROOM));
    }

    /**
     * Refuses (with the batch size that would fit) a run whose estimated live bytes exceed what this JVM may use
     * without thrashing ({@code maxMemory / REFUSE_RATIO}); {@code batchOption} names the option that sets the batch
     * size, or is null where there is none.
     */
    public static void require(Network net, int steps, int batch, int threads, long inputBytesPerSample,
                               String batchOption) {
        require(stepBytes(net), parameters(net), steps, batch, threads, inputBytesPerSample, batchOption);
    }

    /** {@link #require(Network, int, int, int, long, String)} from the layer specs, before any weight exists. */
    public static void require(int inputs, List<? extends LayerSpec> specs, int steps, int batch, int threads,
                               long inputBytesPerSample, String batchOption) {
        require(stepBytes(specs), parameters(inputs, specs), steps, batch, threads, inputBytesPerSample, batchOption);
    }

    private static void require(long stepBytes, long parameters, int steps, int batch, int threads,
                                long inputBytesPerSample, String batchOption) {
        require(perSample(stepBytes, steps, inputBytesPerSample), parameters, batch, threads, batchOption);
    }

    /**
     * {@link #require(Network, int, int, int, long, String)} for a learning rule that keeps {@code perSampleBytes}
     * per sample instead of BPTT's ({@code EProp.bytesPerSample}); {@code parameters} counts the network's
     * parameters ({@link #parameters(int, List)}).
     */
    public static void require(long perSampleBytes, long parameters, int batch, int threads, String batchOption) {
        long need = satMul(batch, perSampleBytes) + parameterBytes(parameters, Math.min(threads, batch));
        long max = Runtime.getRuntime().maxMemory();
        long usable = (long) (max / REFUSE_RATIO);
        if (need > usable) {
            // at most `threads` chunks whatever the batch: a batch that fits with them fits with fewer
            long fit = Math.max(0, usable - parameterBytes(parameters, threads)) / Math.max(1, perSampleBytes);
            String fewer = fit >= 1 && batchOption != null
                    ? String.format(Locale.ROOT, "use %s %d (or fewer time steps), or ", batchOption, fit) : "";
            long heap = heapFor(need);
            String size = heap >= Long.MAX_VALUE / 2 ? "more memory than any machine has" : "about " + mib(heap)
                    + " MiB of heap";
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "this run needs %s for a batch of %d but the JVM may use %d MiB; %sgive Java "
                            + "more memory (SURGE_JAVA_OPTS=-Xmx%dm)",
                    size, batch, mib(max), fewer, Math.min(mib(heap) + 1, 1L << 40)));
        }
    }

    public static long mib(long bytes) {
        return bytes >> 20;
    }
}
