package dev.surge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.surge.io.AtomicFiles;
import dev.surge.io.FormatException;
import dev.surge.io.JsonFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code surge curves RUN...}: one metric of several runs against the epoch in one PNG, and a table of each run's
 * final and best value and its test accuracy, for comparing runs that differ in one setting (an estimator, a
 * surrogate).
 */
@Command(name = "curves", mixinStandardHelpOptions = true,
        description = "Plot one metric of several runs per epoch in one PNG and print a comparison table.",
        footer = {"", "Exit status: 0 done, 2 bad input (a run directory without metrics, an unknown metric)."})
final class CurvesCommand implements Callable<Integer> {
    private static final List<String> METRICS = List.of("val_accuracy", "accuracy", "val_loss", "loss");

    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Run directories (with metrics.jsonl).")
    List<Path> runs;

    @Option(names = "--metric", defaultValue = "val_accuracy",
            description = "val_accuracy, accuracy, val_loss or loss (default: ${DEFAULT-VALUE}).")
    String metric;

    @Option(names = "--labels", split = ",", description = "A label per run (default: the directory names).")
    List<String> labels;

    @Option(names = "--title", description = "Title of the plot.")
    String title;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "Where to write the PNG.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!METRICS.contains(metric)) {
            throw new IllegalArgumentException("--metric must be one of " + String.join(", ", METRICS) + ", not '"
                    + metric + "'");
        }
        if (labels != null && labels.size() != runs.size()) {
            throw new IllegalArgumentException("--labels: " + labels.size() + " labels for " + runs.size() + " runs");
        }
        System.setProperty("java.awt.headless", "true");
        XYChart c = new XYChartBuilder().width(900).height(520)
                .title(title != null ? title : metric + " per epoch").xAxisTitle("epoch").yAxisTitle(metric).build();
        PrintWriter pw = spec.commandLine().getOut();
        pw.printf(Locale.ROOT, "%-24s %7s %10s %10s %10s %12s%n", "run", "epochs", "final", "best", "test_acc",
                "train_s");
        for (int i = 0; i < runs.size(); i++) {
            Path dir = runs.get(i);
            String label = labels != null ? labels.get(i) : dir.getFileName().toString();
            Path metrics = dir.resolve("metrics.jsonl");
            if (!Files.isRegularFile(metrics)) {
                throw new IllegalArgumentException(dir + ": no metrics.jsonl (not a run directory?)");
            }
            List<? extends JsonNode> lines;
            try {
                lines = JsonFiles.readObjectLines(metrics);
            } catch (FormatException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
            if (lines.isEmpty()) {
                throw new IllegalArgumentException(metrics + ": no epochs");
            }
            double[] x = new double[lines.size()];
            double[] y = new double[lines.size()];
            double best = metric.endsWith("loss") ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            for (int k = 0; k < x.length; k++) {
                JsonNode n = lines.get(k);
                if (!n.path(metric).isNumber()) {
                    throw new IllegalArgumentException(metrics + ": line " + (k + 1) + " has no number '" + metric
                            + "'");
                }
                x[k] = n.path("epoch").asDouble(k + 1);
                y[k] = n.get(metric).asDouble();
                best = metric.endsWith("loss") ? Math.min(best, y[k]) : Math.max(best, y[k]);
            }
            c.addSeries(label, x, y);
            double test = Double.NaN;
            double seconds = lines.get(lines.size() - 1).path("train_seconds").asDouble(Double.NaN);
            Path result = dir.resolve("result.json");
            if (Files.isRegularFile(result)) {
                try {
                    test = JsonFiles.readObject(result).path("test_accuracy").asDouble(Double.NaN);
                } catch (FormatException e) {
                    throw new IllegalArgumentException(e.getMessage());
                }
            }
            pw.printf(Locale.ROOT, "%-24s %7d %10.4f %10.4f %10.4f %12.1f%n", label, x.length, y[y.length - 1], best,
                    test, seconds);
        }
        BufferedImage img = BitmapEncoder.getBufferedImage(c);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bos);
        AtomicFiles.writeBytes(out, bos.toByteArray());
        pw.println("wrote " + out);
        return 0;
    }
}
