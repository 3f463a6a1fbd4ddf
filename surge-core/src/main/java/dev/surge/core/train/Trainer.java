package dev.surge.core.train;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.data.SampleSet;
import dev.surge.core.loss.Loss;
import dev.surge.core.loss.Regularizer;
import dev.surge.core.loss.Targets;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.ForwardContext;
import dev.surge.core.neuron.SpikeFunction;
import dev.surge.core.nn.Layer;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.Parameter;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.optim.Optimizer;
import dev.surge.core.tensor.Arena;
import dev.surge.core.tensor.Kernels;
import dev.surge.core.tensor.RandomStream;
import dev.surge.core.tensor.SpikeRows;
import dev.surge.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Mini-batch backpropagation through time.
 *
 * <p>Each batch is split into {@code threads} contiguous chunks that run forward and backward in parallel, each on
 * its own tape; chunk gradients (each scaled by its share of the batch) are then added into the parameters in chunk
 * order, so the same seed and thread count give the same numbers bit for bit. Regularisers see each chunk's rates.
 * The sample order of an epoch and the randomness of stochastic encoders are functions of (seed, epoch, sample), so
 * neither depends on batch composition or on where a run was resumed.
 */
public final class Trainer implements AutoCloseable {
    /**
     * The most threads a batch may be split over: far more than any machine's cores, and far fewer than an
     * operating system's thread limit (100 000 exhausted it, and was then reported as out of memory).
     */
    public static final int MAX_THREADS = 256;

    /**
     * @param clipNorm global gradient-norm clip, or 0 for none
     */
    public record Config(int batchSize, long seed, int threads, Backend backend, Loss loss,
                         List<Regularizer> regularizers, float clipNorm, LearningRule rule) {
        /** A configuration that learns by {@link LearningRule#bptt()}. */
        public Config(int batchSize, long seed, int threads, Backend backend, Loss loss,
                      List<Regularizer> regularizers, float clipNorm) {
            this(batchSize, seed, threads, backend, loss, regularizers, clipNorm, LearningRule.bptt());
        }

        public Config {
            if (rule == null || backend == null || loss == null) {
                throw new IllegalArgumentException("trainer: learning rule, backend and loss are required");
            }
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
            }
            if (threads <= 0 || threads > MAX_THREADS) {
                throw new IllegalArgumentException("threads must be between 1 and " + MAX_THREADS + ", got "
                        + threads);
            }
            if (!(clipNorm >= 0)) {
                throw new IllegalArgumentException("gradient clip must be >= 0, got " + clipNorm);
            }
            regularizers = List.copyOf(regularizers);
        }
    }

    /**
     * Totals over an epoch or evaluation.
     *
     * @param rates           per layer, spikes per neuron per time step (NaN for non-spiking layers)
     * @param synopsPerSample synaptic operations (spikes × fan-out, input spikes included) per sample
     */
    public record Stats(double loss, double accuracy, double[] rates, double synopsPerSample, int samples) {
    }

    /** Called after every training batch; {@code rate} is spikes per neuron per step over the spiking layers. */
    @FunctionalInterface
    public interface BatchListener {
        void batchDone(int batch, int batches, double loss, double accuracy, double rate);
    }

    /** Mixed into each sample's key for the forward pass's random stream (the encoders use the key unmixed). */
    private static final long NOISE_STREAM = 0x6e6f_6973_6500L;

    private final Network net;
    private final Optimizer opt;
    private final Config cfg;
    private final Objective objective;
    private final ExecutorService pool;
    /**
     * One input buffer per chunk slot, reused from batch to batch: the input of a chunk is only read during its own
     * forward and backward (its tape still references it afterwards, but nothing reads it again), batches run one
     * after the other, and {@code run} waits for all chunks of a batch even when one fails.
     */
    private final float[][] inputBuffers;
    /** The same for event-based sets: the (row, column) lists of each chunk slot's input events. */
    private final int[][][] eventBuffers;
    /** One array arena per chunk slot (see {@link Arena}), recycled after every batch. */
    private final Arena[] arenas;

    public Trainer(Network net, Optimizer opt, Config cfg) {
        this.net = net;
        this.opt = opt;
        this.cfg = cfg;
        this.objective = new Objective(cfg.loss(), cfg.regularizers());
        this.inputBuffers = new float[cfg.threads()][];
        this.eventBuffers = new int[cfg.threads()][][];
        for (int i = 0; i < eventBuffers.length; i++) {
            eventBuffers[i] = new int[][] {new int[1024], new int[1024]};
        }
        this.arenas = new Arena[cfg.threads()];
        for (int i = 0; i < arenas.length; i++) {
            arenas[i] = new Arena();
        }
        this.pool = cfg.threads() > 1 ? Executors.newFixedThreadPool(cfg.threads(), r -> {
            Thread t = new Thread(r, "surge-train");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** The number of batches of at most {@code batchSize} samples that {@code samples} make (no int overflow). */
    public static int batches(int samples, int batchSize) {
        return (int) ((samples + (long) batchSize - 1) / batchSize);
    }

    /** The sample order of an epoch: a Fisher–Yates shuffle seeded by (seed, epoch). */
    public static int[] permutation(long seed, int epoch, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(mix(seed, 0x5eed_0000L + epoch));
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static long mix(long a, long b) {
        return RandomStream.mix(a, b);
    }

    /** One pass over {@code data} in shuffled order, updating the parameters after every batch. */
    public Stats trainEpoch(SampleSet data, int epoch, BatchListener listener) {
        checkShape(data);
        int[] order = permutation(cfg.seed(), epoch, data.size());
        int batches = batches(data.size(), cfg.batchSize());
        Acc acc = new Acc(net.layers().size(), data.steps());
        List<Parameter> params = new ArrayList<>(net.parameters().values());
        cfg.rule().epochStarted(epoch);
        for (int bi = 0; bi < batches; bi++) {
            int from = (int) ((long) bi * cfg.batchSize());
            int to = (int) Math.min(data.size(), (long) from + cfg.batchSize());
            int[] idx = java.util.Arrays.copyOfRange(order, from, to);
            opt.zeroGrad();
            List<Chunk> chunks = run(data, idx, epoch, true);
            double batchLoss = 0;
            int correct = 0;
            for (Chunk c : chunks) {
                batchLoss += c.loss * c.size / idx.length;
                correct += c.correct;
            }
            // each element of a parameter's gradient gets the chunks' gradients in chunk order, whichever thread
            // does its part
            int parts = cfg.threads();
            List<Runnable> sums = new ArrayList<>(parts);
            for (int part = 0; part < parts; part++) {
                int q = part;
                sums.add(() -> {
                    for (Chunk c : chunks) {
                        c.pass.accumulateGrads(q, parts);
                    }
                });
            }
            runAll(sums);
            guard(chunks, params, epoch, bi, batchLoss);
            if (cfg.clipNorm() > 0) {
                clip(params, cfg.clipNorm());
            }
            opt.step(this::runAll, cfg.threads());
            cfg.rule().batchDone(batchLoss);
            acc.add(chunks, batchLoss, idx.length);
            if (listener != null) {
                listener.batchDone(bi + 1, batches, batchLoss, (double) correct / idx.length,
                        batchRate(chunks, data.steps(), idx.length));
            }
            recycle(); // the batch is done: its arrays serve the next one
        }
        return acc.stats();
    }

    /** Loss, accuracy, rates and synaptic operations on {@code data}, without updating anything. */
    public Stats evaluate(SampleSet data) {
        checkShape(data);
        Acc acc = new Acc(net.layers().size(), data.steps());
        int n = data.size();
        for (int from = 0; from < n; from = (int) Math.min(n, (long) from + cfg.batchSize())) {
            int to = (int) Math.min(n, (long) from + cfg.batchSize());
            int[] idx = new int[to - from];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = from + i;
            }
            List<Chunk> chunks = run(data, idx, -1, false);
            double l = 0;
            for (Chunk c : chunks) {
                l += c.loss * c.size / idx.length;
            }
            acc.add(chunks, l, idx.length);
            recycle();
        }
        return acc.stats();
    }

    /** Class predictions for the given samples (by the loss's decoding rule). */
    public int[] predict(SampleSet data, int[] indices) {
        int[] out = new int[indices.length];
        for (int from = 0; from < indices.length; from = (int) Math.min(indices.length, (long) from + cfg.batchSize())) {
            int to = (int) Math.min(indices.length, (long) from + cfg.batchSize());
            int[] idx = java.util.Arrays.copyOfRange(indices, from, to);
            List<Chunk> chunks = run(data, idx, -1, false);
            int k = from;
            for (Chunk c : chunks) {
                for (int p : c.predictions) {
                    out[k++] = p;
                }
            }
            recycle();
        }
        return out;
    }

    private void recycle() {
        for (Arena a : arenas) {
            a.recycle();
        }
    }

    private double batchRate(List<Chunk> chunks, int steps, int batch) {
        double spikes = 0;
        double neurons = 0;
        for (int l = 0; l < net.layers().size(); l++) {
            if (net.layers().get(l).spiking()) {
                neurons += net.layers().get(l).spec().out();
                for (Chunk c : chunks) {
                    spikes += c.spikes[l];
                }
            }
        }
        return neurons == 0 ? Double.NaN : spikes / (neurons * steps * batch);
    }

    private void checkShape(SampleSet data) {
        if (data.inputs() != net.inputs()) {
            throw new IllegalArgumentException("the data has " + data.inputs() + " inputs but the network expects "
                    + net.inputs());
        }
        if (data.classes() > net.outputs()) {
            throw new IllegalArgumentException("the data has " + data.classes() + " classes but the network has only "
                    + net.outputs() + " outputs");
        }
    }

    /** The result of one chunk of a batch. */
    private static final class Chunk {
        int size;
        double loss;
        int correct;
        int[] predictions;
        Network.Pass pass;
        double[] spikes;
        double synops;
        /** Whether each layer's output is all finite, checked on the chunk's own thread. */
        boolean[] finite;
    }

    /**
     * Runs element-wise tasks (parts of the gradient sums and of the optimizer step) on the pool, or here without one,
     * and waits for all of them; the first failure is rethrown.
     */
    private void runAll(List<Runnable> tasks) {
        if (pool == null || tasks.size() <= 1) {
            tasks.forEach(Runnable::run);
            return;
        }
        List<Future<Object>> fs = new ArrayList<>(tasks.size());
        for (Runnable t : tasks) {
            fs.add(pool.submit(t, null));
        }
        awaitAll(fs);
    }

    private List<Chunk> run(SampleSet data, int[] idx, int epoch, boolean train) {
        int parts = Math.min(cfg.threads(), idx.length);
        List<java.util.function.Supplier<Chunk>> tasks = new ArrayList<>(parts);
        for (int c = 0; c < parts; c++) {
            int lo = idx.length * c / parts;
            int hi = idx.length * (c + 1) / parts;
            int slot = c;
            tasks.add(() -> arenas[slot].install(() -> chunk(data, idx, lo, hi, epoch, train, slot)));
        }
        if (pool == null || parts == 1) {
            List<Chunk> result = new ArrayList<>(parts);
            for (var task : tasks) {
                result.add(task.get());
            }
            return result;
        }
        List<Future<Chunk>> fs = new ArrayList<>(parts);
        for (var task : tasks) {
            fs.add(pool.submit(task::get));
        }
        // every chunk is waited for, even after one failed, so that no chunk still uses its input buffer when the
        // caller goes on (the buffers are reused by the next batch)
        return awaitAll(fs);
    }

    /**
     * The results of every future in order, after all of them have finished, even when one failed; then the first
     * failure in order is thrown (an interrupt of the waiting thread counts as one, and is passed on).
     */
    private static <T> List<T> awaitAll(List<Future<T>> fs) {
        List<T> result = new ArrayList<>(fs.size());
        RuntimeException failure = null;
        boolean interrupted = false;
        for (Future<T> f : fs) {
            while (true) {
                try {
                    result.add(f.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException re ? re
                                : new IllegalStateException(e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            if (failure == null) {
                failure = new IllegalStateException("interrupted");
            }
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    private Chunk chunk(SampleSet data, int[] idx, int lo, int hi, int epoch, boolean train, int slot) {
        int bc = hi - lo;
        int steps = data.steps();
        int in = data.inputs();
        int[] labels = new int[bc];
        for (int s = 0; s < bc; s++) {
            labels[s] = data.label(idx[lo + s]);
        }
        Tensor input;
        long inputEvents;
        if (data.eventBased()) {
            SpikeRows events = events(data, idx, lo, hi, epoch, slot);
            input = Tensor.ofEvents(events, steps, bc, in);
            inputEvents = events.count();
        } else {
            float[] x = floats(data, idx, lo, hi, epoch, slot);
            input = Tensor.of(x, steps, bc, in);
            inputEvents = checkedEvents(x, idx, lo, bc, in, epoch);
        }
        Tape tape = new Tape();
        Var x = tape.constant(input);
        Targets targets = targets(data, idx, lo, labels);
        long[] keys = new long[bc];
        for (int s = 0; s < bc; s++) {
            keys[s] = mix(mix(cfg.seed(), mix(epoch, idx[lo + s])), NOISE_STREAM);
        }
        RandomStream random = RandomStream.perRow(keys);
        Network.Pass pass;
        Var loss;
        if (train) {
            LearningRule.Outcome o = cfg.rule().apply(net, x, targets, objective,
                    ForwardContext.training(cfg.backend(), random), (float) bc / idx.length);
            pass = o.pass();
            loss = o.loss();
        } else {
            pass = cfg.rule().infer(net, x,
                    new ForwardContext(cfg.backend(), false, random, SpikeFunction.HEAVISIDE), objective);
            loss = objective.apply(pass, targets);
        }
        Chunk c = new Chunk();
        c.size = bc;
        c.loss = loss.item();
        c.pass = pass;
        c.predictions = Decoding.predict(cfg.loss(), pass.output().value());
        for (int s = 0; s < bc; s++) {
            if (c.predictions[s] == labels[s]) {
                c.correct++;
            }
        }
        countSpikes(c, inputEvents, pass);
        List<Var> outs = pass.outputs();
        c.finite = new boolean[outs.size()];
        for (int l = 0; l < outs.size(); l++) {
            // a spiking layer's sum (just taken; 0/1 spikes cannot overflow it) is finite exactly when all its outputs
            // are: no second pass over them
            c.finite[l] = net.layers().get(l).spiking() ? Double.isFinite(c.spikes[l])
                    : Kernels.allFinite(outs.get(l).value().data());
        }
        return c;
    }

    /** The chunk's class labels and, for a set with target spike trains, those {@code [T, bc, C]}. */
    public static Targets targets(SampleSet data, int[] idx, int lo, int[] labels) {
        int c = data.targetOutputs();
        if (c <= 0) {
            return Targets.of(labels);
        }
        int bc = labels.length;
        float[] y = new float[data.steps() * bc * c];
        for (int s = 0; s < bc; s++) {
            data.writeTarget(idx[lo + s], y, s, bc);
        }
        return new Targets(labels, Tensor.of(y, data.steps(), bc, c));
    }

    /**
     * The chunk's input as the events of an event-based set, rows {@code t·bc + s}: no float buffer of
     * {@code [T, bc, inputs]} is filled, scanned or kept.
     */
    private SpikeRows events(SampleSet data, int[] idx, int lo, int hi, int epoch, int slot) {
        int bc = hi - lo;
        int steps = data.steps();
        int in = data.inputs();
        SpikeRows sorted = sortedEvents(data, idx, lo, hi);
        if (sorted != null) {
            return sorted;
        }
        int[][] buf = eventBuffers[slot]; // rows, columns: reused from batch to batch, grown when a batch needs more
        int[] n = {0};
        for (int s = 0; s < bc; s++) {
            int sample = idx[lo + s];
            int sampleSlot = s;
            data.writeEvents(sample, (t, i) -> {
                if (t < 0 || t >= steps || i < 0 || i >= in) {
                    throw new IllegalArgumentException("sample " + sample + " has an event at (step " + t
                            + ", input " + i + ") outside [0, " + steps + ") × [0, " + in + ")");
                }
                if (n[0] == buf[0].length) {
                    buf[0] = java.util.Arrays.copyOf(buf[0], 2 * n[0]);
                    buf[1] = java.util.Arrays.copyOf(buf[1], 2 * n[0]);
                }
                buf[0][n[0]] = t * bc + sampleSlot;
                buf[1][n[0]++] = i;
            }, new SplittableRandom(mix(cfg.seed(), mix(epoch, sample))));
        }
        return SpikeRows.fromEntries(steps * bc, in, buf[0], buf[1], n[0]);
    }

    /**
     * The chunk's events straight from sets that keep each sample's events sorted by time step and input: row
     * {@code t·bc + s} is sample s's run of events at step t, so the rows are filled in order without sorting (the
     * same lists as {@link SpikeRows#fromEntries} makes). Null when some sample's events are not kept so.
     */
    private static SpikeRows sortedEvents(SampleSet data, int[] idx, int lo, int hi) {
        int bc = hi - lo;
        int steps = data.steps();
        int[][][] ev = new int[bc][][];
        long total = 0;
        for (int s = 0; s < bc; s++) {
            ev[s] = data.sortedEvents(idx[lo + s]);
            if (ev[s] == null) {
                return null;
            }
            total += ev[s][0].length;
        }
        if (total > Integer.MAX_VALUE - 8) {
            return null;
        }
        int rows = steps * bc;
        int[] start = new int[rows + 1];
        int[] index = Arena.intsAtLeast((int) Math.max(1, total));
        int[] cursor = new int[bc];
        int q = 0;
        for (int t = 0; t < steps; t++) {
            for (int s = 0; s < bc; s++) {
                int[] ts = ev[s][0];
                int[] us = ev[s][1];
                int p = cursor[s];
                while (p < ts.length && ts[p] == t) {
                    index[q++] = us[p++];
                }
                cursor[s] = p;
                start[t * bc + s + 1] = q;
            }
        }
        return SpikeRows.ofRows(rows, data.inputs(), start, index);
    }

    /** The chunk's input as floats {@code [T, bc, inputs]}, written into this slot's reused buffer. */
    private float[] floats(SampleSet data, int[] idx, int lo, int hi, int epoch, int slot) {
        int bc = hi - lo;
        int len = data.steps() * bc * data.inputs();
        float[] x = inputBuffers[slot];
        if (x == null || x.length != len) {
            x = new float[len];
            inputBuffers[slot] = x;
        } else {
            java.util.Arrays.fill(x, 0f);
        }
        for (int s = 0; s < bc; s++) {
            int sample = idx[lo + s];
            data.write(sample, x, s, bc, new SplittableRandom(mix(cfg.seed(), mix(epoch, sample))));
        }
        return x;
    }

    /** Number of non-zero inputs; throws on the first non-finite one, naming its sample, step and input. */
    private static long checkedEvents(float[] x, int[] idx, int lo, int bc, int in, int epoch) {
        long inputEvents = 0;
        for (int i = 0; i < x.length; i++) {
            float xi = x[i];
            if (xi == 0f) {
                continue; // most inputs: zero is finite, and one comparison decides it
            }
            inputEvents++;
            if (!Float.isFinite(xi)) {
                int t = i / (bc * in);
                int s = (i / in) % bc;
                throw new TrainingDivergedException("non-finite value (" + x[i] + ") in the input of sample "
                        + idx[lo + s] + " at time step " + t + ", input " + (i % in)
                        + (epoch >= 0 ? " (epoch " + (epoch + 1) + ")" : ""));
            }
        }
        return inputEvents;
    }

    private void countSpikes(Chunk c, long inputEvents, Network.Pass pass) {
        List<Layer> layers = net.layers();
        c.spikes = new double[layers.size()];
        double prevEvents = inputEvents;
        double synops = 0;
        for (int l = 0; l < layers.size(); l++) {
            Layer layer = layers.get(l);
            int out = layer.spec().out();
            synops += prevEvents * layer.projection().fanOut();
            if (layer.spiking()) {
                // exact: a sum of 0/1 spikes (called here directly, as the hot path of every step)
                double s = pass.spikeCountsGiven() ? pass.spikeCount(l)
                        : Kernels.spikeSum(pass.outputs().get(l).value().data());
                c.spikes[l] = s;
                if (((SpikingSpec) layer.spec()).recurrent()) {
                    synops += s * out;
                }
                prevEvents = s;
            } else {
                c.spikes[l] = Double.NaN;
                prevEvents = 0;
            }
        }
        c.synops = synops;
    }

    /** Stops on the first NaN or infinity, naming where it appeared. */
    private void guard(List<Chunk> chunks, List<Parameter> params, int epoch, int batch, double loss) {
        String where = "epoch " + (epoch + 1) + ", batch " + (batch + 1);
        for (Chunk c : chunks) {
            List<Var> outs = c.pass.outputs();
            for (int l = 0; l < outs.size(); l++) {
                Tensor o = outs.get(l).value();
                float[] d = o.data();
                if (c.finite[l]) {
                    continue;
                }
                for (int i = 0; i < d.length; i++) {
                    if (!Float.isFinite(d[i])) {
                        int perStep = o.size() / o.dim(0);
                        throw new TrainingDivergedException("non-finite value (" + d[i] + ") in the output of layer "
                                + l + " at time step " + (i / perStep) + " (" + where + ")");
                    }
                }
            }
        }
        if (!Double.isFinite(loss)) {
            throw new TrainingDivergedException("the loss became " + loss + " (" + where + ")");
        }
        Map<String, Parameter> named = net.parameters();
        for (var e : named.entrySet()) {
            if (Kernels.allFinite(e.getValue().grad().data())) {
                continue;
            }
            for (float g : e.getValue().grad().data()) {
                if (!Float.isFinite(g)) {
                    throw new TrainingDivergedException("non-finite gradient (" + g + ") for " + e.getKey() + " ("
                            + where + ")");
                }
            }
        }
    }

    /** Scales all gradients so that their global norm is at most {@code max}. */
    static void clip(List<Parameter> params, float max) {
        double sq = 0;
        for (Parameter p : params) {
            for (float g : p.grad().data()) {
                sq += (double) g * g;
            }
        }
        double norm = Math.sqrt(sq);
        if (norm > max) {
            float s = (float) (max / (norm + 1e-6));
            for (Parameter p : params) {
                float[] g = p.grad().data();
                for (int i = 0; i < g.length; i++) {
                    g[i] *= s;
                }
            }
        }
    }

    /** Running totals. */
    private final class Acc {
        double lossSum;
        int samples;
        int correct;
        final double[] spikes;
        double synops;

        final int steps;

        Acc(int layers, int steps) {
            this.spikes = new double[layers];
            this.steps = steps;
        }

        void add(List<Chunk> chunks, double batchLoss, int n) {
            lossSum += batchLoss * n;
            samples += n;
            for (Chunk c : chunks) {
                correct += c.correct;
                synops += c.synops;
                for (int l = 0; l < spikes.length; l++) {
                    spikes[l] += c.spikes[l];
                }
            }
        }

        Stats stats() {
            double[] rates = new double[spikes.length];
            for (int l = 0; l < spikes.length; l++) {
                int out = net.layers().get(l).spec().out();
                rates[l] = Double.isNaN(spikes[l]) ? Double.NaN : spikes[l] / ((double) out * Math.max(1, samples) * steps);
            }
            return new Stats(lossSum / Math.max(1, samples), (double) correct / Math.max(1, samples), rates,
                    synops / Math.max(1, samples), samples);
        }
    }
}
