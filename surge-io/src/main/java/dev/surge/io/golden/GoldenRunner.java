package dev.surge.io.golden;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.loss.Regularizer;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.Parameter;
import dev.surge.core.optim.Adam;
import dev.surge.core.optim.Optimizer;
import dev.surge.core.optim.Sgd;
import dev.surge.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Evaluates a {@link GoldenCase} through the public API and compares with the reference within FORMAT.md's
 * tolerances: loss relative error ≤ 1e-4; spike counts exact; each gradient
 * {@code ‖g − g_ref‖ / max(‖g_ref‖, 1e-12) ≤ 1e-3}; with an optimizer, each recorded loss within 1e-3 relative and
 * per parameter {@code ‖p − p_ref‖ / ‖p_ref − p_init‖ ≤ 1e-2}.
 */
public final class GoldenRunner {
    public static final double LOSS_TOL = 1e-4;
    public static final double GRAD_TOL = 1e-3;
    public static final double OPT_LOSS_TOL = 1e-3;
    public static final double OPT_PARAM_TOL = 1e-2;

    private GoldenRunner() {
    }

    /**
     * The outcome of one case: the differences beyond tolerance (empty if it passed) and the worst relative
     * gradient error seen.
     */
    public record Result(String name, List<String> failures, double worstGradError) {
        public boolean passed() {
            return failures.isEmpty();
        }

        /** {@code PASS name} or {@code FAIL name: what differs, by how much}. */
        public String line() {
            return passed() ? "PASS " + name : "FAIL " + name + ": " + String.join("; ", failures);
        }
    }

    /** What one forward/backward pass produced. */
    private record Pass(double loss, Map<String, Parameter> params, List<Var> outputs, Var input) {
    }

    public static Result evaluate(GoldenCase c, Backend backend) {
        List<String> fails = new ArrayList<>();
        GoldenCase.Expected ex = c.expected();
        Network net = build(c);
        Pass p = pass(c, net, backend);

        double lossErr = relErr(p.loss(), ex.loss());
        if (!(lossErr <= LOSS_TOL)) {
            fails.add(String.format(Locale.ROOT, "loss %.9g vs %.9g (relative error %.2e > %.0e)", p.loss(),
                    ex.loss(), lossErr, LOSS_TOL));
        }
        if (ex.spikeCounts() != null) {
            for (int i = 0; i < ex.spikeCounts().size(); i++) {
                Tensor want = ex.spikeCounts().get(i);
                if (want == null) {
                    continue;
                }
                Tensor got = counts(p.outputs().get(i).value());
                int wrong = 0;
                float worst = 0;
                for (int k = 0; k < got.size(); k++) {
                    float d = Math.abs(got.data()[k] - want.data()[k]);
                    if (d != 0) {
                        wrong++;
                        worst = Math.max(worst, d);
                    }
                }
                if (wrong > 0) {
                    fails.add(String.format(Locale.ROOT,
                            "spike counts of layer %d differ for %d neurons (by up to %.0f spikes; total %.0f vs %.0f)",
                            i, wrong, worst, got.sum(), want.sum()));
                }
            }
        }
        if (ex.outputSumOverTime() != null) {
            Tensor got = p.outputs().get(p.outputs().size() - 1).value();
            Tensor sum = sumOverTime(got);
            double e = relNormErr(sum, ex.outputSumOverTime());
            if (!(e <= GRAD_TOL)) {
                fails.add(String.format(Locale.ROOT, "output summed over time: relative error %.2e > %.0e", e,
                        GRAD_TOL));
            }
        }
        double worst = 0;
        for (var e : ex.grads().entrySet()) {
            Tensor g = p.params().get(e.getKey()).grad();
            double err = relNormErr(g, e.getValue());
            worst = Math.max(worst, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
            if (!(err <= GRAD_TOL)) {
                fails.add(String.format(Locale.ROOT, "gradient of %s: relative error %.2e > %.0e", e.getKey(), err,
                        GRAD_TOL));
            }
        }
        if (ex.inputGrad() != null) {
            double err = relNormErr(p.input().grad(), ex.inputGrad());
            worst = Math.max(worst, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
            if (!(err <= GRAD_TOL)) {
                fails.add(String.format(Locale.ROOT, "input gradient: relative error %.2e > %.0e", err, GRAD_TOL));
            }
        }
        if (c.optimizer() != null) {
            optimizerRun(c, backend, fails);
        }
        return new Result(c.name(), List.copyOf(fails), worst);
    }

    private static Network build(GoldenCase c) {
        Network net = Network.create(c.inputs(), c.layers(), 0L);
        for (var e : net.parameters().entrySet()) {
            e.getValue().set(c.params().get(e.getKey()));
        }
        return net;
    }

    private static Pass pass(GoldenCase c, Network net, Backend backend) {
        Tape tape = new Tape();
        Var x = tape.leaf(c.input(), c.inputGrad());
        Network.Pass fw = net.forward(x, backend);
        Var loss = c.loss().apply(fw.output(), c.targets());
        for (Regularizer r : c.regularizers()) {
            loss = loss.add(r.apply(fw.outputs()));
        }
        net.zeroGrad();
        tape.backward(loss);
        fw.accumulateGrads();
        return new Pass(loss.item(), net.parameters(), fw.outputs(), x);
    }

    private static void optimizerRun(GoldenCase c, Backend backend, List<String> fails) {
        GoldenCase.OptimizerSpec o = c.optimizer();
        Network net = build(c);
        List<Parameter> params = new ArrayList<>(net.parameters().values());
        Optimizer opt = switch (o.type()) {
            case "adam" -> Adam.adam(params, o.lr(), o.beta1(), o.beta2(), o.eps(), o.weightDecay());
            case "adamw" -> Adam.adamW(params, o.lr(), o.beta1(), o.beta2(), o.eps(), o.weightDecay());
            default -> new Sgd(params, o.lr(), o.momentum(), o.weightDecay());
        };
        double[] want = c.expected().losses();
        for (int step = 0; step < o.steps(); step++) {
            Pass p = pass(c, net, backend);
            double e = relErr(p.loss(), want[step]);
            if (!(e <= OPT_LOSS_TOL)) {
                fails.add(String.format(Locale.ROOT, "%s step %d: loss %.9g vs %.9g (relative error %.2e > %.0e)",
                        o.type(), step, p.loss(), want[step], e, OPT_LOSS_TOL));
            }
            opt.step();
        }
        for (var e : c.expected().paramsAfter().entrySet()) {
            Tensor got = net.parameters().get(e.getKey()).value();
            Tensor init = c.params().get(e.getKey());
            double moved = diffNorm(e.getValue(), init);
            double err = diffNorm(got, e.getValue()) / Math.max(moved, 1e-12);
            if (!(err <= OPT_PARAM_TOL)) {
                fails.add(String.format(Locale.ROOT, "%s: %s after %d steps: relative error %.2e > %.0e", o.type(),
                        e.getKey(), o.steps(), err, OPT_PARAM_TOL));
            }
        }
    }

    /** Spikes {@code [T, B, N]} summed over T and B: {@code [N]}. */
    static Tensor counts(Tensor s) {
        int[] sh = s.shape();
        int n = sh[2];
        Tensor c = Tensor.zeros(n);
        float[] d = s.data();
        for (int i = 0; i < d.length; i++) {
            c.data()[i % n] += d[i];
        }
        return c;
    }

    static Tensor sumOverTime(Tensor x) {
        int[] sh = x.shape();
        int bn = sh[1] * sh[2];
        Tensor r = Tensor.zeros(sh[1], sh[2]);
        double[] acc = new double[bn];
        for (int i = 0; i < x.size(); i++) {
            acc[i % bn] += x.data()[i];
        }
        for (int i = 0; i < bn; i++) {
            r.data()[i] = (float) acc[i];
        }
        return r;
    }

    static double relErr(double got, double want) {
        return Math.abs(got - want) / Math.max(Math.abs(want), 1e-12);
    }

    static double relNormErr(Tensor got, Tensor want) {
        return diffNorm(got, want) / Math.max(want.norm(), 1e-12);
    }

    static double diffNorm(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            double d = (double) a.data()[i] - b.data()[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }
}
