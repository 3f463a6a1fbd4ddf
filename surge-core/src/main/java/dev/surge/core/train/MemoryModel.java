package dev.surge.core.train;

import dev.surge.core.data.SampleSet;
import dev.surge.core.nn.Layer;
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
        return batch * perSample(net, steps, inputBytesPerSample) + parameterBytes(net, Math.min(threads, batch));
    }

    /** What BPTT keeps of one sample: its input and, per neuron and step, {@link #BYTES_PER_NEURON_STEP}. */
    public static long perSample(Network net, int steps, long inputBytesPerSample) {
        long neuronSteps = 0;
        for (Layer l : net.layers()) {
            neuronSteps += (long) steps * l.spec().out();
        }
        return neuronSteps * BYTES_PER_NEURON_STEP + inputBytesPerSample;
    }

    /**
     * The parameters' value, gradient and two Adam moments, and per chunk of the batch its own gradient and the
     * transposed weights both ways.
     */
    public static long parameterBytes(Network net, int chunks) {
        long params = 0;
        for (var p : net.parameters().values()) {
            params += p.value().size();
        }
        return params * 4 * (4 + 3L * Math.max(1, chunks));
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
    public static void require(Network net, int steps, int batch, int threads, long inputBytesPerSample, String batchOption) {
        long need = estimate(net, steps, batch, threads, inputBytesPerSample);
        long max = Runtime.getRuntime().maxMemory();
        long usable = (long) (max / REFUSE_RATIO);
        if (need > usable) {
            // at most `threads` chunks whatever the batch: a batch that fits with them fits with fewer
            long fit = Math.max(0, usable - parameterBytes(net, threads)) / perSample(net, steps, inputBytesPerSample);
            String fewer = fit >= 1 && batchOption != null
                    ? String.format(Locale.ROOT, "use %s %d (or fewer time steps), or ", batchOption, fit) : "";
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "this run needs about %d MiB of heap for a batch of %d but the JVM may use %d MiB; %sgive Java "
                            + "more memory (SURGE_JAVA_OPTS=-Xmx%dm)",
                    mib(heapFor(need)), batch, mib(max), fewer, mib(heapFor(need)) + 1));
        }
    }

    public static long mib(long bytes) {
        return bytes >> 20;
    }
}
