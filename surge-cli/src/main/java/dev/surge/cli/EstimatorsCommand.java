package dev.surge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.surge.core.estimate.Estimator;
import dev.surge.core.estimate.EstimatorLab;
import dev.surge.core.loss.Regularizer;
import dev.surge.core.nn.Network;
import dev.surge.core.train.Objective;
import dev.surge.io.AtomicFiles;
import dev.surge.io.golden.GoldenCase;
import dev.surge.io.golden.GoldenFormatException;
import dev.surge.io.golden.GoldenReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code surge estimators FILE...}: the estimator lab ({@link EstimatorLab}) on reference cases with stochastic
 * layers. For each case and estimator: the mean estimate's cosine and relative error against the exact gradient of
 * the expected loss (or, for a case too large to enumerate, against a long {@code reinforce_baseline} run), the trace
 * of the per-sample covariance and the time per sample; a table and one PNG per case of cosine against samples, or
 * one JSON line per case and estimator with {@code --json}.
 */
@Command(name = "estimators", mixinStandardHelpOptions = true,
        description = "Measure gradient estimators (bias, variance, cost) against the exact gradient of the "
                + "expected loss on cases with stochastic layers.",
        footer = {"", "Estimators: " + "exact, surrogate, stochastic_surrogate, straight_through, concrete, reinforce, "
                + "reinforce_baseline.", "Exit status: 0 done, 2 bad input (a file, an estimator, a case the estimator "
                + "cannot run on)."})
final class EstimatorsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(arity = "0..*", paramLabel = "FILE", description = "Case files with stochastic layers "
            + "(shared/golden/FORMAT.md).")
    List<Path> files = List.of();

    @Option(names = "--run", paramLabel = "DIR", description = "Also measure a trained run's network (its model.json "
            + "and weights) on the first --batch samples of its test set.")
    List<Path> runs = List.of();

    @Option(names = "--batch", paramLabel = "B", defaultValue = "8",
            description = "Samples of the batch taken from a --run's test set (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where a --run's dataset files are.")
    Path dataDir;

    @Option(names = "--estimators", split = ",", paramLabel = "LIST",
            description = "Comma-separated estimators (default: all).")
    List<String> estimators = Estimator.NAMES;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "1000",
            description = "Samples per estimator (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--reference-samples", paramLabel = "M", defaultValue = "100000",
            description = "Samples of the reinforce_baseline reference when a case is too large to enumerate "
                    + "(default: ${DEFAULT-VALUE}).")
    int referenceSamples;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the draws (default: 0).")
    long seed;

    @Option(names = "--temperature", paramLabel = "TAU", defaultValue = "0.5",
            description = "Temperature of concrete (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--plot-dir", paramLabel = "DIR", defaultValue = ".",
            description = "Where the table mode writes estimators_<case>.png (default: the current directory).")
    Path plotDir;

    @Option(names = "--json", description = "One JSON line per case and estimator, no table or plot.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<String> names = new ArrayList<>(new LinkedHashSet<>(estimators));
        for (String n : names) {
            if (!Estimator.NAMES.contains(n)) {
                throw new IllegalArgumentException("--estimators: unknown estimator '" + n + "'; known: "
                        + String.join(", ", Estimator.NAMES));
            }
        }
        if (samples <= 0) {
            throw new IllegalArgumentException("--samples must be positive, got " + samples);
        }
        if (referenceSamples < 2) {
            throw new IllegalArgumentException("--reference-samples must be at least 2 (two independent halves), got "
                    + referenceSamples);
        }
        if (!(temperature > 0) || !Float.isFinite(temperature)) {
            throw new IllegalArgumentException("--temperature must be a positive number, got " + temperature);
        }
        if (files.isEmpty() && runs.isEmpty()) {
            throw new IllegalArgumentException("give case files or --run DIR");
        }
        if (batch <= 0) {
            throw new IllegalArgumentException("--batch must be positive, got " + batch);
        }
        // read and check every case before measuring anything; without --estimators, a network too large to enumerate
        // is measured by every estimator but exact (against the REINFORCE reference)
        boolean all = !spec.commandLine().getParseResult().hasMatchedOption("--estimators");
        java.util.Map<EstimatorLab.Problem, List<String>> namesOf = new java.util.IdentityHashMap<>();
        List<EstimatorLab.Problem> problems = new ArrayList<>();
        for (Path run : runs) {
            EstimatorLab.Problem p = runProblem(run);
            if (dev.surge.core.estimate.Estimator.stochasticLayers(p.net()) == 0) {
                throw new IllegalArgumentException("--run " + run + ": the network has no stochastic layer (train it "
                        + "with --stochastic K)");
            }
            if (p.objective().regularizers().stream().anyMatch(r -> !(r instanceof Regularizer.RateL1))) {
                throw new IllegalArgumentException("--run " + run + ": the run's homeostasis penalty is not a sum of "
                        + "per-sample terms, which REINFORCE (and its reference) would weight sample by sample");
            }
            List<String> own = new ArrayList<>(names);
            for (String n : names) {
                if (n.equals("exact")) {
                    try {
                        dev.surge.core.estimate.ExactGradient.check(p.net(), p.steps());
                    } catch (IllegalArgumentException e) {
                        if (!all) {
                            throw e;
                        }
                        own.remove("exact");
                    }
                } else if (n.startsWith("reinforce")) {
                    Estimator.requireStochastic(p.net(), n);
                }
            }
            namesOf.put(p, own);
            problems.add(p);
        }
        for (Path f : files) {
            List<GoldenCase> cases;
            try {
                cases = GoldenReader.read(f);
            } catch (GoldenFormatException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
            for (GoldenCase c : cases) {
                EstimatorLab.Problem p = problem(c);
                if (!c.stochastic()) {
                    throw new IllegalArgumentException(f + ": case '" + c.name() + "' has no stochastic layer; the "
                            + "estimators measure the gradient of an expected loss (give a spiking layer "
                            + "\"stochastic\": {\"noise\": \"sigmoid\", \"scale\": k})");
                }
                for (String n : names) {
                    check(f, c, p, n);
                }
                problems.add(p);
            }
        }
        if (!json) {
            Files.createDirectories(plotDir);
            out.printf(Locale.ROOT, "%-28s %-21s %8s %8s %9s %11s %10s %9s  %s%n", "case", "estimator", "samples",
                    "cosine", "rel.err", "variance", "ms/sample", "to_match", "reference");
        }
        for (EstimatorLab.Problem p : problems) {
            EstimatorLab.Reference ref = EstimatorLab.reference(p, seed + 1, referenceSamples);
            // the deterministic surrogate's cosine: how many samples each sampled estimator needs to match it
            double target = EstimatorLab.measure(p, "surrogate", 1, seed, ref).cosine();
            if (!json && !ref.exact()) {
                out.printf(Locale.ROOT, "%s: reference %s, cosine between its two halves %.4f%n", p.name(),
                        ref.kind(), ref.selfCosine());
            }
            List<EstimatorLab.Report> reports = new ArrayList<>();
            for (String n : namesOf.getOrDefault(p, names)) {
                EstimatorLab.Report r = n.equals("exact") ? EstimatorLab.measure(p, n, samples, seed, ref)
                        : EstimatorLab.measure(p, n.equals("concrete")
                                ? dev.surge.core.estimate.Pathwise.concrete(temperature) : Estimator.of(n),
                                samples, seed, ref, target);
                reports.add(r);
                if (json) {
                    out.println(JSON.writeValueAsString(line(r, ref.selfCosine())));
                } else {
                    out.printf(Locale.ROOT, "%-28s %-21s %8d %8.4f %9.4f %11.4g %10.4f %9s  %s%n", r.problem(),
                            r.estimator(), r.samples(), r.cosine(), r.relativeError(), r.variance(), r.msPerSample(),
                            matchText(r), r.reference());
                }
                out.flush();
            }
            if (!json) {
                Path png = plotDir.resolve("estimators_" + p.name().replaceAll("[^A-Za-z0-9_.-]", "_") + ".png");
                AtomicFiles.writeBytes(png, plot(p.name(), ref.kind(), reports));
                out.println("wrote " + png);
            }
        }
        return 0;
    }

    /** Samples to match the surrogate's cosine: a number, {@code >N} if never, {@code -} where not measured. */
    private static String matchText(EstimatorLab.Report r) {
        return r.samplesToMatch() > 0 ? Integer.toString(r.samplesToMatch())
                : r.samplesToMatch() < 0 ? ">" + r.samples() : "-";
    }

    /** A run's network at its trained weights, on the first {@code --batch} samples of its test set. */
    private EstimatorLab.Problem runProblem(Path run) throws IOException {
        return runProblem(run, batch, dataDir, m -> spec.commandLine().getErr().println("surge: " + m));
    }

    /** {@link #runProblem(Path)} for other commands: {@code batch} test samples, data looked up in {@code dataDir}. */
    static EstimatorLab.Problem runProblem(Path run, int batch, Path dataDir,
                                           java.util.function.Consumer<String> log) throws IOException {
        for (String f : List.of("config.json", "model.json", "model.safetensors")) {
            if (!Files.isRegularFile(run.resolve(f))) {
                throw new IllegalArgumentException("--run " + run + " is not a finished run directory (no " + f + ")");
            }
        }
        com.fasterxml.jackson.databind.JsonNode cfg = dev.surge.io.JsonFiles.readObject(run.resolve("config.json"));
        TrainCommand.RunConfig rc = TrainCommand.RunConfig.fromJson(run.resolve("config.json"), cfg, null, null);
        GoldenReader.ModelFile model;
        try {
            model = GoldenReader.readModel(run.resolve("model.json"));
        } catch (GoldenFormatException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        DataSplits data = DataSplits.load(rc.dataset(), rc.steps(), rc.encoding(), dataDir, false, rc.dataSeed(),
                rc.dataSpec(), log);
        dev.surge.core.data.SampleSet test = data.test();
        int b = Math.min(batch, test.size());
        Network net = Network.create(test.inputs(), model.layers(), 0L);
        Path weights = run.resolve("model.safetensors");
        RunDirectory.loadParameters(net, dev.surge.io.safetensors.Safetensors.read(weights), weights);
        float[] x = new float[test.steps() * b * test.inputs()];
        int[] labels = new int[b];
        int[] rows = new int[b];
        for (int i = 0; i < b; i++) {
            test.write(i, x, i, b, new java.util.SplittableRandom(i));
            labels[i] = test.label(i);
            rows[i] = i;
        }
        List<dev.surge.core.nn.LayerSpec> layers = model.layers();
        return new EstimatorLab.Problem(run.getFileName() + "[" + b + "]", net,
                dev.surge.core.tensor.Tensor.of(x, test.steps(), b, test.inputs()),
                dev.surge.core.train.Trainer.targets(test, rows, 0, labels),
                new Objective(rc.lossFunction(), TrainCommand.regularizers(rc.regularize(), layers)));
    }

    private static EstimatorLab.Problem problem(GoldenCase c) {
        Network net = Network.create(c.inputs(), c.layers(), 0L);
        for (var e : net.parameters().entrySet()) {
            e.getValue().set(c.params().get(e.getKey()));
        }
        return new EstimatorLab.Problem(c.name(), net, c.input(), c.targets(),
                new Objective(c.loss(), c.regularizers()));
    }

    /**
     * Whether estimator {@code n} can run on the case; one line naming file, case and reason if not. (The reader
     * already refuses penalties that are not per-sample in stochastic cases.)
     */
    private static void check(Path f, GoldenCase c, EstimatorLab.Problem p, String n) {
        try {
            if (n.equals("exact")) {
                dev.surge.core.estimate.ExactGradient.check(p.net(), p.steps());
            } else if (n.startsWith("reinforce")) {
                Estimator.requireStochastic(p.net(), n);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f + ": case '" + c.name() + "': " + e.getMessage());
        }
    }

    private static ObjectNode line(EstimatorLab.Report r, double refSelfCosine) {
        ObjectNode o = JSON.createObjectNode();
        o.put("case", r.problem());
        o.put("estimator", r.estimator());
        o.put("samples", r.samples());
        o.put("cosine", r.cosine());
        o.put("relative_error", r.relativeError());
        o.put("reference", r.reference());
        o.put("reference_self_cosine", refSelfCosine);
        o.put("variance", r.variance());
        o.put("ms_per_sample", r.msPerSample());
        o.put("mean_loss", r.meanLoss());
        if (r.samplesToMatch() > 0) {
            o.put("samples_to_match_surrogate", r.samplesToMatch());
        } else if (r.samplesToMatch() < 0) {
            o.putNull("samples_to_match_surrogate"); // still below the surrogate's cosine after all samples
        }
        ObjectNode g = o.putObject("gradient");
        for (var e : r.gradient().entrySet()) {
            ArrayNode a = g.putArray(e.getKey());
            for (double v : e.getValue()) {
                a.add(v);
            }
        }
        ObjectNode curve = o.putObject("curve");
        ArrayNode cs = curve.putArray("samples");
        ArrayNode cc = curve.putArray("cosine");
        for (int i = 0; i < r.curveSamples().length; i++) {
            cs.add(r.curveSamples()[i]);
            cc.add(r.curveCosine()[i]);
        }
        return o;
    }

    private static byte[] plot(String name, String ref, List<EstimatorLab.Report> reports) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart c = new XYChartBuilder().width(900).height(520).title(name + ": cosine to the " + ref + " gradient")
                .xAxisTitle("samples").yAxisTitle("cosine of the mean estimate").build();
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        c.getStyler().setYAxisMax(1.0);
        for (EstimatorLab.Report r : reports) {
            double[] xs = new double[r.curveSamples().length];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = r.curveSamples()[i];
            }
            if (xs.length == 1) { // exact, or one sample: a flat line over the measured range
                xs = new double[] {1, Math.max(2, reports.stream().mapToInt(EstimatorLab.Report::samples).max()
                        .orElse(2))};
                c.addSeries(r.estimator(), xs, new double[] {r.curveCosine()[0], r.curveCosine()[0]});
            } else {
                c.addSeries(r.estimator(), xs, r.curveCosine());
            }
        }
        BufferedImage img = BitmapEncoder.getBufferedImage(c);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bos);
        return bos.toByteArray();
    }
}
