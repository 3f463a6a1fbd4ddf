package dev.surge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.surge.core.estimate.EstimatorLab;
import dev.surge.core.train.Diagnosis;
import dev.surge.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code surge diagnose --run DIR}: how the gradient flows through a trained network on a batch of its test set
 * ({@link Diagnosis}): per spiking layer the error signal's norm by time lag, the gradient norm, the fraction of
 * membranes in the surrogate's window, dead and saturated neurons and the spike rate; then the likely problems with a
 * remedy, and {@code diagnose.png} (the error signal against the lag, log scale).
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = "Report the gradient flow of a trained run on a batch of its test set: error signal by time lag, "
                + "gradient norms, surrogate window, dead and saturated neurons, spike rates; likely problems and "
                + "remedies.",
        footer = {"", "Exit status: 0 done, 2 bad input (a run directory, an option)."})
final class DiagnoseCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "A finished run directory.")
    Path run;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "32",
            description = "Test samples to diagnose on (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the run's dataset files are.")
    Path dataDir;

    @Option(names = "--plot-dir", paramLabel = "DIR", description = "Where diagnose.png goes (default: the run).")
    Path plotDir;

    @Option(names = "--json", description = "One JSON line per spiking layer, then one with the findings.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (batch <= 0) {
            throw new IllegalArgumentException("--batch must be positive, got " + batch);
        }
        PrintWriter out = spec.commandLine().getOut();
        EstimatorLab.Problem p = EstimatorsCommand.runProblem(run, batch, dataDir,
                m -> spec.commandLine().getErr().println("surge: " + m));
        Diagnosis.Report r = Diagnosis.of(p.net(), p.input(), p.targets(), p.objective());
        if (json) {
            for (Diagnosis.LayerReport l : r.layers()) {
                ObjectNode o = JSON.createObjectNode();
                o.put("layer", l.layer());
                o.put("gradient_norm", l.gradientNorm());
                o.put("active_fraction", l.activeFraction());
                o.put("dead_fraction", l.deadFraction());
                o.put("saturated_fraction", l.saturatedFraction());
                o.put("spike_rate", l.rate());
                o.put("decay_at_" + Diagnosis.DECAY_LAG, l.decay(Diagnosis.DECAY_LAG));
                var lags = o.putArray("error_norm_by_lag");
                for (double g : l.gradByLag()) {
                    lags.add(g);
                }
                out.println(JSON.writeValueAsString(o));
            }
            ObjectNode o = JSON.createObjectNode();
            o.put("loss", r.loss());
            var ro = o.putObject("readout_gradient_norms");
            r.readoutGradientNorms().forEach((k, v) -> ro.put(Integer.toString(k), v));
            var f = o.putArray("findings");
            r.findings().forEach(f::add);
            out.println(JSON.writeValueAsString(o));
        } else {
            out.printf(Locale.ROOT, "%s on %d test samples: loss %.4f%n", run, p.input().dim(1), r.loss());
            out.printf(Locale.ROOT, "%-6s %12s %12s %9s %7s %10s %8s%n", "layer", "grad_norm", "decay@" + Diagnosis.DECAY_LAG,
                    "in_window", "dead", "saturated", "rate");
            for (Diagnosis.LayerReport l : r.layers()) {
                out.printf(Locale.ROOT, "%-6d %12.4e %12.4e %8.1f%% %6.1f%% %9.1f%% %8.4f%n", l.layer(),
                        l.gradientNorm(), l.decay(Diagnosis.DECAY_LAG), 100 * l.activeFraction(),
                        100 * l.deadFraction(), 100 * l.saturatedFraction(), l.rate());
            }
            r.readoutGradientNorms().forEach((k, v) -> out.printf(Locale.ROOT, "%-6d %12.4e  (readout)%n", k, v));
            for (String f : r.findings()) {
                out.println("- " + f);
            }
            Path dir = plotDir != null ? plotDir : run;
            Files.createDirectories(dir);
            Path png = dir.resolve("diagnose.png");
            plot(r, png);
            out.println("wrote " + png);
            for (Diagnosis.LayerReport l : r.layers()) {
                Path heat = dir.resolve("diagnose_layer" + l.layer() + ".png");
                heatMap(l, heat);
                out.println("wrote " + heat);
            }
        }
        return 0;
    }

    /**
     * {@code 10·log10 ‖∂L/∂v_t‖} per step (x) and neuron (y) of one layer; long or wide layers are shown in cells of
     * several steps or neurons (their largest value), at most 50 by 40.
     */
    private static void heatMap(Diagnosis.LayerReport l, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        double[][] g = l.gradByStep();
        int steps = g.length;
        int neurons = g[0].length;
        int sx = Math.max(1, (steps + 49) / 50);
        int sy = Math.max(1, (neurons + 39) / 40);
        int nx = (steps + sx - 1) / sx;
        int ny = (neurons + sy - 1) / sy;
        int[] xs = new int[nx];
        int[] ys = new int[ny];
        for (int i = 0; i < nx; i++) {
            xs[i] = i * sx;
        }
        for (int j = 0; j < ny; j++) {
            ys[j] = j * sy;
        }
        int[][] z = new int[nx][ny]; // 10·log10 of the norm, rounded (the chart takes whole numbers)
        for (int i = 0; i < nx; i++) {
            for (int j = 0; j < ny; j++) {
                double m = 0;
                for (int t = i * sx; t < Math.min(steps, (i + 1) * sx); t++) {
                    for (int k = j * sy; k < Math.min(neurons, (j + 1) * sy); k++) {
                        m = Math.max(m, g[t][k]);
                    }
                }
                z[i][j] = (int) Math.round(10 * (m > 0 ? Math.log10(m) : -12));
            }
        }
        org.knowm.xchart.HeatMapChart c = new org.knowm.xchart.HeatMapChartBuilder().width(900).height(520)
                .title("layer " + l.layer() + ": 10·log10 ‖∂L/∂v‖ by step and neuron").xAxisTitle("step")
                .yAxisTitle("neuron").build();
        c.getStyler().setShowValue(false);
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int[] col : z) {
            for (int v : col) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        c.getStyler().setMin(lo).setMax(hi == lo ? lo + 1 : hi); // explicit: XChart's own range fails below zero
        c.getStyler().setPlotContentSize(1.0);
        c.addSeries("10·log10 ‖∂L/∂v‖", xs, ys, z);
        BufferedImage img = BitmapEncoder.getBufferedImage(c);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bos);
        AtomicFiles.writeBytes(png, bos.toByteArray());
    }

    /** The error signal's norm against the lag before the end, one series per spiking layer, log scale. */
    private static void plot(Diagnosis.Report r, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart c = new XYChartBuilder().width(900).height(520).title("error signal ‖∂L/∂v_t‖ by steps before the end")
                .xAxisTitle("lag (steps before the last)").yAxisTitle("norm").build();
        c.getStyler().setYAxisLogarithmic(true);
        for (Diagnosis.LayerReport l : r.layers()) {
            int n = 0;
            for (double g : l.gradByLag()) {
                n += g > 0 ? 1 : 0;
            }
            double[] x = new double[n];
            double[] y = new double[n];
            int k = 0;
            for (int lag = 0; lag < l.gradByLag().length; lag++) {
                if (l.gradByLag()[lag] > 0) { // a log axis cannot show zero
                    x[k] = lag;
                    y[k++] = l.gradByLag()[lag];
                }
            }
            if (n > 0) {
                c.addSeries("layer " + l.layer(), x, y);
            }
        }
        BufferedImage img = BitmapEncoder.getBufferedImage(c);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bos);
        AtomicFiles.writeBytes(png, bos.toByteArray());
    }
}
