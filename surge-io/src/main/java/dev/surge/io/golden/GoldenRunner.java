package dev.surge.io.golden;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.estimate.ExactGradient;
import dev.surge.core.loss.Regularizer;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.Parameter;
import dev.surge.core.optim.Adam;
import dev.surge.core.optim.Optimizer;
import dev.surge.core.optim.Sgd;
import dev.surge.core.tensor.Tensor;
import dev.surge.core.train.Objective;
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
    private record Pass(double loss, Map<String, Parameter> params, List<Tensor> outputs, Tensor inputGrad) {
    }

    public static Result evaluate(GoldenCase c, Backend backend) {
        return evaluate(c, backend, 1);
    }

    /**
     * Evaluates with the batch split into {@code threads} chunks run in parallel, each on its own tape with its loss
     * weighted by its share of the batch, and the gradients summed in chunk order, as the trainer does. Cases with
     * regularisers (which are not sums over samples) run as one chunk.
     */
    public static Result evaluate(GoldenCase c, Backend backend, int threads) {
        List<String> fails = new ArrayList<>();
        GoldenCase.Expected ex = c.expected();
        Network net = build(c);
        if (c.stochastic()) {
            return stochastic(c, net, fails);
        }
        Pass p = pass(c, net, backend, threads);

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
                Tensor got = counts(p.outputs().get(i));
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
            Tensor got = p.outputs().get(p.outputs().size() - 1);
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
            double err = relNormErr(p.inputGrad(), ex.inputGrad());
            worst = Math.max(worst, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
            if (!(err <= GRAD_TOL)) {
                fails.add(String.format(Locale.ROOT, "input gradient: relative error %.2e > %.0e", err, GRAD_TOL));
            }
        }
        if (c.optimizer() != null) {
            optimizerRun(c, backend, threads, fails);
        }
        return new Result(c.name(), List.copyOf(fails), worst);
    }

    /**
     * A stochastic case: the exact expected loss and gradient by enumeration ({@link ExactGradient}), against the
     * reference within the same tolerances. The backend and thread count do not enter: the enumeration runs the
     * composed path.
     */
    private static Result stochastic(GoldenCase c, Network net, List<String> fails) {
        ExactGradient.Result r = ExactGradient.compute(net, c.input(), c.targets(),
                new Objective(c.loss(), c.regularizers()));
        double lossErr = relErr(r.expectedLoss(), c.expected().loss());
        if (!(lossErr <= LOSS_TOL)) {
            fails.add(String.format(Locale.ROOT, "expected loss %.9g vs %.9g (relative error %.2e > %.0e)",
                    r.expectedLoss(), c.expected().loss(), lossErr, LOSS_TOL));
        }
        double worst = 0;
        for (var e : c.expected().grads().entrySet()) {
            double[] g = r.grads().get(e.getKey());
            float[] want = e.getValue().data();
            double d = 0;
            double n = 0;
            for (int i = 0; i < want.length; i++) {
                d += (g[i] - want[i]) * (g[i] - want[i]);
                n += (double) want[i] * want[i];
            }
            double err = Math.sqrt(d) / Math.max(Math.sqrt(n), 1e-12);
            worst = Math.max(worst, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
            if (!(err <= GRAD_TOL)) {
                fails.add(String.format(Locale.ROOT, "expected gradient of %s: relative error %.2e > %.0e",
                        e.getKey(), err, GRAD_TOL));
            }
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

    private static Pass pass(GoldenCase c, Network net, Backend backend, int threads) {
        int batch = c.input().dim(1);
        int parts = c.regularizers().isEmpty() ? Math.min(Math.max(1, threads), batch) : 1;
        if (parts == 1) {
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
            return new Pass(loss.item(), net.parameters(), fw.outputs().stream().map(Var::value).toList(),
                    c.inputGrad() ? x.grad() : null);
        }
        record Chunk(int lo, int hi, Network.Pass fw, Var x, double loss) {
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parts);
        List<Chunk> chunks = new ArrayList<>();
        try {
            List<java.util.concurrent.Future<Chunk>> fs = new ArrayList<>();
            for (int k = 0; k < parts; k++) {
                int lo = batch * k / parts;
                int hi = batch * (k + 1) / parts;
                fs.add(pool.submit(() -> {
                    Tape tape = new Tape();
                    Var x = tape.leaf(sliceBatch(c.input(), lo, hi), c.inputGrad());
                    Network.Pass fw = net.forward(x, backend);
                    int[] cls = c.targets().classes() == null ? null
                            : java.util.Arrays.copyOfRange(c.targets().classes(), lo, hi);
                    Tensor sp = c.targets().spikes() == null ? null : sliceBatch(c.targets().spikes(), lo, hi);
                    Var loss = c.loss().apply(fw.output(), new dev.surge.core.loss.Targets(cls, sp));
                    tape.backward(loss, Tensor.scalar((float) (hi - lo) / batch));
                    return new Chunk(lo, hi, fw, x, loss.item());
                }));
            }
            for (var f : fs) {
                chunks.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        net.zeroGrad();
        double loss = 0;
        for (Chunk ch : chunks) {
            ch.fw().accumulateGrads();
            loss += ch.loss() * (ch.hi() - ch.lo()) / batch;
        }
        List<Tensor> outs = new ArrayList<>();
        for (int l = 0; l < chunks.get(0).fw().outputs().size(); l++) {
            int layer = l;
            outs.add(joinBatch(chunks.stream().map(ch -> ch.fw().outputs().get(layer).value()).toList()));
        }
        Tensor inGrad = c.inputGrad() ? joinBatch(chunks.stream().map(ch -> ch.x().grad()).toList()) : null;
        return new Pass(loss, net.parameters(), outs, inGrad);
    }

    /** Samples {@code lo..hi} of a {@code [T, B, ...]} tensor. */
    static Tensor sliceBatch(Tensor t, int lo, int hi) {
        int steps = t.dim(0);
        int batch = t.dim(1);
        int per = t.size() / (steps * batch);
        int[] shape = t.shape().clone();
        shape[1] = hi - lo;
        Tensor r = Tensor.zeros(shape);
        for (int s = 0; s < steps; s++) {
            System.arraycopy(t.data(), (s * batch + lo) * per, r.data(), s * (hi - lo) * per, (hi - lo) * per);
        }
        return r;
    }

    /** Concatenates {@code [T, b_i, ...]} tensors along the batch axis. */
    static Tensor joinBatch(List<Tensor> parts) {
        int steps = parts.get(0).dim(0);
        int per = parts.get(0).size() / (steps * parts.get(0).dim(1));
        int batch = parts.stream().mapToInt(p -> p.dim(1)).sum();
        int[] shape = parts.get(0).shape().clone();
        shape[1] = batch;
        Tensor r = Tensor.zeros(shape);
        int off = 0;
        for (Tensor p : parts) {
            int b = p.dim(1);
            for (int s = 0; s < steps; s++) {
                System.arraycopy(p.data(), s * b * per, r.data(), (s * batch + off) * per, b * per);
            }
            off += b;
        }
        return r;
    }

    private static void optimizerRun(GoldenCase c, Backend backend, int threads, List<String> fails) {
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
            Pass p = pass(c, net, backend, threads);
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
