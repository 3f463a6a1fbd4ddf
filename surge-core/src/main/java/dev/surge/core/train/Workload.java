package dev.surge.core.train;

import dev.surge.core.data.EventSampleSet;
import dev.surge.core.data.SampleSet;
import dev.surge.core.loss.Loss;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.optim.Adam;
import dev.surge.core.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * One of the standard benchmark workloads W1–W4 that {@code shared/bench/bench_peers.py} runs in PyTorch: LIF hidden
 * and output layers (β 0.9, θ 1, subtract reset detached, fast_sigmoid:25), cross-entropy on output spike counts,
 * Adam at 1e-3, and B samples of Bernoulli input spikes drawn from a fixed seed. {@code surge bench} times their
 * training steps; a Java user can build and time the same networks.
 */
public record Workload(String id, String name, int in, int hidden, int out, int steps, int batch, double density,
                       boolean recurrent) {

    /** The seed of the weights, the inputs and the sample order. */
    public static final long SEED = 1234;

    /** W1 shd-ff, W2 shd-rec, W3 mnist-ff, W4 long. */
    public static final List<Workload> ALL = List.of(
            new Workload("W1", "shd-ff", 700, 256, 20, 100, 64, 0.05, false),
            new Workload("W2", "shd-rec", 700, 256, 20, 100, 64, 0.05, true),
            new Workload("W3", "mnist-ff", 784, 1000, 10, 25, 128, 0.20, false),
            new Workload("W4", "long", 700, 256, 20, 1000, 16, 0.05, false));

    /**
     * Dense-equivalent FLOPs of a step as the performance issue defines them: 2·T·B·(in·hidden + hidden·out),
     * times 3 for forward, input gradient and weight gradient. (It counts an input gradient of the first layer,
     * which is not computed since the input is data, and leaves out W2's recurrent product.)
     */
    public double denseFlops() {
        return 3.0 * 2.0 * steps * batch * ((double) in * hidden + (double) hidden * out);
    }

    public String describe() {
        return String.format(Locale.ROOT, "%s %s %d→%d%s→%d T=%d B=%d density %.0f%%", id, name, in, hidden,
                recurrent ? " (recurrent)" : "", out, steps, batch, 100 * density);
    }

    /** The network, from {@link #SEED}, as the PyTorch references build it. */
    public Network network() {
        return Network.create(in, List.of(SpikingSpec.lif(hidden).withRecurrent(recurrent), SpikingSpec.lif(out)),
                SEED);
    }

    /** Adam at 1e-3 over the network's parameters. */
    public static Optimizer optimizer(Network net) {
        return Adam.adam(new ArrayList<>(net.parameters().values()), 1e-3f);
    }

    /**
     * B samples of Bernoulli(density) input spikes drawn once from {@link #SEED}, with random labels, kept as events
     * (as the spiking datasets are): one epoch is one training step.
     */
    public SampleSet data() {
        SplittableRandom rng = new SplittableRandom(SEED);
        int[][] times = new int[batch][];
        int[][] units = new int[batch][];
        int[] labels = new int[batch];
        for (int s = 0; s < batch; s++) {
            IntStream.Builder ts = IntStream.builder();
            IntStream.Builder us = IntStream.builder();
            for (int t = 0; t < steps; t++) {
                for (int i = 0; i < in; i++) {
                    if (rng.nextDouble() < density) {
                        ts.add(t);
                        us.add(i);
                    }
                }
            }
            times[s] = ts.build().toArray();
            units[s] = us.build().toArray();
            labels[s] = rng.nextInt(out);
        }
        return new EventSampleSet(steps, in, out, labels, times, units);
    }

    /** The trainer configuration of a step: the whole batch, {@code threads} chunks, cross-entropy on counts. */
    public Trainer.Config config(int threads, Backend backend) {
        return new Trainer.Config(batch, SEED, threads, backend, new Loss.CeCount(), List.of(), 0f);
    }

    /** Estimated live bytes of a training step with {@code threads} threads ({@link MemoryModel}). */
    public long estimate(int threads) {
        return MemoryModel.estimate(network(), steps, batch, threads, MemoryModel.inputBytesPerSample(data()));
    }
}
