package dev.surge.core.train;

import dev.surge.core.autograd.Ops;
import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.loss.Targets;
import dev.surge.core.neuron.Alif;
import dev.surge.core.neuron.Lif;
import dev.surge.core.neuron.NeuronModel;
import dev.surge.core.neuron.NeuronState;
import dev.surge.core.neuron.ShortTermPlasticity;
import dev.surge.core.neuron.SpikeFunction;
import dev.surge.core.neuron.StepContext;
import dev.surge.core.neuron.Synaptic;
import dev.surge.core.nn.Layer;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.Parameter;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.tensor.RandomStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * How the gradient flows through a network on one batch: per spiking layer, the norm of {@code ∂L/∂v_t} by time lag
 * before the end of the sequence (how the error signal decays backwards in time), the layer's parameter-gradient
 * norm, the fraction of membrane values inside the surrogate's active window, dead and saturated neurons and the
 * spike rate; and a few lines naming the likely problem with a remedy. The pass is the composed graph of BPTT (each
 * step of each spiking layer on the tape, its state kept), with Heaviside spikes.
 */
public final class Diagnosis {
    /** A membrane counts as inside the surrogate's window where {@code σ'(v − θ) ≥ ACTIVE·σ'(0)}. */
    public static final double ACTIVE = 0.1;
    /** The lag at which the decay of the error signal is judged, at most T − 1. */
    public static final int DECAY_LAG = 50;

    private Diagnosis() {
    }

    /**
     * One spiking layer.
     *
     * @param layer          its index
     * @param gradByLag      {@code ‖∂L/∂v_t‖} over batch and neurons for {@code t = T − 1 − lag}, lag = 0..T−1 (of the
     *                       spikes {@code s_t} for models without a membrane variable here)
     * @param gradientNorm   norm of the gradient of all the layer's parameters
     * @param activeFraction fraction of (step, sample, neuron) with {@code σ'(v − θ) ≥ ACTIVE·σ'(0)}
     * @param deadFraction   fraction of neurons that never fire on the batch
     * @param saturatedFraction fraction of neurons that fire on more than 90% of the steps (averaged over the batch)
     * @param rate           spikes per neuron and step
     * @param gradByStep     {@code ‖∂L/∂v_t‖} over the batch per step t (rows) and neuron (columns), for heat maps
     */
    public record LayerReport(int layer, double[] gradByLag, double gradientNorm, double activeFraction,
                              double deadFraction, double saturatedFraction, double rate, double[][] gradByStep) {
        /** {@code gradByLag[min(lag, T−1)] / gradByLag[0]} (NaN when the last step's gradient is zero). */
        public double decay(int lag) {
            int l = Math.min(lag, gradByLag.length - 1);
            return gradByLag[0] > 0 ? gradByLag[l] / gradByLag[0] : Double.NaN;
        }
    }

    /** The report: one entry per spiking layer, each readout layer's gradient norm, and the findings. */
    public record Report(List<LayerReport> layers, Map<Integer, Double> readoutGradientNorms, double loss,
                         List<String> findings) {
    }

    /** Diagnoses {@code net} on one batch {@code input [T, B, inputs]}. */
    public static Report of(Network net, dev.surge.core.tensor.Tensor input, Targets targets, Objective objective) {
        Tape tape = new Tape();
        Map<Parameter, Var> bound = new IdentityHashMap<>();
        Function<Parameter, Var> bind = p -> bound.computeIfAbsent(p, q -> tape.param(q.value()));
        List<Var> outs = new ArrayList<>();
        List<List<Var>> membranes = new ArrayList<>();
        List<float[]> thresholds = new ArrayList<>();
        Var x = tape.constant(input);
        for (int i = 0; i < net.layers().size(); i++) {
            Layer layer = net.layers().get(i);
            List<Var> v = new ArrayList<>();
            if (layer.spec() instanceof SpikingSpec s) {
                x = spiking(layer, s, x, bind, RandomStream.of(0L).fork(i), v);
            } else {
                x = layer.forward(x, bind, dev.surge.core.nn.ForwardContext.eval(dev.surge.core.nn.Backend.COMPOSED));
            }
            outs.add(x);
            membranes.add(v);
            thresholds.add(layer.spec() instanceof SpikingSpec s ? threshold(layer, s) : null);
        }
        Network.Pass pass = Network.Pass.of(outs, bound);
        Var loss = objective.apply(pass, targets);
        tape.backward(loss);

        List<LayerReport> reports = new ArrayList<>();
        Map<Integer, Double> readouts = new LinkedHashMap<>();
        for (int i = 0; i < net.layers().size(); i++) {
            Layer layer = net.layers().get(i);
            double gnorm = 0;
            for (Parameter p : layer.parameters().values()) {
                Var b = bound.get(p);
                if (b != null) {
                    for (float g : b.grad().data()) {
                        gnorm += (double) g * g;
                    }
                }
            }
            gnorm = Math.sqrt(gnorm);
            if (!(layer.spec() instanceof SpikingSpec s)) {
                readouts.put(i, gnorm);
                continue;
            }
            reports.add(layerReport(i, s, membranes.get(i), thresholds.get(i), outs.get(i), gnorm));
        }
        return new Report(List.copyOf(reports), readouts, loss.item(), findings(reports, readouts));
    }

    private static Var spiking(Layer layer, SpikingSpec s, Var x, Function<Parameter, Var> bind, RandomStream random,
                               List<Var> membranes) {
        Map<String, Parameter> params = layer.parameters();
        Function<String, Var> param = name -> params.containsKey(name) ? bind.apply(params.get(name)) : null;
        Var in = x;
        if (s.stp() != null) {
            in = ShortTermPlasticity.apply(s.stp(), param.apply("stp.U"), in);
        }
        Var currents = layer.projection().apply(in, param);
        Map<String, Var> learnt = new LinkedHashMap<>();
        for (String name : s.neuron().learnable().keySet()) {
            learnt.put(name, param.apply(name));
        }
        StepContext ctx = StepContext.of(s.surrogate(), learnt, SpikeFunction.HEAVISIDE, random, false)
                .withNoise(s.stochastic());
        return run(s.neuron(), currents, param.apply("V"), ctx, membranes);
    }

    private static <S extends NeuronState> Var run(NeuronModel<S> model, Var currents, Var recurrent,
                                                   StepContext ctx, List<Var> membranes) {
        int[] sh = currents.shape();
        S st = model.initial(currents.tape(), sh[1], sh[2]);
        Var[] out = new Var[sh[0]];
        for (int t = 0; t < sh[0]; t++) {
            Var in = currents.select(0, t);
            if (recurrent != null) {
                in = in.add(st.spikes().matmul(false, recurrent, true));
            }
            st = model.step(st, in, ctx.at(t));
            out[t] = st.spikes();
            membranes.add(membrane(st));
        }
        return Ops.stack(0, out);
    }

    /** The membrane of the known models' states, else the spikes. */
    private static Var membrane(NeuronState st) {
        if (st instanceof Lif.State l) {
            return l.v();
        }
        if (st instanceof Alif.State a) {
            return a.lif().v();
        }
        if (st instanceof Synaptic.State sy) {
            return sy.lif().v();
        }
        return st.spikes();
    }

    /** Per-neuron base threshold θ of the known models (learnt values when learnt), else null. */
    private static float[] threshold(Layer layer, SpikingSpec s) {
        NeuronModel<?> m = s.neuron();
        Lif lif = m instanceof Lif l ? l : m instanceof Alif a ? a.membrane() : m instanceof Synaptic sy
                ? sy.membrane() : null;
        if (lif == null) {
            return null;
        }
        float[] th = new float[s.out()];
        Parameter learnt = layer.parameters().get("threshold");
        for (int k = 0; k < th.length; k++) {
            th[k] = learnt != null ? learnt.value().data()[k] : lif.threshold();
        }
        return th;
    }

    private static LayerReport layerReport(int index, SpikingSpec s, List<Var> v, float[] th, Var spikes,
                                           double gnorm) {
        int steps = v.size();
        double[] byLag = new double[steps];
        double[][] byStep = new double[steps][s.out()];
        for (int t = 0; t < steps; t++) {
            double sq = 0;
            float[] g = v.get(t).grad().data();
            for (int i = 0; i < g.length; i++) {
                sq += (double) g[i] * g[i];
                byStep[t][i % s.out()] += (double) g[i] * g[i];
            }
            byLag[steps - 1 - t] = Math.sqrt(sq);
            for (int k = 0; k < s.out(); k++) {
                byStep[t][k] = Math.sqrt(byStep[t][k]);
            }
        }
        double active = Double.NaN;
        if (th != null) {
            double peak = s.surrogate().derivative(0f);
            long in = 0;
            long all = 0;
            for (Var vt : v) {
                float[] d = vt.value().data();
                for (int i = 0; i < d.length; i++) {
                    if (s.surrogate().derivative(d[i] - th[i % th.length]) >= ACTIVE * peak) {
                        in++;
                    }
                    all++;
                }
            }
            active = all > 0 ? (double) in / all : Double.NaN;
        }
        int[] sh = spikes.shape();
        float[] z = spikes.value().data();
        double[] perNeuron = new double[sh[2]];
        double total = 0;
        for (int i = 0; i < z.length; i++) {
            perNeuron[i % sh[2]] += z[i];
            total += z[i];
        }
        int dead = 0;
        int saturated = 0;
        for (double c : perNeuron) {
            if (c == 0) {
                dead++;
            }
            if (c > 0.9 * sh[0] * sh[1]) {
                saturated++;
            }
        }
        return new LayerReport(index, byLag, gnorm, active, (double) dead / sh[2], (double) saturated / sh[2],
                total / z.length, byStep);
    }

    private static List<String> findings(List<LayerReport> layers, Map<Integer, Double> readouts) {
        List<String> f = new ArrayList<>();
        for (LayerReport r : layers) {
            String at = "layer " + r.layer() + ": ";
            int lag = Math.min(DECAY_LAG, r.gradByLag().length - 1);
            double decay = r.decay(lag);
            if (lag > 0 && decay < 1e-3) {
                f.add(String.format(Locale.ROOT, "%sthe error signal falls to %.1e of its last-step size %d steps "
                        + "back: gradients vanish in time; try β closer to 1 or ALIF neurons (adaptation carries "
                        + "memory), or e-prop with ALIF", at, decay, lag));
            }
            if (r.activeFraction() < 0.05) {
                f.add(String.format(Locale.ROOT, "%sonly %.1f%% of membrane values are inside the surrogate's active "
                        + "window: few neurons get a gradient; a wider surrogate (a lower scale, e.g. "
                        + "fast_sigmoid:5) passes more, but over long recurrent sequences it can make gradients "
                        + "explode (docs/TIME.md); ALIF neurons are the measured remedy there", at,
                        100 * r.activeFraction()));
            }
            if (r.deadFraction() > 0.5) {
                f.add(String.format(Locale.ROOT, "%s%.0f%% of neurons never fire on this batch: lower the threshold "
                        + "(docs/TIME.md)", at, 100 * r.deadFraction()));
            }
            if (r.saturatedFraction() > 0.2) {
                f.add(String.format(Locale.ROOT, "%s%.0f%% of neurons fire on more than 90%% of steps: a higher "
                        + "threshold (too high silences the layer: docs/TIME.md)", at,
                        100 * r.saturatedFraction()));
            }
        }
        List<Double> norms = new ArrayList<>();
        layers.forEach(r -> norms.add(r.gradientNorm()));
        norms.addAll(readouts.values());
        double max = norms.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double min = norms.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        if (norms.size() > 1 && max > 0 && min < 1e-3 * max) {
            f.add(String.format(Locale.ROOT, "gradient norms across layers span %.1e to %.1e: gradients vanish or "
                    + "explode; over long recurrent sequences a wider surrogate or β closer to 1 made them explode "
                    + "and ALIF neurons trained (docs/TIME.md)", min, max));
        }
        if (f.isEmpty()) {
            f.add("no problem found: the error signal reaches back in time, membranes sit in the surrogate's window, "
                    + "few neurons are dead or saturated");
        }
        return List.copyOf(f);
    }
}
