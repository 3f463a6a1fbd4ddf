package dev.surge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.surge.core.train.MemoryModel;
import dev.surge.core.data.SampleSet;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.Network;
import dev.surge.core.optim.Adam;
import dev.surge.core.tensor.Blas;
import dev.surge.core.train.Trainer;
import dev.surge.core.train.Workload;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code surge bench}: times full training steps (forward over all T, loss, backward, Adam update) on the standard
 * workloads W1–W4 that {@code bench_peers.py} runs in PyTorch, and reports median and minimum milliseconds per step
 * and peak memory. Each workload runs in its own JVM, so that peak RSS is per workload, with a heap sized from the
 * workload's memory estimate (unless the JVM options already set a heap limit): a JVM's default heap, a quarter of
 * the machine's memory, lets the collector run late and grows the process far beyond what the step keeps live.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time training steps on the standard benchmark workloads.",
        footer = {"", "Workloads (LIF hidden and output, beta 0.9, threshold 1, subtract reset detached, fast_sigmoid:25,",
                "cross-entropy on output spike counts, Adam lr 1e-3, Bernoulli input spikes from a fixed seed):",
                "  W1 shd-ff    700 -> 256 -> 20            T=100  B=64   input density 5%%",
                "  W2 shd-rec   700 -> 256 (recurrent) -> 20 T=100  B=64   input density 5%%",
                "  W3 mnist-ff  784 -> 1000 -> 10           T=25   B=128  input density 20%%",
                "  W4 long      700 -> 256 -> 20            T=1000 B=16   input density 5%%",
                "", "Exit status: 0 done, 2 bad option."})
final class BenchCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper();

    static final List<Workload> WORKLOADS = Workload.ALL;

    @Option(names = "--workload", defaultValue = "all", description = "W1, W2, W3, W4 or all (default: ${DEFAULT-VALUE}).")
    String workload;

    @Option(names = "--steps", defaultValue = "30", description = "Timed training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "10", description = "Untimed steps of the timed network, from its "
            + "initial weights, before the timed ones (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--warmup-seconds", defaultValue = "3", description = "First warm the JIT compiler up on a "
            + "throwaway copy of the network for this many seconds and then until the compiler has been idle for "
            + QUIET_STEPS + " steps and " + MIN_IDLE_SECONDS + " s (at most " + MAX_QUIET_WAIT_SECONDS + " s more): it "
            + "is still at work after 10 short steps, and a kernel running compiled by C1 meanwhile allocates a vector "
            + "object per operation; 0 skips this warm-up (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--step-times", description = "Add every timed step's milliseconds to the JSON line (ms_steps).")
    boolean stepTimes;

    /** Consecutive warm-up steps without JIT compilation after which the warm-up may end. */
    static final int QUIET_STEPS = 5;
    /** Longest wait for an idle JIT compiler after the other warm-up conditions hold. */
    static final int MAX_QUIET_WAIT_SECONDS = 30;
    /** Shortest time without a finished compilation that counts as idle (with {@link #QUIET_STEPS}). */
    static final double MIN_IDLE_SECONDS = 0.2;

    @Option(names = "--threads", defaultValue = "2", description = "Worker threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--backend", defaultValue = "fused", description = "fused or composed (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--json", description = "One JSON line per workload instead of text.")
    boolean json;

    @Option(names = "--no-fork", description = "Run the workloads in this JVM, with its heap (peak RSS is then "
            + "cumulative).")
    boolean noFork;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private CommandLine.ParameterException bad(String msg) {
        return new CommandLine.ParameterException(spec.commandLine(), msg);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (steps <= 0) {
            throw bad("--steps must be positive, got " + steps);
        }
        if (warmup < 0) {
            throw bad("--warmup must be >= 0, got " + warmup);
        }
        if (!(warmupSeconds >= 0) || warmupSeconds > 3600) {
            throw bad("--warmup-seconds must be between 0 and 3600, got " + warmupSeconds);
        }
        if (threads <= 0) {
            throw bad("--threads must be positive, got " + threads);
        }
        if (threads > Trainer.MAX_THREADS) {
            throw bad("--threads must be at most " + Trainer.MAX_THREADS + ", got " + threads);
        }
        Backend be;
        try {
            be = Backend.parse(backend);
        } catch (IllegalArgumentException e) {
            throw bad("--backend must be fused or composed, not '" + backend + "'");
        }
        List<Workload> chosen = select(workload);
        if (chosen == null) {
            throw bad("--workload must be W1, W2, W3, W4 or all, not '" + workload + "'");
        }
        if (!json) {
            out.println(String.format(Locale.ROOT, "surge bench: %d threads, BLAS %s, Java %s, warm-up of at least %d "
                    + "steps and %s s, then %d timed steps", threads, Blas.get().name(), System.getProperty("java.version"),
                    warmup, fmtSeconds(warmupSeconds), steps));
        }
        for (Workload w : chosen) {
            ObjectNode r = noFork ? run(w, be) : forked(w);
            if (json) {
                out.println(JSON.writeValueAsString(r));
            } else {
                out.println(text(w, r));
            }
            out.flush();
        }
        return 0;
    }

    static List<Workload> select(String name) {
        if (name.equalsIgnoreCase("all")) {
            return WORKLOADS;
        }
        for (Workload w : WORKLOADS) {
            if (w.id().equalsIgnoreCase(name) || w.name().equalsIgnoreCase(name)) {
                return List.of(w);
            }
        }
        return null;
    }

    private static String text(Workload w, ObjectNode r) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "%-50s median %8.2f ms  min %8.2f ms per step   peak heap %5.0f MB  peak RSS %5.0f MB",
                w.describe(), r.get("ms_median").asDouble(), r.get("ms_min").asDouble(),
                r.get("peak_heap_mb").asDouble(), r.get("peak_rss_mb").asDouble()));
        if (r.has("sgemm_gflops")) {
            sb.append(String.format(Locale.ROOT, "%n    dense-equivalent rate %.1f GFLOP/s (%.2f GFLOP per step); "
                            + "%s sgemm on the same shapes: %.1f GFLOP/s",
                    r.get("dense_equiv_gflops").asDouble(), w.denseFlops() / 1e9, r.get("blas").asText(),
                    r.get("sgemm_gflops").asDouble()));
        }
        return sb.toString();
    }

    /**
     * Runs one workload in a child JVM with the same JVM options and class path and, unless those set a heap limit,
     * {@code -Xmx} from the workload's memory estimate; returns its JSON line.
     */
    private ObjectNode forked(Workload w) throws IOException, InterruptedException {
        boolean heapOption = ChildJvm.heapSetByUser();
        long heap = 0;
        // the estimate is fitted to the fused kernels; the composed graph keeps several times more per step
        if (!heapOption && Backend.parse(backend) == Backend.FUSED) {
            heap = MemoryModel.heapFor(estimate(w));
        } else {
            // the child gets this JVM's heap settings: refuse here, once, what it would refuse
            MemoryModel.require(network(w), w.steps(), w.batch(), threads,
                    MemoryModel.inputBytesPerSample(inputs(w)), null);
        }
        List<String> args = new ArrayList<>(List.of("bench", "--workload", w.id(), "--steps", Integer.toString(steps),
                "--warmup", Integer.toString(warmup), "--warmup-seconds", Double.toString(warmupSeconds), "--threads",
                Integer.toString(threads), "--backend", backend, "--json", "--no-fork"));
        if (stepTimes) {
            args.add("--step-times");
        }
        List<String> cmd = ChildJvm.command(heap, args);
        Process p = ChildJvm.builder(cmd).start();
        // pass the child's errors on, but not the JVM's incubator warning this JVM has already printed
        Thread errors = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    if (!l.startsWith("WARNING: Using incubator modules")) {
                        System.err.println(l);
                    }
                }
            } catch (IOException e) {
                // the child is gone; its exit status tells the rest
            }
        }, "bench-child-stderr");
        errors.setDaemon(true);
        errors.start();
        String line = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                if (l.startsWith("{")) {
                    line = l;
                }
            }
        }
        int rc = p.waitFor();
        errors.join(10_000);
        if (rc != 0 || line == null) {
            // the child has already said why on the shared standard error
            throw new IllegalStateException("benchmark of " + w.id() + " failed in its child JVM (exit " + rc + ")");
        }
        return (ObjectNode) JSON.readTree(line);
    }

    static Network network(Workload w) {
        return w.network();
    }

    static SampleSet inputs(Workload w) {
        return w.data();
    }

    private Trainer.Config config(Workload w, Backend be) {
        return w.config(threads, be);
    }

    /** Estimated live bytes of a workload's training step (see {@link MemoryModel}). */
    long estimate(Workload w) {
        return w.estimate(threads);
    }

    ObjectNode run(Workload w, Backend be) {
        SampleSet data = inputs(w);
        MemoryModel.require(network(w), w.steps(), w.batch(), threads, MemoryModel.inputBytesPerSample(data), null);
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        // 1. warm the JIT up on a throwaway copy of the network: for --warmup-seconds, then until the compiler has
        // been idle (a method it replaces mid-run, tier 3 code before tier 4's, runs the Vector API unintrinsified
        // for a while, at several times the step time)
        long start = System.nanoTime();
        int jitSteps = 0;
        Boolean jitQuiet = null; // null: not checked
        if (warmupSeconds > 0) {
            Network scratch = network(w);
            try (Trainer trainer = new Trainer(scratch, Workload.optimizer(scratch), config(w, be))) {
                while ((System.nanoTime() - start) / 1e9 < warmupSeconds) {
                    trainer.trainEpoch(data, jitSteps++, null);
                }
                CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
                if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
                    // idle for QUIET_STEPS steps and MIN_IDLE_SECONDS: the compilation time only grows when a
                    // compilation ends, so a long one in progress looks idle for a while
                    long quietUntil = System.nanoTime() + (long) (MAX_QUIET_WAIT_SECONDS * 1e9);
                    int quiet = 0;
                    long idleSince = System.nanoTime();
                    while ((quiet < QUIET_STEPS || System.nanoTime() - idleSince < MIN_IDLE_SECONDS * 1e9)
                            && System.nanoTime() < quietUntil) {
                        long before = jit.getTotalCompilationTime();
                        trainer.trainEpoch(data, jitSteps++, null);
                        if (jit.getTotalCompilationTime() == before) {
                            quiet++;
                        } else {
                            quiet = 0;
                            idleSince = System.nanoTime();
                        }
                    }
                    jitQuiet = quiet >= QUIET_STEPS && System.nanoTime() - idleSince >= MIN_IDLE_SECONDS * 1e9;
                }
            }
        }
        double warmupTook = (System.nanoTime() - start) / 1e9;
        // 2. time a fresh network from its initial weights, after --warmup untimed steps: the timed steps are the same
        // ones of training however long the JIT took (training changes spike rates, and with them the work of a step)
        Network net = network(w);
        double[] ms = new double[steps];
        try (Trainer trainer = new Trainer(net, Workload.optimizer(net), config(w, be))) {
            for (int i = 0; i < warmup; i++) {
                trainer.trainEpoch(data, i, null);
            }
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                trainer.trainEpoch(data, warmup + i, null);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        ObjectNode r = JSON.createObjectNode();
        r.put("workload", w.id());
        r.put("name", w.name());
        r.put("ms_median", round(median));
        r.put("ms_min", round(sorted[0]));
        double rss = peakRssMb();
        if (Double.isNaN(rss)) {
            r.putNull("peak_rss_mb"); // not Linux: no /proc/self/status
        } else {
            r.put("peak_rss_mb", round(rss));
        }
        r.put("peak_heap_mb", round(peakHeapMb()));
        r.put("max_heap_mb", round(Runtime.getRuntime().maxMemory() / 1048576.0));
        r.put("threads", threads);
        r.put("steps", steps);
        r.put("warmup", warmup);
        r.put("jit_warmup_steps", jitSteps);
        r.put("warmup_seconds", round(warmupTook));
        if (jitQuiet == null) {
            r.putNull("warmup_jit_idle");
        } else {
            r.put("warmup_jit_idle", jitQuiet);
        }
        r.put("backend", backend);
        r.put("blas", Blas.get().name());
        r.put("java", System.getProperty("java.version"));
        r.put("dense_equiv_gflops", round(w.denseFlops() / (median / 1e3) / 1e9));
        if (w.id().equals("W1")) {
            r.put("sgemm_gflops", round(sgemmRate(w, threads)));
        }
        if (stepTimes) {
            var a = r.putArray("ms_steps");
            for (double v : ms) {
                a.add(round(v));
            }
        }
        return r;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /**
     * The BLAS rate on the dense products of a W1 step's input layer (the product {@code X·Wᵀ} and its weight gradient
     * {@code Gᵀ·X}), each thread on its share of the T·B rows as in training, timed over repeated rounds: the median
     * GFLOP/s of all threads together.
     */
    static double sgemmRate(Workload w, int threads) {
        int rows = w.steps() * w.batch() / threads;
        float[][] x = new float[threads][rows * w.in()];
        float[][] y = new float[threads][rows * w.hidden()];
        float[][] gw = new float[threads][w.hidden() * w.in()];
        float[] wt = new float[w.hidden() * w.in()];
        SplittableRandom rng = new SplittableRandom(7);
        for (float[] a : x) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rng.nextDouble();
            }
        }
        for (int i = 0; i < wt.length; i++) {
            wt[i] = (float) rng.nextDouble();
        }
        Blas blas = Blas.get();
        double flopsPerRound = 2.0 * 2.0 * rows * threads * w.in() * w.hidden();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double[] rates = new double[12];
            for (int round = 0; round < rates.length + 3; round++) {
                long t0 = System.nanoTime();
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    fs.add(pool.submit(() -> {
                        blas.sgemm(false, true, rows, w.hidden(), w.in(), 1f, x[id], 0, w.in(), wt, 0, w.in(), 0f,
                                y[id], 0, w.hidden());
                        blas.sgemm(true, false, w.hidden(), w.in(), rows, 1f, y[id], 0, w.hidden(), x[id], 0, w.in(),
                                0f, gw[id], 0, w.in());
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                if (round >= 3) {
                    rates[round - 3] = flopsPerRound / secs / 1e9;
                }
            }
            Arrays.sort(rates);
            return rates[rates.length / 2];
        } catch (Exception e) {
            throw new IllegalStateException("sgemm timing failed", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Peak resident set size of this process (VmHWM), or NaN where /proc is not available. */
    static double peakRssMb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Double.NaN;
    }

    /** Sum over the heap pools of their peak use since the last reset (an upper bound: the peaks need not coincide). */
    static double peakHeapMb() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum / 1048576.0;
    }

    private static String fmtSeconds(double s) {
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }
}
