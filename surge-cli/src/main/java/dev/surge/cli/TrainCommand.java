package dev.surge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.surge.core.train.MemoryModel;
import dev.surge.core.loss.Loss;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.LayerSpec;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.Parameter;
import dev.surge.core.optim.Adam;
import dev.surge.core.optim.Optimizer;
import dev.surge.core.optim.Sgd;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.train.Schedule;
import dev.surge.core.train.Trainer;
import dev.surge.core.train.Training;
import dev.surge.core.train.TrainingListener;
import dev.surge.core.train.TrainingDivergedException;
import dev.surge.io.FormatException;
import dev.surge.io.golden.GoldenFormatException;
import dev.surge.io.golden.GoldenReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code surge train}: trains a spiking network by BPTT on a built-in or downloaded dataset and writes a run
 * directory (config, metrics, model, plots). With no arguments: a recurrent LIF network on Randman.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a spiking network by backpropagation through time.",
        footer = {"", "Model presets: recurrent, ff, ff-512, ff-wide, ff-deep, or a JSON model file whose layers are of",
            "type lif, if, synaptic, alif, izhikevich, adex or li (docs/EXTENDING.md).",
            "Exit status: 0 done, 1 training diverged (NaN/Inf; the last good checkpoint is kept), 2 bad input."})
final class TrainCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--dataset", defaultValue = "randman",
            description = "randman, evidence, race, pattern, fashion-mnist, mnist, shd, ssc or nmnist (default: "
                    + "${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--model", description = "A preset name or a JSON model file (default: per dataset).")
    String model;

    @Option(names = "--epochs", description = "Epochs (default: 60 on randman, 10 on evidence and race, 1000 on "
            + "pattern, 20 otherwise).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Samples per batch (default: 32 for randman, 128 otherwise).")
    Integer batchSizeOption;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: 5e-3 for randman, 2e-3 otherwise).")
    Float lrOption;

    @Option(names = "--time-steps", description = "Time steps T (default: 100 for randman, 25 for images).")
    Integer timeSteps;

    @Option(names = "--encoding", description = "For images: rate, latency, latency-log, delta or direct (default: direct, the pixel as input current at every step).")
    String encoding;

    @Option(names = "--surrogate", defaultValue = "fast_sigmoid:25",
            description = "NAME:SCALE, NAME one of sigmoid, fast_sigmoid, atan, rectangle, triangle, gaussian, "
                    + "straight_through (default: ${DEFAULT-VALUE}).")
    String surrogate;

    @Option(names = "--loss", description = "ce_max_membrane, ce_mean_membrane, ce_last_membrane:STEPS, ce_count, "
            + "... (default: ce_last_membrane over the recall cue for evidence, else ce_max_membrane).")
    String loss;

    @Option(names = "--regularize", paramLabel = "SPEC",
            description = "Add a spike regulariser on every spiking layer: rate_l1:WEIGHT or "
                    + "homeostasis:TARGET_RATE:WEIGHT (repeatable; 'none' for none). Default for randman: "
                    + "homeostasis:0.02:10, which keeps the recurrent layer from saturating; none otherwise.")
    List<String> regularize;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam, adamw or sgd (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--weight-decay", defaultValue = "0", description = "Weight decay (default: ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(names = "--schedule", defaultValue = "cosine",
            description = "constant, cosine or step:EVERY:GAMMA (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--clip", defaultValue = "0", description = "Gradient-norm clip, 0 for none (default: ${DEFAULT-VALUE}).")
    float clip;

    @Option(names = "--patience", defaultValue = "0",
            description = "Stop after this many epochs without better validation accuracy; 0 never (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--keep-best", description = "End with the weights of the epoch with the best validation accuracy "
            + "(model.safetensors, the test figures and the plots); the checkpoint keeps the last epoch's for --resume.")
    boolean keepBest;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for initialisation, order and encoding (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--randman", paramLabel = "KEY=VALUE", split = ",",
            description = "Randman parameters: classes, units, dim (manifold), alpha, samples (per class), spikes "
                    + "(per unit); default classes=10 units=20 dim=1 alpha=2 samples=1000 spikes=1.")
    java.util.Map<String, String> randman;

    @Option(names = "--evidence", paramLabel = "KEY=VALUE", split = ",",
            description = "Evidence-task parameters: cues, cue (steps per cue), gap, recall (steps), rate and noise "
                    + "(spike probability per step), samples, validation, test (set sizes); default cues=7 cue=100 "
                    + "gap=50 recall=150 rate=0.04 noise=0.01 samples=2048 validation=256 test=1024. --time-steps "
                    + "sets the delay.")
    java.util.Map<String, String> evidence;

    @Option(names = "--race", paramLabel = "KEY=VALUE", split = ",",
            description = "Race parameters: channels, rate (the winner's largest spike probability per step), gap "
                    + "(the largest loser/winner rate ratio), samples, validation, test; default channels=2 rate=0.1 "
                    + "gap=0.8 samples=2048 validation=256 test=1024.")
    java.util.Map<String, String> race;

    @Option(names = "--pattern", paramLabel = "KEY=VALUE", split = ",",
            description = "Pattern-task parameters: inputs, rate (the frozen input's spike probability per step), "
                    + "noise (each sample's extra spikes per step), samples, validation, test; default inputs=50 "
                    + "rate=0.05 noise=0.002 samples=256 validation=32 test=64.")
    java.util.Map<String, String> pattern;

    @Option(names = "--target", paramLabel = "FILE", description = "For --dataset pattern: the raster to emit, a "
            + "text file with one row of 0/1 per output neuron and one column per time step (default: the "
            + "built-in \"SURGE\" raster).")
    Path target;

    @Option(names = "--data-seed", defaultValue = "42", description = "Seed of generated datasets (default: ${DEFAULT-VALUE}).")
    long dataSeed;

    @Option(names = "--threads", description = "Worker threads (default: the number of cores).")
    Integer threads;

    @Option(names = "--out", description = "Run directory (default: runs/DATASET-TIMESTAMP).")
    Path out;

    @Option(names = "--resume", description = "Continue the interrupted run in --out.")
    boolean resume;

    @Option(names = "--force", description = "Overwrite an existing run directory.")
    boolean force;

    @Option(names = "--json", description = "Print one final JSON line with the results.")
    boolean json;

    @Option(names = "--data-dir", description = "Where dataset files are (searched first).")
    Path dataDir;

    @Option(names = "--no-download", description = "Never download datasets.")
    boolean noDownload;

    @Option(names = "--backend", defaultValue = "fused", description = "fused or composed (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--limit", description = "Use only the first N training samples (for quick trials).")
    Integer limit;

    @Option(names = "--stop-after", description = "Stop after this many epochs in total (continue later with --resume).")
    Integer stopAfter;

    @Option(names = "--no-plots", description = "Do not draw PNG plots.")
    boolean noPlots;

    @Option(names = "--stochastic", paramLabel = "K",
            description = "Make every spiking layer stochastic: escape noise s ~ Bernoulli(sig(K·(v − θ))).")
    Float stochastic;

    @Option(names = "--estimator", paramLabel = "NAME", description = "How gradients are obtained: bptt (default; "
            + "stochastic layers sample and back-propagate through the escape noise), surrogate, "
            + "stochastic_surrogate, straight_through, concrete, reinforce or reinforce_baseline.")
    String estimator;

    @Option(names = "--rule", paramLabel = "NAME", description = "The learning rule: bptt (default) or eprop "
            + "(eligibility propagation: one LIF or ALIF layer and a readout, no backpropagation through time).")
    String rule;

    @Option(names = "--feedback", paramLabel = "KIND", description = "e-prop's feedback of the readout error: "
            + "symmetric (default; the readout's weights) or random (a fixed random matrix).")
    String feedback;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private CommandLine.ParameterException bad(String msg) {
        return new CommandLine.ParameterException(spec.commandLine(), msg);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HeapWatch.start();
        RunConfig cfg = resolve();
        RunDirectory run = RunDirectory.open(cfg.out(), resume, force);
        if (resume) {
            RunConfig given = cfg;
            cfg = RunConfig.fromJson(run.dir().resolve("config.json"), run.readConfig(), cfg, epochs);
            refuseChangedOptions(given, cfg);
        }
        if (mayFork(cfg)) {
            long heap = childHeap(cfg, err);
            if (heap > 0) {
                System.gc(); // the data and network that sized the heap are garbage now: give their memory back
                List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
                if (out == null) {
                    args.addAll(List.of("--out", cfg.out().toString()));
                }
                return ChildJvm.runInherited(ChildJvm.command(heap, args));
            }
        }
        DataSplits data = load(cfg, err);
        List<LayerSpec> layers = cfg.layers(data.train().classes());
        checkTargets(cfg, data, layers);
        checkMemory(cfg, data, layers);
        Network net = Network.create(data.train().inputs(), layers, cfg.seed());
        List<Parameter> params = new ArrayList<>(net.parameters().values());
        Optimizer opt = switch (cfg.optimizer()) {
            case "adam" -> Adam.adam(params, cfg.lr(), 0.9f, 0.999f, 1e-8f, cfg.weightDecay());
            case "adamw" -> Adam.adamW(params, cfg.lr(), 0.9f, 0.999f, 1e-8f, cfg.weightDecay());
            case "sgd" -> new Sgd(params, cfg.lr(), 0.9f, cfg.weightDecay());
            default -> throw bad("--optimizer must be adam, adamw or sgd, not '" + cfg.optimizer() + "'");
        };
        Schedule sched = Schedule.parse(cfg.schedule());
        Loss lossFn = cfg.lossFunction();
        int startEpoch = 0;
        List<ObjectNode> history = new ArrayList<>();
        if (resume && run.hasCheckpoint()) {
            startEpoch = run.restore(net, opt, history);
            err.println("surge: resuming " + run.dir() + " after epoch " + startEpoch);
        } else if (resume) {
            err.println("surge: " + run.dir() + " stopped before its first checkpoint; starting it again");
        }
        List<Double> validation = new ArrayList<>();
        for (ObjectNode h : history) {
            validation.add(h.path("val_accuracy").asDouble(-1));
        }
        boolean interactive = System.console() != null && !json;
        long t0 = System.nanoTime();
        RunConfig c = cfg;
        try (Training training = new Training(net, opt).loss(lossFn).regularizers(regularizers(c.regularize(), layers))
                .schedule(sched).learningRate(c.lr()).backend(c.backendEnum()).epochs(c.epochs())
                .batchSize(c.batchSize()).seed(c.seed()).threads(c.threads()).clip(c.clip()).patience(c.patience())
                .stopAfter(stopAfter != null ? stopAfter : 0).batchSizeName("--batch-size").rule(c.rule())
                .keepBest(c.keepBest()).resume(validation, run.previousSeconds())) {
            if (c.keepBest() && resume && run.hasCheckpoint()) {
                training.resumeBest(run.restoredBest());
            }
            if (!resume || !run.hasCheckpoint()) {
                run.writeConfig(c.toJson(), layers, data.train().inputs());
            } else {
                run.writeModel(layers, data.train().inputs());
            }
            Progress[] bar = new Progress[1];
            training.listener(new TrainingListener() {
                @Override
                public void epochStarted(int epoch, int epochs, int batches) {
                    bar[0] = Progress.start(interactive, err, "epoch " + epoch + "/" + epochs, batches);
                }

                @Override
                public void batchDone(int batch, int batches, double loss, double accuracy, double rate) {
                    bar[0].update(batch, batches, loss, accuracy, rate);
                }

                @Override
                public void epochDone(TrainingListener.EpochReport r) {
                    bar[0].close();
                    ObjectNode m = metrics(r);
                    history.add(m);
                    try {
                        run.saveEpoch(net, opt, m, history, r.trainSeconds(), training.bestParameters());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    err.println(patternTask(c) ? String.format(Locale.ROOT,
                            "epoch %d/%d  loss %.4f  val_loss %.4f  rate %s  synops %.3g  lr %.2e  %.1fs",
                            r.epoch(), c.epochs(), r.train().loss(), r.validation().loss(),
                            rateText(r.train().rates()), r.train().synopsPerSample(), r.lr(), r.epochSeconds())
                            : String.format(Locale.ROOT,
                            "epoch %d/%d  loss %.4f  acc %.2f%%  val_loss %.4f  val_acc %.2f%%  rate %s  synops %.3g  "
                                    + "lr %.2e  %.1fs",
                            r.epoch(), c.epochs(), r.train().loss(), 100 * r.train().accuracy(),
                            r.validation().loss(), 100 * r.validation().accuracy(), rateText(r.train().rates()),
                            r.train().synopsPerSample(), r.lr(), r.epochSeconds()));
                    err.flush();
                }
            });
            Training.Result fit;
            try {
                fit = training.fit(data.train(), data.validation());
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } finally {
                if (bar[0] != null) {
                    bar[0].close();
                }
            }
            String stopReason = switch (fit.stop()) {
                case COMPLETED -> "completed";
                case EARLY_STOP -> "early stop: no better validation accuracy for " + c.patience() + " epochs";
                case STOPPED_AFTER -> "stopped after " + stopAfter + " epochs (--stop-after); continue with --resume";
            };
            if (c.keepBest()) {
                run.saveModel(net);
            }
            Trainer.Stats te = training.evaluate(data.test());
            double wall = (System.nanoTime() - t0) / 1e9;
            ObjectNode result = JSON.createObjectNode();
            result.put("dataset", c.dataset());
            dev.surge.core.train.SpikeTiming timing = null;
            if (patternTask(c)) {
                timing = dev.surge.core.train.SpikeTiming.evaluate(net, data.test(), c.backendEnum(),
                        TIMING_TOLERANCE);
                putTiming(result, te.loss(), timing);
                result.put("target_spikes", timing.targetSpikes() / data.test().size());
            } else {
                result.put("test_accuracy", te.accuracy());
                result.put("test_loss", te.loss());
            }
            double margin = Double.NaN;
            if (lossFn instanceof Loss.TemporalMargin || lossFn instanceof Loss.CeFirstSpike) {
                margin = firstSpikeMargin(net, data.test(), c.backendEnum());
                result.put("first_spike_margin", margin);
            }
            if (timing == null) {
                result.put("best_val_accuracy", fit.bestValidationAccuracy());
                result.put("best_epoch", fit.bestEpoch());
                result.put("weights", c.keepBest() && fit.bestEpoch() > 0 ? "best" : "last");
            }
            result.put("epochs", history.size());
            result.put("train_seconds", fit.trainSeconds());
            result.put("wall_seconds", wall);
            result.put("stop", stopReason);
            result.put("run_dir", run.dir().toString());
            result.put("peak_heap_mb", HeapWatch.peakMb());
            result.put("peak_rss_mb", BenchCommand.peakRssMb());
            run.writeResult(result);
            if (!noPlots) {
                try {
                    Plots.drawAll(run, net, data.test(), c.backendEnum(), history);
                } catch (RuntimeException | IOException e) {
                    err.println("surge: plots not written: " + e.getMessage());
                }
            }
            if (json) {
                out.println(JSON.writeValueAsString(result));
            } else if (timing != null) {
                out.println(String.format(Locale.ROOT, "van Rossum distance %.4f after %d epochs (%.1f s training); "
                        + "%s; run in %s", te.loss(), history.size(), fit.trainSeconds(), timingText(timing), run.dir()));
            } else {
                out.println(String.format(Locale.ROOT, "test accuracy %.2f%% after %d epochs (%.1f s training)%s; run in %s",
                        100 * te.accuracy(), history.size(), fit.trainSeconds(), Double.isNaN(margin) ? ""
                                : String.format(Locale.ROOT, ", first-spike margin %.2f steps", margin), run.dir()));
            }
        } catch (TrainingDivergedException e) {
            err.println("surge train: training diverged: " + e.getMessage() + "; the last good checkpoint ("
                    + history.size() + " epochs) is in " + run.dir());
            return 1;
        }
        return 0;
    }

    /** Steps within which an output spike counts as hitting a target spike (half the built-in raster's spacing). */
    static final int TIMING_TOLERANCE = 2;

    /** The van Rossum loss and the spike-timing figures of a run with target spike trains, as JSON fields. */
    static void putTiming(ObjectNode o, double vanRossum, dev.surge.core.train.SpikeTiming t) {
        o.put("van_rossum", vanRossum);
        o.put("hit_rate", t.hitRate());
        o.put("exact_rate", t.exactRate());
        o.put("timing_error_steps", t.timingError());
        o.put("extra_rate", t.extraRate());
    }

    /** The spike-timing figures in words. */
    static String timingText(dev.surge.core.train.SpikeTiming t) {
        return String.format(Locale.ROOT, "%.1f%% of target spikes hit within ±%d steps (%.1f%% exactly), mean timing "
                + "error %.2f steps, %.1f%% extra spikes", 100 * t.hitRate(), TIMING_TOLERANCE, 100 * t.exactRate(),
                t.timingError(), 100 * t.extraRate());
    }

    /** Whether a run trains to target spike trains (the accuracy of its class labels means nothing). */
    static boolean patternTask(RunConfig c) {
        return c.dataset().equals("pattern");
    }

    /**
     * Mean first-spike margin over {@code test} (steps by which the correct output's first spike precedes the
     * earliest wrong one), for runs decided by the first spike.
     */
    static double firstSpikeMargin(Network net, dev.surge.core.data.SampleSet test, Backend backend) {
        double sum = 0;
        int batch = 256;
        for (int lo = 0; lo < test.size(); lo += batch) {
            int b = Math.min(batch, test.size() - lo);
            float[] x = new float[test.steps() * b * test.inputs()];
            int[] labels = new int[b];
            for (int i = 0; i < b; i++) {
                test.write(lo + i, x, i, b, new java.util.SplittableRandom(lo + i));
                labels[i] = test.label(lo + i);
            }
            var out = net.forward(new dev.surge.core.autograd.Tape().constant(
                    dev.surge.core.tensor.Tensor.of(x, test.steps(), b, test.inputs())), backend).output().value();
            for (double m : dev.surge.core.train.Decoding.firstSpikeMargins(out, labels)) {
                sum += m;
            }
        }
        return sum / test.size();
    }

    private DataSplits load(RunConfig cfg, PrintWriter err) throws IOException {
        DataSplits data = DataSplits.load(cfg.dataset(), cfg.steps(), cfg.encoding(), dataDir, !noDownload,
                cfg.dataSeed(), cfg.dataSpec(), msg -> err.println("surge: " + msg));
        if (cfg.limit() > 0 && cfg.limit() < data.train().size()) {
            data = new DataSplits(data.name(), Subsets.first(data.train(), cfg.limit()), data.validation(), data.test());
        }
        return data;
    }

    /**
     * Whether this run may move to a child JVM with a sized heap: a standalone {@code surge train} (not one called
     * from Java, not already a child), no heap option given, {@code SURGE_FORK} not {@code false}, on the fused
     * backend with layers the fused kernels run (the estimate is fitted to them; a composed graph, which stochastic
     * layers and refractory periods need, keeps several times more per step).
     */
    private static boolean mayFork(RunConfig cfg) {
        return Main.standalone && !ChildJvm.isChild() && !ChildJvm.heapSetByUser()
                && !"false".equals(System.getenv("SURGE_FORK")) && cfg.backendEnum() == Backend.FUSED
                && cfg.layers(2).stream().allMatch(l -> !(l instanceof dev.surge.core.nn.SpikingSpec s)
                        || s.fusable());
    }

    /**
     * The heap of a child JVM to train in, or 0 to train in this one (when this JVM's heap is no larger): the data
     * and the network, as this JVM holds them after a collection, plus the step's estimate with headroom
     * ({@link MemoryModel#heapFor}). Fashion-MNIST then peaks near 0.4 GB of RSS instead of growing past 1 GB in a
     * default heap, at the same speed (docs/PERFORMANCE.md). Refuses, as the child would, a run that cannot fit.
     */
    private long childHeap(RunConfig cfg, PrintWriter err) throws IOException {
        Runtime rt = Runtime.getRuntime();
        long before = used(rt);
        DataSplits data = load(cfg, err);
        List<LayerSpec> layers = cfg.layers(data.train().classes());
        checkTargets(cfg, data, layers);
        checkMemory(cfg, data, layers);
        Network net = Network.create(data.train().inputs(), layers, cfg.seed());
        int batch = evaluationBatch(cfg, data);
        long inputBytes = MemoryModel.inputBytesPerSample(data.train());
        long held = Math.max(0, used(rt) - before);
        long step = cfg.learningRule().equals("eprop")
                ? batch * dev.surge.core.eprop.EProp.bytesPerSample(data.train().inputs(), layers,
                        data.train().steps(), inputBytes) + MemoryModel.parameterBytes(net, Math.min(cfg.threads(), batch))
                : MemoryModel.estimate(net, data.train().steps(), batch, cfg.threads(), inputBytes);
        long heap = held + MemoryModel.heapFor(step);
        return heap < rt.maxMemory() ? heap : 0;
    }

    /**
     * Refuses, from the layer specs and before any weight is allocated, a run whose step would not fit the heap.
     * Validation and test run in batches of the same size, so the largest of the three sets counts.
     */
    private static void checkMemory(RunConfig cfg, DataSplits data, List<LayerSpec> layers) {
        if (cfg.learningRule().equals("eprop")) {
            int in = data.train().inputs();
            MemoryModel.require(dev.surge.core.eprop.EProp.bytesPerSample(in, layers, data.train().steps(),
                    MemoryModel.inputBytesPerSample(data.train())), MemoryModel.parameters(in, layers),
                    evaluationBatch(cfg, data), cfg.threads(), "--batch-size");
            return;
        }
        MemoryModel.require(data.train().inputs(), layers, data.train().steps(), evaluationBatch(cfg, data),
                cfg.threads(), MemoryModel.inputBytesPerSample(data.train()), "--batch-size");
    }

    /**
     * Refuses a model whose output cannot be compared with the set's target spike trains: the last layer must spike
     * and have one neuron per raster row.
     */
    static void checkTargets(RunConfig cfg, DataSplits data, List<LayerSpec> layers) {
        int c = data.train().targetOutputs();
        if (c <= 0) {
            return;
        }
        LayerSpec last = layers.get(layers.size() - 1);
        String raster = "the target raster" + (cfg.dataSpec().contains("target=builtin") ? " (built-in)" : "");
        if (!(last instanceof dev.surge.core.nn.SpikingSpec)) {
            throw new IllegalArgumentException("--model " + cfg.model() + ": the pattern task compares output spikes "
                    + "with " + raster + ", but the last layer is a membrane readout; end the model with a spiking "
                    + "layer of " + c + " neurons");
        }
        if (last.out() != c) {
            throw new IllegalArgumentException(raster + " has " + c + " rows (output neurons) but the last layer of "
                    + "--model " + cfg.model() + " has " + last.out() + " neurons");
        }
    }

    /** The largest batch any of the three sets is cut into. */
    private static int evaluationBatch(RunConfig cfg, DataSplits data) {
        int largest = Math.max(data.train().size(), Math.max(data.validation().size(), data.test().size()));
        return Math.max(1, Math.min(cfg.batchSize(), largest));
    }

    /** Heap in use after a full collection. */
    private static long used(Runtime rt) {
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** The metrics line of an epoch, as written to metrics.jsonl. */
    static ObjectNode metrics(TrainingListener.EpochReport r) {
        ObjectNode m = JSON.createObjectNode();
        m.put("epoch", r.epoch());
        m.put("lr", r.lr());
        m.put("loss", r.train().loss());
        m.put("accuracy", r.train().accuracy());
        m.put("val_loss", r.validation().loss());
        m.put("val_accuracy", r.validation().accuracy());
        var rates = m.putArray("spike_rate");
        for (double x : r.train().rates()) {
            if (Double.isNaN(x)) {
                rates.addNull();
            } else {
                rates.add(x);
            }
        }
        m.put("synops_per_sample", r.train().synopsPerSample());
        m.put("epoch_seconds", r.epochSeconds());
        m.put("train_seconds", r.trainSeconds());
        return m;
    }

    /**
     * A resumed run keeps its saved configuration (that is what makes it bit-exact): an option given again with
     * another value than the saved one is refused rather than ignored. Only {@code --epochs} and
     * {@code --stop-after} may change.
     */
    private void refuseChangedOptions(RunConfig given, RunConfig saved) {
        Map<String, Function<RunConfig, Object>> fields = new LinkedHashMap<>();
        fields.put("--dataset", RunConfig::dataset);
        fields.put("--model", RunConfig::model);
        fields.put("--batch-size", RunConfig::batchSize);
        fields.put("--lr", RunConfig::lr);
        fields.put("--time-steps", RunConfig::steps);
        fields.put("--encoding", RunConfig::encoding);
        fields.put("--surrogate", RunConfig::surrogate);
        fields.put("--loss", RunConfig::loss);
        fields.put("--regularize", RunConfig::regularize);
        fields.put("--optimizer", RunConfig::optimizer);
        fields.put("--weight-decay", RunConfig::weightDecay);
        fields.put("--schedule", RunConfig::schedule);
        fields.put("--clip", RunConfig::clip);
        fields.put("--patience", RunConfig::patience);
        fields.put("--seed", RunConfig::seed);
        fields.put("--randman", RunConfig::dataSpec);
        fields.put("--evidence", RunConfig::dataSpec);
        fields.put("--race", RunConfig::dataSpec);
        fields.put("--data-seed", RunConfig::dataSeed);
        fields.put("--threads", RunConfig::threads);
        fields.put("--backend", RunConfig::backend);
        fields.put("--limit", RunConfig::limit);
        fields.put("--estimator", RunConfig::estimator);
        fields.put("--stochastic", RunConfig::stochastic);
        fields.put("--rule", RunConfig::learningRule);
        fields.put("--feedback", RunConfig::feedback);
        fields.put("--keep-best", RunConfig::keepBest);
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (var e : fields.entrySet()) {
            Object now = e.getValue().apply(given);
            Object before = e.getValue().apply(saved);
            if (parsed.hasMatchedOption(e.getKey()) && !Objects.equals(now, before)) {
                throw bad("--resume continues " + saved.out() + " with its saved configuration, but " + e.getKey()
                        + " " + now + " differs from its " + before + "; only --epochs and --stop-after may change "
                        + "(start a new run with another --out for other settings)");
            }
        }
    }

    static String rateText(double[] rates) {
        StringBuilder sb = new StringBuilder();
        for (double r : rates) {
            if (!Double.isNaN(r)) {
                sb.append(sb.length() == 0 ? "" : "/").append(String.format(Locale.ROOT, "%.3f", r));
            }
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    private RunConfig resolve() {
        if (!DataSplits.NAMES.contains(dataset)) {
            throw bad("unknown --dataset '" + dataset + "'; known: " + String.join(", ", DataSplits.NAMES));
        }
        if (resume && out == null) {
            throw bad("--resume needs --out DIR (the run to continue)");
        }
        if (resume && force) {
            throw bad("--resume and --force contradict each other");
        }
        boolean evidenceTask = dataset.equals("evidence");
        boolean raceTask = dataset.equals("race");
        boolean patternTask = dataset.equals("pattern");
        int e = epochs != null ? epochs : (dataset.equals("randman") ? 60 : evidenceTask || raceTask ? 10
                : patternTask ? 1000 : 20);
        if (e <= 0) {
            throw bad("--epochs must be positive, got " + e);
        }
        int batchSize = batchSizeOption != null ? batchSizeOption
                : (dataset.equals("randman") || patternTask ? 32 : evidenceTask || raceTask ? 64 : 128);
        if (batchSize <= 0) {
            throw bad("--batch-size must be positive, got " + batchSize);
        }
        float lr = lrOption != null ? lrOption
                : (dataset.equals("randman") || evidenceTask || raceTask || patternTask ? 5e-3f : 2e-3f);
        if (!(lr > 0) || !Float.isFinite(lr)) {
            throw bad("--lr must be a positive number, got " + lr);
        }
        String enc = encoding != null ? encoding
                : (dataset.equals("fashion-mnist") || dataset.equals("mnist") ? "direct" : null);
        if ((pattern != null || target != null) && !patternTask) {
            throw bad((pattern != null ? "--pattern" : "--target") + " applies only to --dataset pattern");
        }
        String ps = DataSplits.patternSpec(pattern, target);
        int t = timeSteps != null ? timeSteps : DataSplits.defaultSteps(dataset, enc);
        if (patternTask) {
            dev.surge.data.Pattern.Raster raster;
            try {
                raster = DataSplits.patternTarget(ps);
                DataSplits.patternConfig(ps, raster, dataSeed);
            } catch (IOException ex) {
                throw bad(ex.getMessage());
            }
            if (timeSteps != null && timeSteps != raster.steps()) {
                throw bad("--time-steps " + timeSteps + " does not match the target raster's " + raster.steps()
                        + " steps" + (target != null ? " (" + target + ")" : "") + "; leave --time-steps out");
            }
            t = raster.steps();
        }
        if (t <= 0) {
            throw bad("--time-steps must be positive, got " + t);
        }
        int th = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (th <= 0 || th > Trainer.MAX_THREADS) {
            throw bad("--threads must be between 1 and " + Trainer.MAX_THREADS + ", got " + th);
        }
        try {
            Surrogate.parse(surrogate);
            Schedule.parse(schedule);
        } catch (IllegalArgumentException ex) {
            throw bad(ex.getMessage());
        }
        String ev = DataSplits.evidenceSpec(evidence);
        if (evidence != null && !evidenceTask) {
            throw bad("--evidence applies only to --dataset evidence");
        }
        String rs = DataSplits.raceSpec(race);
        if (race != null && !raceTask) {
            throw bad("--race applies only to --dataset race");
        }
        String lossName = loss != null ? loss.trim()
                : evidenceTask ? "ce_last_membrane:" + DataSplits.evidenceConfig(ev, Integer.MAX_VALUE, 0).recallSteps()
                : raceTask ? "temporal_margin" : patternTask ? "van_rossum" : "ce_max_membrane";
        try {
            RunConfig.loss(lossName);
        } catch (IllegalArgumentException ex) {
            throw bad("--loss: " + ex.getMessage());
        }
        if (patternTask != lossName.equals("van_rossum")) {
            throw bad(patternTask ? "--dataset pattern trains to a target raster: its loss is van_rossum, not "
                    + lossName : "--loss van_rossum needs target spike trains, which only --dataset pattern has");
        }
        if (patternTask && keepBest) {
            throw bad("--keep-best selects the epoch by validation accuracy, which --dataset pattern does not have");
        }
        try {
            Backend.parse(backend);
        } catch (IllegalArgumentException ex) {
            throw bad("--backend must be fused or composed, not '" + backend + "'");
        }
        if (enc != null) {
            try {
                dev.surge.data.Encoder.parse(enc);
            } catch (IllegalArgumentException ex) {
                throw bad("--encoding: " + ex.getMessage());
            }
        }
        if (regularize == null && dataset.equals("randman")) {
            regularize = List.of("homeostasis:0.02:10");
        } else if (regularize != null && regularize.equals(List.of("none"))) {
            regularize = List.of();
        }
        if (regularize != null) {
            for (String r : regularize) {
                regularizers(List.of(r), List.of(dev.surge.core.nn.SpikingSpec.lif(1)));
            }
        }
        String m = model != null ? model : Presets.defaultFor(dataset);
        if (!Presets.DESCRIPTIONS.containsKey(m) && !Files.isRegularFile(Path.of(m))) {
            throw bad("--model '" + m + "' is neither a preset (" + String.join(", ",
                    new java.util.TreeSet<>(Presets.DESCRIPTIONS.keySet())) + ") nor a model file");
        }
        if (stopAfter != null && stopAfter <= 0) {
            throw bad("--stop-after must be positive, got " + stopAfter);
        }
        if (limit != null && limit <= 0) {
            throw bad("--limit must be positive, got " + limit);
        }
        Path dir = out != null ? out : Path.of("runs", dataset + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        String rm = evidenceTask ? ev : raceTask ? rs : patternTask ? ps : DataSplits.randmanSpec(randman);
        if (randman != null && !dataset.equals("randman")) {
            throw bad("--randman applies only to --dataset randman");
        }
        if (evidenceTask) {
            try {
                DataSplits.evidenceConfig(ev, t, dataSeed);
            } catch (IllegalArgumentException ex) {
                throw bad(ex.getMessage());
            }
        }
        float k = stochastic != null ? stochastic : 0f;
        if (stochastic != null && (!(k > 0) || !Float.isFinite(k))) {
            throw bad("--stochastic must be a positive escape-noise scale, got " + stochastic);
        }
        String est = estimator != null ? estimator.trim().toLowerCase(Locale.ROOT).replace('-', '_') : "bptt";
        try {
            RunConfig.rule(est);
        } catch (IllegalArgumentException ex) {
            throw bad("--estimator: " + ex.getMessage());
        }
        String learn = rule != null ? rule.trim().toLowerCase(Locale.ROOT).replace('-', '_') : "bptt";
        if (!learn.equals("bptt") && !learn.equals("eprop")) {
            throw bad("--rule: unknown learning rule '" + rule + "'; known: bptt, eprop");
        }
        if (learn.equals("eprop") && !est.equals("bptt")) {
            throw bad("--rule eprop and --estimator " + est + " both choose how gradients are obtained; give one");
        }
        if (feedback != null && !learn.equals("eprop")) {
            throw bad("--feedback applies only to --rule eprop");
        }
        String fb = "symmetric";
        if (learn.equals("eprop")) {
            try {
                fb = dev.surge.core.eprop.EProp.Feedback.parse(feedback != null ? feedback : "symmetric").toString();
            } catch (IllegalArgumentException ex) {
                throw bad("--feedback: " + ex.getMessage());
            }
        }
        RunConfig rc = new RunConfig(dataset, m, e, batchSize, lr, t, enc, surrogate, lossName, optimizer, weightDecay,
                schedule, clip, patience, seed, dataSeed, th, backend, limit != null ? limit : 0, dir, rm,
                regularize == null ? List.of() : List.copyOf(regularize), est, k, learn, fb, keepBest);
        try {
            rc.checkEstimator();
        } catch (IllegalArgumentException ex) {
            throw bad(ex.getMessage());
        }
        return rc;
    }

    static List<String> strings(JsonNode arr) {
        List<String> r = new ArrayList<>();
        arr.forEach(x -> r.add(x.asText()));
        return r;
    }

    /** {@code rate_l1:W} or {@code homeostasis:TARGET:W} on every spiking layer. */
    static List<dev.surge.core.loss.Regularizer> regularizers(List<String> specs, List<LayerSpec> layers) {
        List<dev.surge.core.loss.Regularizer> r = new ArrayList<>();
        for (String spec : specs) {
            String[] p = spec.split(":");
            try {
                for (int l = 0; l < layers.size(); l++) {
                    if (!(layers.get(l) instanceof dev.surge.core.nn.SpikingSpec)) {
                        continue;
                    }
                    if (p[0].equals("rate_l1") && p.length == 2) {
                        r.add(new dev.surge.core.loss.Regularizer.RateL1(l, Float.parseFloat(p[1])));
                    } else if (p[0].equals("homeostasis") && p.length == 3) {
                        r.add(new dev.surge.core.loss.Regularizer.Homeostasis(l, Float.parseFloat(p[1]),
                                Float.parseFloat(p[2])));
                    } else {
                        throw new NumberFormatException();
                    }
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--regularize '" + spec
                        + "': expected rate_l1:WEIGHT or homeostasis:TARGET_RATE:WEIGHT");
            }
        }
        return r;
    }

    /** Reads a JSON model file (layers in the golden-case vocabulary). */
    static List<LayerSpec> readModelFile(Path file) {
        try {
            return GoldenReader.readModel(file).layers();
        } catch (GoldenFormatException e) {
            throw new IllegalArgumentException("--model: " + e.getMessage());
        }
    }

    /** Everything that determines a run; saved as config.json. */
    record RunConfig(String dataset, String model, int epochs, int batchSize, float lr, int steps, String encoding,
                     String surrogate, String loss, String optimizer, float weightDecay, String schedule, float clip,
                     int patience, long seed, long dataSeed, int threads, String backend, int limit, Path out,
                     String dataSpec, List<String> regularize, String estimator, float stochastic, String learningRule,
                     String feedback, boolean keepBest) {

        List<LayerSpec> layers(int classes) {
            List<LayerSpec> l = Presets.DESCRIPTIONS.containsKey(model)
                    ? Presets.build(model, classes, Surrogate.parse(surrogate)) : readModelFile(Path.of(model));
            if (stochastic <= 0) {
                return l;
            }
            List<LayerSpec> noisy = new ArrayList<>();
            for (LayerSpec s : l) {
                noisy.add(s instanceof dev.surge.core.nn.SpikingSpec sp
                        ? sp.withStochastic(dev.surge.core.neuron.EscapeNoise.sigmoid(stochastic)) : s);
            }
            return List.copyOf(noisy);
        }

        /** The learning rule: {@code bptt}, or an estimator's ({@link dev.surge.core.estimate.EstimatorRule}). */
        static dev.surge.core.train.LearningRule rule(String name) {
            if (name.equals("bptt")) {
                return dev.surge.core.train.LearningRule.bptt();
            }
            if (name.equals("exact")) {
                throw new IllegalArgumentException("'exact' enumerates spike patterns and cannot train; use one of "
                        + "bptt, surrogate, stochastic_surrogate, straight_through, concrete, reinforce, "
                        + "reinforce_baseline");
            }
            try {
                return dev.surge.core.estimate.EstimatorRule.of(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown estimator '" + name + "'; known: bptt, surrogate, "
                        + "stochastic_surrogate, straight_through, concrete, reinforce, reinforce_baseline");
            }
        }

        dev.surge.core.train.LearningRule rule() {
            if (learningRule.equals("eprop")) {
                return dev.surge.core.eprop.EProp.of(feedback, seed);
            }
            return rule(estimator);
        }

        /**
         * Refuses, before any data is loaded or file written, an estimator the model cannot use: score-function
         * estimators need every spiking layer stochastic and penalties that are sums over samples.
         */
        void checkEstimator() {
            if (learningRule.equals("eprop")) {
                try {
                    dev.surge.core.eprop.EProp.check(layers(2));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--rule eprop: " + e.getMessage());
                }
            }
            if (!estimator.startsWith("reinforce")) {
                return;
            }
            dev.surge.core.estimate.Estimator.requireStochastic(layers(2), estimator);
            for (String r : regularize) {
                if (r.startsWith("homeostasis")) {
                    throw new IllegalArgumentException("--estimator " + estimator + ": the homeostasis penalty "
                            + "(randman's default) is not a sum of per-sample terms, which REINFORCE weights "
                            + "sample by sample; use --regularize rate_l1:W or none");
                }
            }
        }

        Backend backendEnum() {
            return Backend.parse(backend);
        }

        Loss lossFunction() {
            return loss(loss);
        }

        /** A loss by name, {@code ce_last_membrane:STEPS} with its window, the others with their defaults. */
        static Loss loss(String spec) {
            String[] p = spec.split(":", 2);
            if (p[0].equals("ce_last_membrane") && p.length < 2) {
                throw new IllegalArgumentException("ce_last_membrane needs its window of steps: ce_last_membrane:STEPS");
            }
            if (p.length > 1 && !p[0].equals("ce_last_membrane")) {
                throw new IllegalArgumentException("'" + spec + "': only ce_last_membrane takes a value (its window)");
            }
            double window;
            try {
                window = p.length > 1 ? Double.parseDouble(p[1]) : Double.NaN;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ce_last_membrane: window '" + p[1] + "' is not a number");
            }
            return Loss.of(p[0], k -> switch (k) {
                case "on_rate" -> 0.5;
                case "off_rate" -> 0.05;
                case "margin" -> 2.0;
                case "gamma" -> 0.8;
                case "window" -> window;
                default -> Double.NaN;
            });
        }

        ObjectNode toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.put("dataset", dataset);
            o.put("model", model);
            o.put("epochs", epochs);
            o.put("batch_size", batchSize);
            o.put("lr", lr);
            o.put("time_steps", steps);
            if (encoding != null) {
                o.put("encoding", encoding);
            }
            o.put("surrogate", surrogate);
            o.put("loss", loss);
            o.put("optimizer", optimizer);
            o.put("weight_decay", weightDecay);
            o.put("schedule", schedule);
            o.put("clip", clip);
            o.put("patience", patience);
            o.put("seed", seed);
            o.put("data_seed", dataSeed);
            o.put("threads", threads);
            o.put("backend", backend);
            o.put("limit", limit);
            if (List.of("randman", "evidence", "race", "pattern").contains(dataset)) {
                o.put(dataset, dataSpec);
            }
            var regs = o.putArray("regularize");
            regularize.forEach(regs::add);
            o.put("estimator", estimator);
            o.put("rule", learningRule);
            if (learningRule.equals("eprop")) {
                o.put("feedback", feedback);
            }
            if (keepBest) {
                o.put("keep_best", true);
            }
            if (stochastic > 0) {
                o.put("stochastic", stochastic);
            }
            return o;
        }

        /**
         * The saved configuration of a run being resumed ({@code file}, for messages); an explicit {@code --epochs}
         * may extend it (which changes a cosine schedule from then on), nothing else changes. A field that is
         * missing, of the wrong type or out of range is a {@link FormatException} naming the file and field.
         */
        static RunConfig fromJson(Path file, JsonNode o, RunConfig cli, Integer explicitEpochs)
                throws FormatException {
            RunConfig c = new RunConfig(text(file, o, "dataset"), text(file, o, "model"),
                    explicitEpochs != null ? explicitEpochs : positive(file, o, "epochs"),
                    positive(file, o, "batch_size"), (float) number(file, o, "lr"), positive(file, o, "time_steps"),
                    o.hasNonNull("encoding") ? o.get("encoding").asText() : null, text(file, o, "surrogate"),
                    text(file, o, "loss"), text(file, o, "optimizer"), (float) number(file, o, "weight_decay"),
                    text(file, o, "schedule"), (float) number(file, o, "clip"), o.path("patience").asInt(),
                    o.path("seed").asLong(), o.path("data_seed").asLong(), positive(file, o, "threads"),
                    text(file, o, "backend"), o.path("limit").asInt(), cli != null ? cli.out() : null,
                    o.path(o.path("dataset").asText()).asText(o.path("dataset").asText().equals("evidence")
                            ? DataSplits.evidenceSpec(null) : o.path("dataset").asText().equals("race")
                            ? DataSplits.raceSpec(null) : o.path("dataset").asText().equals("pattern")
                            ? DataSplits.patternSpec(null, null) : DataSplits.randmanSpec(null)),
                    strings(o.path("regularize")),
                    o.has("estimator") ? text(file, o, "estimator") : "bptt",
                    o.has("stochastic") ? (float) number(file, o, "stochastic") : 0f,
                    o.has("rule") ? text(file, o, "rule") : "bptt", o.path("feedback").asText("symmetric"),
                    o.path("keep_best").asBoolean(false));
            if (!List.of("bptt", "eprop").contains(c.learningRule())) {
                throw new FormatException(file, "field 'rule': unknown learning rule '" + c.learningRule()
                        + "'; known: bptt, eprop");
            }
            if (c.stochastic() < 0) {
                throw new FormatException(file, "field 'stochastic': must be a positive escape-noise scale, got "
                        + c.stochastic());
            }
            try {
                rule(c.estimator());
                dev.surge.core.eprop.EProp.Feedback.parse(c.feedback());
                c.checkEstimator();
                Surrogate.parse(c.surrogate());
                Schedule.parse(c.schedule());
                c.lossFunction();
                c.backendEnum();
                regularizers(c.regularize(), List.of(dev.surge.core.nn.SpikingSpec.lif(1)));
            } catch (IllegalArgumentException e) {
                throw new FormatException(file, e.getMessage());
            }
            if (!DataSplits.NAMES.contains(c.dataset())) {
                throw new FormatException(file, "field 'dataset': unknown dataset '" + c.dataset() + "'");
            }
            if (!List.of("adam", "adamw", "sgd").contains(c.optimizer())) {
                throw new FormatException(file, "field 'optimizer': unknown optimizer '" + c.optimizer() + "'");
            }
            if (c.threads() > Trainer.MAX_THREADS) {
                throw new FormatException(file, "field 'threads': " + c.threads() + " is more than "
                        + Trainer.MAX_THREADS);
            }
            return c;
        }

        private static String text(Path file, JsonNode o, String field) throws FormatException {
            if (!o.path(field).isTextual()) {
                throw new FormatException(file, "field '" + field + "': expected a string, got " + o.path(field));
            }
            return o.get(field).asText();
        }

        private static double number(Path file, JsonNode o, String field) throws FormatException {
            if (!o.path(field).isNumber() || !Double.isFinite(o.get(field).asDouble())) {
                throw new FormatException(file, "field '" + field + "': expected a number, got " + o.path(field));
            }
            return o.get(field).asDouble();
        }

        private static int positive(Path file, JsonNode o, String field) throws FormatException {
            JsonNode n = o.path(field);
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() <= 0) {
                throw new FormatException(file, "field '" + field + "': expected a positive integer, got " + n);
            }
            return n.asInt();
        }
    }
}
