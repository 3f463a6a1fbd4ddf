package dev.surge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.surge.adjoint.Clip;
import dev.surge.adjoint.Design;
import dev.surge.adjoint.FlowProblem;
import dev.surge.adjoint.GradientChecks;
import dev.surge.adjoint.Lbfgs;
import dev.surge.adjoint.Objective;
import dev.surge.adjoint.Study;
import dev.surge.io.AtomicFiles;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code surge adjoint}: adjoint design through the clipped mini-RANS model of {@code surge-adjoint}: solve once and
 * print the adjoint gradient (optionally checked against finite differences), optimise with L-BFGS, or (no options)
 * run the inverse-design demonstration and write its plots and CSV files.
 */
@Command(name = "adjoint", mixinStandardHelpOptions = true,
        description = {"Adjoint design optimisation through a steady flow model with a clipped eddy viscosity.",
                "No options: the inverse-design demonstration (softplus clip) with plots in --out."},
        footer = {"", "Exit status: 0 done, 2 bad input (a wrong number of alpha values, k <= 0, a solve that does "
                + "not converge: the message names the iteration and residual)."})
final class AdjointCommand implements Callable<Integer> {
    static final double[] DEFAULT_TARGET = {0.8, -0.5, 0.3, 1.0, -1.0, 0.6, -0.2, 0.4};
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--clip", defaultValue = "softplus",
            description = "hard, surrogate, softplus or projection (default: ${DEFAULT-VALUE}).")
    String clip;

    @Option(names = "--k", defaultValue = "50",
            description = "Sharpness of the softplus and of the surrogate's sigmoid (default: ${DEFAULT-VALUE}).")
    double k;

    @Option(names = "--objective", defaultValue = "inverse",
            description = "inverse (match the solution at --target-alpha) or drag (dissipation + gamma·|alpha|²) "
                    + "(default: ${DEFAULT-VALUE}).")
    String objective;

    @Option(names = "--gamma", defaultValue = "1e-3", description = "The drag objective's gamma (default: "
            + "${DEFAULT-VALUE}).")
    double gamma;

    @Option(names = "--target-alpha", split = ",", paramLabel = "A1,...,A8",
            description = "The target design of the inverse objective (default: 0.8,-0.5,0.3,1,-1,0.6,-0.2,0.4).")
    List<Double> targetAlpha;

    @Option(names = "--alpha", split = ",", paramLabel = "A1,...,A8",
            description = "The design to solve at, or to start --optimize from (default: all zeros).")
    List<Double> alpha;

    @Option(names = "--optimize", description = "Run L-BFGS from --alpha.")
    boolean optimize;

    @Option(names = "--check", description = "Compare the adjoint gradient with central finite differences.")
    boolean check;

    @Option(names = "--fd-step", defaultValue = "1e-4", description = "Finite-difference step (default: "
            + "${DEFAULT-VALUE}).")
    double fdStep;

    @Option(names = "--fd-order", defaultValue = "4", description = "Order of the central stencil: 2 or 4 "
            + "(default: ${DEFAULT-VALUE}).")
    int fdOrder;

    @Option(names = "--iterations", defaultValue = "100", description = "L-BFGS iterations at most (default: "
            + "${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--reduction", defaultValue = "1e-10", description = "Stop L-BFGS when J has fallen to this "
            + "fraction of its start (default: ${DEFAULT-VALUE}).")
    double reduction;

    @Option(names = "--cells", defaultValue = "200", description = "Finite-volume cells (default: ${DEFAULT-VALUE}).")
    int cells;

    @Option(names = "--out", description = "Directory for the plots and CSV files (default for the demonstration: "
            + "runs/adjoint; otherwise none).")
    Path out;

    @Option(names = "--json", description = "Print one JSON line with the results.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!(k > 0) || Double.isInfinite(k)) {
            throw new IllegalArgumentException("--k must be a positive number, not " + k);
        }
        if (fdOrder != 2 && fdOrder != 4) {
            throw new IllegalArgumentException("--fd-order must be 2 or 4, not " + fdOrder);
        }
        if (!(fdStep > 0) || fdStep >= 1) {
            throw new IllegalArgumentException("--fd-step must be in (0, 1), not " + fdStep);
        }
        if (iterations < 0 || iterations > 100_000) {
            throw new IllegalArgumentException("--iterations must be in [0, 100000], not " + iterations);
        }
        if (!(reduction >= 0) || reduction >= 1) {
            throw new IllegalArgumentException("--reduction must be in [0, 1), not " + reduction);
        }
        if (cells < 16 || cells > 100_000) {
            throw new IllegalArgumentException("--cells must be in [16, 100000], not " + cells);
        }
        FlowProblem base = FlowProblem.standard(Clip.of(clip, k));
        FlowProblem p = new FlowProblem(cells, base.nu(), base.ell(), base.omega0(), base.delta(), base.uLeft(),
                base.uRight(), base.width(), base.bumps(), base.clip(), base.tolerance());
        double[] target = design("--target-alpha", targetAlpha, DEFAULT_TARGET, p.bumps());
        double[] start = design("--alpha", alpha, new double[p.bumps()], p.bumps());
        Objective obj = switch (objective) {
            case "inverse" -> null; // built below, once the target's solve is known to converge
            case "drag" -> new Objective.Drag(gamma);
            default -> throw new IllegalArgumentException("--objective must be inverse or drag, not '" + objective
                    + "'");
        };
        if (obj == null) {
            try {
                obj = p.inverse(target);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException((targetAlpha != null ? "--target-alpha" : "the default target")
                        + ": " + e.getMessage());
            }
        }
        Lbfgs lbfgs = new Lbfgs(10, iterations, 0, 0, reduction);
        PrintWriter pw = spec.commandLine().getOut();
        boolean demo = alpha == null && !optimize && !check;
        if (demo && !(obj instanceof Objective.Inverse)) {
            throw new IllegalArgumentException("--objective " + objective + " needs --alpha, --optimize or --check "
                    + "(the demonstration without them is inverse design)");
        }
        if (demo) {
            return demo(p, target, lbfgs, pw);
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("clip", p.clip().name());
        if (!Double.isNaN(p.clip().k())) {
            o.put("k", p.clip().k());
        }
        o.put("objective_kind", obj.name());
        if (obj instanceof Objective.Inverse) {
            o.set("target_alpha", array(target));
        }
        long t0 = System.nanoTime();
        FlowProblem.State state;
        if (optimize) {
            Design.Outcome r = Design.optimize(p, obj, start, lbfgs);
            state = r.state();
            o.set("alpha", array(r.result().x()));
            o.put("objective", r.result().value());
            o.put("initial_objective", r.result().history().get(0).value());
            o.put("iterations", r.result().iterations());
            o.put("iterations_to_1e4_reduction", iterationsTo(r.result(), 1e-4));
            o.put("evaluations", r.result().evaluations());
            o.put("stop", r.result().stop());
            if (obj instanceof Objective.Inverse) {
                o.put("max_alpha_error", maxDiff(r.result().x(), target));
            }
        } else {
            state = p.solve(start);
            o.set("alpha", array(start));
            o.put("objective", p.objective(state, obj));
            o.set("gradient", array(p.gradient(state, obj)));
            o.put("newton_iterations", state.iterations());
            o.put("residual", state.residual());
        }
        if (check) {
            GradientChecks.Comparison c = GradientChecks.compare(p.gradient(state, obj),
                    GradientChecks.centralDifference(p, obj, state, fdStep, fdOrder));
            ObjectNode g = o.putObject("gradient_check");
            g.put("step", fdStep);
            g.put("order", fdOrder);
            g.set("adjoint", array(c.adjoint()));
            g.set("finite_difference", array(c.finiteDifference()));
            g.set("relative_error", array(c.relativeError()));
            g.put("max_rel_error", c.maxRelativeError());
        }
        o.put("seconds", (System.nanoTime() - t0) / 1e9);
        if (out != null) {
            Files.createDirectories(out);
            writeFlow(p, state, out);
            o.put("out", out.toString());
        }
        if (json) {
            pw.println(JSON.writeValueAsString(o));
        } else {
            printHuman(o, pw);
        }
        return 0;
    }

    private int demo(FlowProblem p, double[] target, Lbfgs lbfgs, PrintWriter pw) throws IOException {
        Path dir = out != null ? out : Path.of("runs", "adjoint");
        long t0 = System.nanoTime();
        Study.Result r = Study.inverseDesign(p, target, lbfgs, fdStep, fdOrder);
        Design.Outcome opt = r.optimum();
        double designSeconds = r.designSeconds();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Files.createDirectories(dir);
        for (Study.Table t : r.tables()) {
            writeCsv(dir.resolve(t.name() + ".csv"), t);
        }
        drawAll(r, p, dir);
        Lbfgs.Result lr = opt.result();
        double j0 = lr.history().get(0).value();
        int to1e4 = iterationsTo(lr, 1e-4);
        ObjectNode o = JSON.createObjectNode();
        o.put("clip", p.clip().name());
        if (!Double.isNaN(p.clip().k())) {
            o.put("k", p.clip().k());
        }
        o.put("objective_kind", "inverse");
        o.set("target_alpha", array(target));
        o.set("alpha", array(lr.x()));
        o.put("objective", lr.value());
        o.put("initial_objective", j0);
        o.put("iterations", lr.iterations());
        o.put("iterations_to_1e4_reduction", to1e4);
        o.put("stop", lr.stop());
        o.put("max_alpha_error", maxDiff(lr.x(), target));
        o.put("design_seconds", designSeconds);
        o.put("max_rel_error_start", r.atStart().maxRelativeError());
        o.put("max_rel_error_optimum", r.atOptimum().maxRelativeError());
        o.put("fd_step", fdStep);
        o.put("fd_order", fdOrder);
        o.put("seconds", seconds);
        o.put("out", dir.toString());
        if (json) {
            pw.println(JSON.writeValueAsString(o));
            return 0;
        }
        pw.printf(Locale.ROOT, "inverse design, %s clip%s, %d cells, target alpha %s%n", p.clip().name(),
                Double.isNaN(p.clip().k()) ? "" : " (k = " + num(p.clip().k()) + ")", p.cells(), list(target));
        pw.printf(Locale.ROOT, "L-BFGS from alpha = 0: %d iterations (stop: %s), J %.3e -> %.3e (1e4x lower after "
                        + "%d), %.2f s%n", lr.iterations(), lr.stop(), j0, lr.value(), to1e4, designSeconds);
        pw.printf(Locale.ROOT, "alpha %s%nmax |alpha - alpha*| %.2e%n", list(lr.x()), maxDiff(lr.x(), target));
        pw.printf(Locale.ROOT, "adjoint vs central differences (order %d, step %s): max relative error %.2e at the "
                + "start, %.2e at the optimum%n", fdOrder, num(fdStep), r.atStart().maxRelativeError(),
                r.atOptimum().maxRelativeError());
        pw.printf(Locale.ROOT, "wrote the plots and CSV files to %s (%.1f s in all)%n", dir, seconds);
        return 0;
    }

    /** The first iteration at which J is at most {@code fraction} of its start, or −1. */
    private static int iterationsTo(Lbfgs.Result r, double fraction) {
        double j0 = r.history().get(0).value();
        for (Lbfgs.Step s : r.history()) {
            if (s.value() <= fraction * j0) {
                return s.iteration();
            }
        }
        return -1;
    }

    private static double[] design(String option, List<Double> given, double[] fallback, int n) {
        if (given == null) {
            return fallback.clone();
        }
        if (given.size() != n) {
            throw new IllegalArgumentException(option + ": " + given.size() + " values; the design has " + n
                    + " (one per bump)");
        }
        double[] a = new double[n];
        for (int j = 0; j < n; j++) {
            a[j] = given.get(j);
            if (!Double.isFinite(a[j])) {
                throw new IllegalArgumentException(option + ": value " + (j + 1) + " is " + a[j]);
            }
        }
        return a;
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int j = 0; j < a.length; j++) {
            m = Math.max(m, Math.abs(a[j] - b[j]));
        }
        return m;
    }

    private static ArrayNode array(double[] v) {
        ArrayNode a = JSON.createArrayNode();
        for (double x : v) {
            a.add(x);
        }
        return a;
    }

    private static String list(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < v.length; j++) {
            sb.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6g", v[j]));
        }
        return sb.toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("\\.?0+(e|$)", "$1");
    }

    private static void printHuman(ObjectNode o, PrintWriter pw) {
        o.fields().forEachRemaining(e -> {
            if (e.getValue().isObject()) {
                pw.println(e.getKey() + ":");
                e.getValue().fields().forEachRemaining(f -> pw.println("  " + f.getKey() + " " + f.getValue()));
            } else {
                pw.println(e.getKey() + " " + (e.getValue().isTextual() ? e.getValue().asText() : e.getValue()));
            }
        });
    }

    private static void writeCsv(Path file, Study.Table t) throws IOException {
        StringBuilder sb = new StringBuilder(String.join(",", t.columns())).append('\n');
        for (double[] row : t.rows()) {
            for (int i = 0; i < row.length; i++) {
                sb.append(i == 0 ? "" : ",").append(Double.isNaN(row[i]) ? "" : Double.toString(row[i]));
            }
            sb.append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** flow.csv and flow.png of one state (the non-demonstration modes). */
    private static void writeFlow(FlowProblem p, FlowProblem.State s, Path dir) throws IOException {
        List<double[]> rows = new ArrayList<>();
        double[] x = p.x();
        for (int i = 0; i < x.length; i++) {
            rows.add(new double[] {x[i], s.u()[i]});
        }
        writeCsv(dir.resolve("flow.csv"), new Study.Table("flow", List.of("x", "u"), rows));
        List<double[]> er = new ArrayList<>();
        double[] xf = p.faces();
        for (int f = 0; f < xf.length; f++) {
            er.add(new double[] {xf[f], s.nuT()[f]});
        }
        writeCsv(dir.resolve("eddy.csv"), new Study.Table("eddy", List.of("x", "nu_t"), er));
        System.setProperty("java.awt.headless", "true");
        XYChart u = chart("u(x)", "x", "u", false, false);
        u.addSeries("u", x, s.u()).setMarker(SeriesMarkers.NONE);
        XYChart n = chart("eddy viscosity at the faces", "x", "nu_t", false, false);
        n.addSeries("nu_t", xf, s.nuT()).setMarker(SeriesMarkers.NONE);
        AtomicFiles.writeBytes(dir.resolve("flow.png"), Plots.png(Plots.stack(List.of(u, n))));
    }

    private static void drawAll(Study.Result r, FlowProblem p, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        // u(x) and ν_t(x) at the start and the optimum, clipped faces (g < ω₀ at the optimum) shaded
        Study.Table flow = r.table("flow");
        Study.Table eddy = r.table("eddy");
        XYChart u = chart("u(x): start (alpha = 0), optimum, target; shaded: nu_t clipped at the optimum", "x", "u",
                false, false);
        u.getStyler().setYAxisMin(0.4);
        shade(u, eddy, 4, 0.4, 1.25);
        line(u, "start", flow, 0, 1);
        line(u, "optimum", flow, 0, 2);
        XYSeries tg = line(u, "target", flow, 0, 3);
        tg.setLineStyle(new java.awt.BasicStroke(1f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
                10f, new float[] {4f, 4f}, 0f));
        XYChart n = chart("eddy viscosity nu_t(x) at the faces; shaded: clipped at the optimum (g < omega0)", "x",
                "nu_t", false, false);
        double top = 0;
        for (double[] row : eddy.rows()) {
            top = Math.max(top, row[2]);
        }
        n.getStyler().setYAxisMin(0.0);
        shade(n, eddy, 4, 0, top);
        line(n, "start", eddy, 0, 1);
        line(n, "optimum", eddy, 0, 2);
        AtomicFiles.writeBytes(dir.resolve("flow.png"), Plots.png(Plots.stack(List.of(u, n))));
        modes(dir, "gradient_error", r.table("gradient_error"),
                "adjoint vs finite differences per variable at alpha*/2", "design variable", "relative error", false);
        modes(dir, "fd_steps", r.table("fd_steps"), "relative error against the finite-difference step (order 2)",
                "step", "max relative error", true);
        modes(dir, "taylor", r.table("taylor"), "Taylor remainder |J(a+ed) - J(a) - e grad.d| at alpha*/2",
                "epsilon", "remainder", true);
        modes(dir, "history", r.table("history"), "L-BFGS from alpha = 0, each mode to its own target solution",
                "iteration", "J", false);
        Study.Table ln = r.table("line");
        XYChart j = chart("J along alpha = t·alpha*", "t", "J", false, false);
        XYChart dj = chart("dJ/dt = grad J . alpha* (adjoint)", "t", "dJ/dt", false, false);
        XYChart d2 = chart("change of dJ/dt between neighbouring t (kinks show as spikes)", "t", "d2J/dt2 (difference "
                + "quotient)", false, false);
        double[] t = column(ln, 0);
        for (int m = 0; m < 4; m++) {
            String name = ln.columns().get(1 + 2 * m).substring(2);
            j.addSeries(name, t, column(ln, 1 + 2 * m)).setMarker(SeriesMarkers.NONE);
            double[] s = column(ln, 2 + 2 * m);
            dj.addSeries(name, t, s).setMarker(SeriesMarkers.NONE);
            double[] tm = new double[t.length - 1];
            double[] q = new double[t.length - 1];
            for (int i = 0; i + 1 < t.length; i++) {
                tm[i] = (t[i] + t[i + 1]) / 2;
                q[i] = (s[i + 1] - s[i]) / (t[i + 1] - t[i]);
            }
            d2.addSeries(name, tm, q).setMarker(SeriesMarkers.NONE);
        }
        AtomicFiles.writeBytes(dir.resolve("line.png"), Plots.png(Plots.stack(List.of(j, dj, d2))));
        Study.Table kt = r.table("k_tradeoff");
        XYChart kc = chart("softplus sharpness k: bias against the hard clip, and the adjoint's own error", "k",
                "relative", true, true);
        double[] ks = column(kt, 0);
        for (int c = 1; c < kt.columns().size(); c++) {
            if (kt.columns().get(c).equals("newton_iterations")) {
                continue;
            }
            kc.addSeries(kt.columns().get(c), ks, positive(column(kt, c)));
        }
        AtomicFiles.writeBytes(dir.resolve("k_tradeoff.png"), Plots.png(Plots.stack(List.of(kc))));
    }

    private static void modes(Path dir, String name, Study.Table t, String title, String xLabel, String yLabel,
                              boolean logX) throws IOException {
        XYChart c = chart(title, xLabel, yLabel, logX, true);
        double[] x = column(t, 0);
        for (int m = 1; m < t.columns().size(); m++) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                double y = t.rows().get(i)[m];
                if (y > 0 && Double.isFinite(y)) {
                    xs.add(x[i]);
                    ys.add(y);
                }
            }
            if (!xs.isEmpty()) {
                c.addSeries(t.columns().get(m), xs, ys);
            }
        }
        AtomicFiles.writeBytes(dir.resolve(name + ".png"), Plots.png(Plots.stack(List.of(c))));
    }

    private static XYChart chart(String title, String x, String y, boolean logX, boolean logY) {
        XYChart c = new XYChartBuilder().width(900).height(420).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setXAxisLogarithmic(logX);
        c.getStyler().setYAxisLogarithmic(logY);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        return c;
    }

    private static XYSeries line(XYChart c, String name, Study.Table t, int xc, int yc) {
        XYSeries s = c.addSeries(name, column(t, xc), column(t, yc));
        s.setMarker(SeriesMarkers.NONE);
        return s;
    }

    /** A translucent step area from lo to hi over the faces where column {@code flag} is 1. */
    private static void shade(XYChart c, Study.Table t, int flag, double lo, double hi) {
        double[] x = column(t, 0);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = t.rows().get(i)[flag] > 0 ? hi : lo;
        }
        XYSeries s = c.addSeries("clipped", x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.StepArea);
        s.setMarker(SeriesMarkers.NONE);
        s.setFillColor(new Color(200, 200, 200, 110));
        s.setLineColor(new Color(200, 200, 200, 0));
    }

    private static double[] column(Study.Table t, int c) {
        double[] v = new double[t.rows().size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.rows().get(i)[c];
        }
        return v;
    }

    private static double[] positive(double[] v) {
        double[] r = v.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.max(r[i], 1e-300);
        }
        return r;
    }
}
