package dev.surge.io.golden;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.surge.core.loss.Loss;
import dev.surge.core.loss.Regularizer;
import dev.surge.core.loss.Targets;
import dev.surge.core.nn.LayerSpec;
import dev.surge.core.nn.ReadoutSpec;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.neuron.AdEx;
import dev.surge.core.neuron.Alif;
import dev.surge.core.neuron.EscapeNoise;
import dev.surge.core.neuron.Izhikevich;
import dev.surge.core.neuron.Lif;
import dev.surge.core.neuron.NeuronModel;
import dev.surge.core.neuron.Reset;
import dev.surge.core.neuron.StpSpec;
import dev.surge.core.neuron.Synaptic;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.Tensor;
import dev.surge.io.JsonFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads golden case files. A file holds one case (a JSON object) or several (an array of objects). Every
 * problem is reported as a {@link GoldenFormatException} naming the file and the field, e.g.
 * {@code cases/x.json: field 'layers[0].surrogate.name': unknown surrogate 'foo'}.
 */
public final class GoldenReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<String> TOP = Set.of("name", "seed", "T", "B", "inputs", "input", "layers", "params",
            "loss", "regularizers", "optimizer", "input_grad", "input_kind", "expected", "description", "comment");
    private static final Set<String> SPIKING = Set.of("type", "out", "beta", "threshold", "reset", "detach_reset",
            "surrogate", "recurrent", "learn_beta", "learn_threshold", "refractory", "alpha", "rho", "adapt", "stp",
            "stochastic");
    private static final Set<String> READOUT = Set.of("type", "out", "beta", "learn_beta");
    private static final Set<String> IZHIKEVICH = Set.of("type", "out", "a", "b", "c", "d", "v_peak", "dt",
            "detach_reset", "surrogate", "recurrent", "stp", "stochastic");
    private static final Set<String> ADEX = Set.of("type", "out", "tau_m", "tau_w", "a", "b", "delta_t", "v_t",
            "v_reset", "v_peak", "dt", "detach_reset", "surrogate", "recurrent", "stp", "stochastic");
    /** Every layer type a case or model file may name. */
    public static final String LAYER_TYPES = "lif, if, synaptic, alif, izhikevich, adex, li";
    private static final Set<String> EXPECTED = Set.of("loss", "grads", "input_grad", "spike_counts",
            "output_sum_over_time", "optimizer", "min_margin");
    /** The expected results of a stochastic case: the exact expectation and its gradient. */
    private static final Set<String> EXPECTED_STOCHASTIC = Set.of("expected_loss", "expected_grads");

    private GoldenReader() {
    }

    /** Reads every case in a file. */
    public static List<GoldenCase> read(Path file) throws GoldenFormatException {
        String src = file.toString();
        JsonNode root = parse(file);
        if (root == null || root.isMissingNode()) {
            throw new GoldenFormatException(src, null, "empty file");
        }
        List<GoldenCase> cases = new ArrayList<>();
        if (root.isArray()) {
            for (int i = 0; i < root.size(); i++) {
                cases.add(parse(src, new F(src, "[" + i + "]", root.get(i))));
            }
        } else {
            cases.add(parse(src, new F(src, "", root)));
        }
        return cases;
    }

    /**
     * A model file: {@code {"inputs": N (optional), "layers": [layer, ...]}} with layers in the vocabulary of the
     * golden cases ({@link #LAYER_TYPES} and their fields).
     *
     * @return the input width (or -1 if the file does not fix it) and the layers
     */
    public static ModelFile readModel(Path file) throws GoldenFormatException {
        String src = file.toString();
        JsonNode root = parse(file);
        F m = new F(src, "", root).obj();
        m.onlyKeys(Set.of("inputs", "layers", "description"));
        int inputs = m.has("inputs") ? m.get("inputs").positive() : -1;
        F layersF = m.get("layers").array();
        if (layersF.node.isEmpty()) {
            throw layersF.err("no layers");
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < layersF.node.size(); i++) {
            layers.add(layer(layersF.at(i)));
        }
        return new ModelFile(inputs, List.copyOf(layers));
    }

    /** The JSON tree of a file, or an error naming the file (missing, unreadable, not JSON: line and column). */
    private static JsonNode parse(Path file) throws GoldenFormatException {
        String src = file.toString();
        try {
            return JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new GoldenFormatException(src, null, "no such file");
        } catch (JsonProcessingException e) {
            throw new GoldenFormatException(src, null, JsonFiles.problem(e));
        } catch (IOException e) {
            throw new GoldenFormatException(src, null, "cannot read: " + e.getMessage());
        }
    }

    /** The content of a model file. */
    public record ModelFile(int inputs, List<LayerSpec> layers) {
    }

    /** A JSON node with its path, for messages. */
    private record F(String src, String path, JsonNode node) {
        GoldenFormatException err(String msg) {
            return new GoldenFormatException(src, path, msg);
        }

        String child(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        F obj() throws GoldenFormatException {
            if (node == null || !node.isObject()) {
                throw err("expected a JSON object");
            }
            return this;
        }

        boolean has(String key) {
            return node.has(key) && !node.get(key).isNull();
        }

        F get(String key) throws GoldenFormatException {
            if (!has(key)) {
                throw new GoldenFormatException(src, child(key), "missing");
            }
            return new F(src, child(key), node.get(key));
        }

        F at(int i) {
            return new F(src, path + "[" + i + "]", node.get(i));
        }

        void onlyKeys(Set<String> allowed) throws GoldenFormatException {
            Iterator<String> it = node.fieldNames();
            while (it.hasNext()) {
                String k = it.next();
                if (!allowed.contains(k)) {
                    throw new GoldenFormatException(src, child(k), "unsupported field");
                }
            }
        }

        int integer() throws GoldenFormatException {
            if (!node.isIntegralNumber() && !(node.isNumber() && node.asDouble() == Math.rint(node.asDouble()))) {
                throw err("expected an integer, got " + node);
            }
            if (!node.canConvertToInt() || Math.abs(node.asDouble()) > Integer.MAX_VALUE) {
                throw err("integer " + node + " is out of range");
            }
            return node.asInt();
        }

        int positive() throws GoldenFormatException {
            int v = integer();
            if (v <= 0) {
                throw err("must be positive, got " + v);
            }
            return v;
        }

        double number() throws GoldenFormatException {
            if (!node.isNumber()) {
                throw err("expected a number, got " + node);
            }
            double d = node.asDouble();
            if (!Double.isFinite(d)) {
                throw err("not a finite number");
            }
            return d;
        }

        boolean bool() throws GoldenFormatException {
            if (!node.isBoolean()) {
                throw err("expected true or false, got " + node);
            }
            return node.asBoolean();
        }

        String text() throws GoldenFormatException {
            if (!node.isTextual()) {
                throw err("expected a string, got " + node);
            }
            return node.asText();
        }

        F array() throws GoldenFormatException {
            if (!node.isArray()) {
                throw err("expected an array");
            }
            return this;
        }

        double optNumber(String key, double dflt) throws GoldenFormatException {
            return has(key) ? get(key).number() : dflt;
        }

        boolean optBool(String key, boolean dflt) throws GoldenFormatException {
            return has(key) ? get(key).bool() : dflt;
        }

        /** A tensor {@code {"shape": [...], "data": [...]}}, optionally of a required shape. */
        Tensor tensor(int[] want) throws GoldenFormatException {
            obj();
            F sh = get("shape").array();
            int[] shape = new int[sh.node.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = sh.at(i).integer();
                if (shape[i] < 0) {
                    throw sh.at(i).err("negative dimension");
                }
            }
            if (want != null && !Arrays.equals(shape, want)) {
                throw get("shape").err("expected shape " + Arrays.toString(want) + ", got " + Arrays.toString(shape));
            }
            F data = get("data").array();
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            if (data.node.size() != n) {
                throw data.err("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.node.size());
            }
            float[] v = new float[(int) n];
            for (int i = 0; i < n; i++) {
                JsonNode x = data.node.get(i);
                if (!x.isNumber()) {
                    throw data.at(i).err("expected a number, got " + x);
                }
                v[i] = (float) x.asDouble();
            }
            return Tensor.of(v, shape);
        }
    }

    private static GoldenCase parse(String src, F c) throws GoldenFormatException {
        c.obj();
        c.onlyKeys(TOP);
        String name = c.has("name") ? c.get("name").text() : Path.of(src).getFileName().toString();
        int steps = c.get("T").positive();
        int batch = c.get("B").positive();
        int inputs = c.get("inputs").positive();
        Tensor input = c.get("input").tensor(new int[] {steps, batch, inputs});
        if (c.has("input_kind")) {
            String kind = c.get("input_kind").text();
            if (!kind.equals("spikes") && !kind.equals("current")) {
                throw c.get("input_kind").err("expected 'spikes' or 'current', got '" + kind + "'");
            }
        }

        F layersF = c.get("layers").array();
        if (layersF.node.isEmpty()) {
            throw layersF.err("no layers");
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < layersF.node.size(); i++) {
            layers.add(layer(layersF.at(i)));
        }

        // parameters: exactly the set the architecture defines, with the right shapes
        Map<String, int[]> wanted = parameterShapes(inputs, layers);
        F paramsF = c.get("params").obj();
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (var e : wanted.entrySet()) {
            params.put(e.getKey(), paramsF.get(e.getKey()).tensor(e.getValue()));
        }
        paramsF.onlyKeys(wanted.keySet());

        int outputs = layers.get(layers.size() - 1).out();
        F lossF = c.get("loss").obj();
        String lossType = lossF.get("type").text();
        Set<String> lossKeys = switch (lossType) {
            case "mse_count" -> Set.of("type", "targets", "on_rate", "off_rate");
            case "temporal_margin" -> Set.of("type", "targets", "margin");
            case "van_rossum" -> Set.of("type", "targets", "gamma", "target_spikes");
            default -> Set.of("type", "targets");
        };
        Loss loss;
        try {
            loss = Loss.of(lossType, key -> Double.NaN);
        } catch (IllegalArgumentException e) {
            throw lossF.get("type").err(e.getMessage());
        }
        lossF.onlyKeys(lossKeys);
        loss = switch (lossType) {
            case "mse_count" -> new Loss.MseCount((float) lossF.get("on_rate").number(),
                    (float) lossF.get("off_rate").number());
            case "temporal_margin" -> new Loss.TemporalMargin((float) lossF.get("margin").number());
            case "van_rossum" -> new Loss.VanRossum((float) lossF.get("gamma").number());
            default -> loss;
        };
        F tg = lossF.get("targets").array();
        if (tg.node.size() != batch) {
            throw tg.err("expected " + batch + " class ids (one per batch element), got " + tg.node.size());
        }
        int[] classes = new int[batch];
        for (int i = 0; i < batch; i++) {
            classes[i] = tg.at(i).integer();
            if (classes[i] < 0 || classes[i] >= outputs) {
                throw tg.at(i).err("class " + classes[i] + " outside 0.." + (outputs - 1));
            }
        }
        Tensor targetSpikes = null;
        if (lossType.equals("van_rossum")) {
            targetSpikes = tensorOrNested(lossF.get("target_spikes"), new int[] {steps, batch, outputs});
        }

        List<Regularizer> regs = new ArrayList<>();
        if (c.has("regularizers")) {
            F rf = c.get("regularizers").array();
            for (int i = 0; i < rf.node.size(); i++) {
                F r = rf.at(i).obj();
                String type = r.get("type").text();
                int layer = r.get("layer").integer();
                if (layer < 0 || layer >= layers.size()) {
                    throw r.get("layer").err("no layer " + layer + " (the network has " + layers.size() + ")");
                }
                if (!(layers.get(layer) instanceof SpikingSpec)) {
                    throw r.get("layer").err("layer " + layer + " does not spike");
                }
                switch (type) {
                    case "rate_l1" -> {
                        r.onlyKeys(Set.of("type", "layer", "weight"));
                        regs.add(new Regularizer.RateL1(layer, (float) r.get("weight").number()));
                    }
                    case "homeostasis" -> {
                        r.onlyKeys(Set.of("type", "layer", "weight", "target_rate"));
                        regs.add(new Regularizer.Homeostasis(layer, (float) r.get("target_rate").number(),
                                (float) r.get("weight").number()));
                    }
                    default -> throw r.get("type").err("unknown regulariser '" + type
                            + "'; known: rate_l1, homeostasis");
                }
            }
        }

        GoldenCase.OptimizerSpec opt = null;
        if (c.has("optimizer")) {
            opt = optimizer(c.get("optimizer").obj());
        }
        boolean inputGrad = c.optBool("input_grad", false);

        F ex = c.get("expected").obj();
        boolean stochastic = false;
        for (LayerSpec l : layers) {
            stochastic |= l instanceof SpikingSpec s && s.stochastic() != null;
        }
        if (stochastic) {
            return stochasticCase(src, c, name, steps, batch, inputs, input, layers, params, loss,
                    new Targets(classes, targetSpikes), regs, opt, inputGrad, ex, wanted);
        }
        ex.onlyKeys(EXPECTED);
        double expLoss = ex.get("loss").number();
        F gf = ex.get("grads").obj();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        for (var e : wanted.entrySet()) {
            grads.put(e.getKey(), gf.get(e.getKey()).tensor(e.getValue()));
        }
        gf.onlyKeys(wanted.keySet());
        Tensor expInputGrad = null;
        if (inputGrad) {
            expInputGrad = ex.get("input_grad").tensor(new int[] {steps, batch, inputs});
        }
        List<Tensor> counts = null;
        if (ex.has("spike_counts")) {
            F sc = ex.get("spike_counts").array();
            if (sc.node.size() != layers.size()) {
                throw sc.err("expected one entry per layer (" + layers.size() + "), got " + sc.node.size());
            }
            counts = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                F e = sc.at(i);
                if (e.node == null || e.node.isNull()) {
                    counts.add(null);
                } else {
                    if (!(layers.get(i) instanceof SpikingSpec)) {
                        throw e.err("layer " + i + " does not spike, so its spike count must be null");
                    }
                    counts.add(e.tensor(new int[] {layers.get(i).out()}));
                }
            }
        }
        Tensor osot = ex.has("output_sum_over_time")
                ? ex.get("output_sum_over_time").tensor(new int[] {batch, outputs}) : null;
        double[] losses = null;
        Map<String, Tensor> after = null;
        if (opt != null) {
            F of = ex.get("optimizer").obj();
            of.onlyKeys(Set.of("losses", "params_after"));
            F lf = of.get("losses").array();
            if (lf.node.size() != opt.steps()) {
                throw lf.err("expected " + opt.steps() + " losses (one per step), got " + lf.node.size());
            }
            losses = new double[opt.steps()];
            for (int i = 0; i < losses.length; i++) {
                losses[i] = lf.at(i).number();
            }
            F pa = of.get("params_after").obj();
            after = new LinkedHashMap<>();
            for (var e : wanted.entrySet()) {
                after.put(e.getKey(), pa.get(e.getKey()).tensor(e.getValue()));
            }
            pa.onlyKeys(wanted.keySet());
        } else if (ex.has("optimizer")) {
            throw ex.get("optimizer").err("expected optimizer results but the case has no 'optimizer'");
        }
        Double minMargin = ex.has("min_margin") ? ex.get("min_margin").number() : null;
        return new GoldenCase(src, name, steps, batch, inputs, input, List.copyOf(layers), params, loss,
                new Targets(classes, targetSpikes), List.copyOf(regs), opt, inputGrad,
                new GoldenCase.Expected(expLoss, grads, expInputGrad, counts, osot, losses, after, minMargin));
    }

    /** A case with stochastic layers: its {@code expected} holds the exact expectation and gradient instead. */
    private static GoldenCase stochasticCase(String src, F c, String name, int steps, int batch, int inputs,
                                             Tensor input, List<LayerSpec> layers, Map<String, Tensor> params,
                                             Loss loss, Targets targets, List<Regularizer> regs,
                                             GoldenCase.OptimizerSpec opt, boolean inputGrad, F ex,
                                             Map<String, int[]> wanted) throws GoldenFormatException {
        if (opt != null) {
            throw c.get("optimizer").err("a case with stochastic layers cannot have an optimizer run");
        }
        if (inputGrad) {
            throw c.get("input_grad").err("a case with stochastic layers has no input gradient");
        }
        for (Regularizer r : regs) {
            if (!(r instanceof Regularizer.RateL1)) {
                throw c.get("regularizers").err("a case with stochastic layers may only use rate_l1 (a mean of "
                        + "per-sample terms)");
            }
        }
        ex.onlyKeys(EXPECTED_STOCHASTIC);
        double expLoss = ex.get("expected_loss").number();
        F gf = ex.get("expected_grads").obj();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        for (var e : wanted.entrySet()) {
            grads.put(e.getKey(), gf.get(e.getKey()).tensor(e.getValue()));
        }
        gf.onlyKeys(wanted.keySet());
        return new GoldenCase(src, name, steps, batch, inputs, input, List.copyOf(layers), params, loss, targets,
                List.copyOf(regs), null, false,
                new GoldenCase.Expected(expLoss, grads, null, null, null, null, null, null));
    }

    /** Accepts either {@code {"shape", "data"}} or a nested array of the given shape. */
    private static Tensor tensorOrNested(F f, int[] shape) throws GoldenFormatException {
        if (f.node.isObject()) {
            return f.tensor(shape);
        }
        List<Float> flat = new ArrayList<>();
        flatten(f, shape, 0, flat);
        float[] v = new float[flat.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = flat.get(i);
        }
        return Tensor.of(v, shape);
    }

    private static void flatten(F f, int[] shape, int depth, List<Float> out) throws GoldenFormatException {
        if (depth == shape.length) {
            out.add((float) f.number());
            return;
        }
        f.array();
        if (f.node.size() != shape[depth]) {
            throw f.err("expected " + shape[depth] + " entries (shape " + Arrays.toString(shape) + "), got "
                    + f.node.size());
        }
        for (int i = 0; i < shape[depth]; i++) {
            flatten(f.at(i), shape, depth + 1, out);
        }
    }

    private static LayerSpec layer(F l) throws GoldenFormatException {
        l.obj();
        String type = l.get("type").text();
        int out = l.get("out").positive();
        if (type.equals("li")) {
            l.onlyKeys(READOUT);
            return new ReadoutSpec(out, (float) l.get("beta").number(), l.optBool("learn_beta", false));
        }
        NeuronModel<?> model = switch (type) {
            case "lif", "if", "synaptic", "alif" -> {
                l.onlyKeys(SPIKING);
                Lif lif = lif(l, type);
                if (!type.equals("synaptic") && l.has("alpha")) {
                    throw l.get("alpha").err("only synaptic layers have alpha");
                }
                if (!type.equals("alif") && (l.has("rho") || l.has("adapt"))) {
                    throw l.get(l.has("rho") ? "rho" : "adapt").err("only alif layers have rho and adapt");
                }
                yield switch (type) {
                    case "synaptic" -> new Synaptic((float) l.get("alpha").number(), lif);
                    case "alif" -> new Alif((float) l.get("rho").number(), (float) l.get("adapt").number(), lif);
                    default -> lif;
                };
            }
            case "izhikevich" -> {
                l.onlyKeys(IZHIKEVICH);
                Izhikevich d = Izhikevich.REGULAR_SPIKING;
                yield model(l, () -> new Izhikevich((float) l.optNumber("a", d.a()), (float) l.optNumber("b", d.b()),
                        (float) l.optNumber("c", d.c()), (float) l.optNumber("d", d.d()),
                        (float) l.optNumber("v_peak", d.vPeak()), (float) l.optNumber("dt", d.dt()),
                        l.optBool("detach_reset", d.detachReset())));
            }
            case "adex" -> {
                l.onlyKeys(ADEX);
                AdEx d = AdEx.DEFAULT;
                yield model(l, () -> new AdEx((float) l.optNumber("tau_m", d.tauM()),
                        (float) l.optNumber("tau_w", d.tauW()), (float) l.optNumber("a", d.a()),
                        (float) l.optNumber("b", d.b()), (float) l.optNumber("delta_t", d.deltaT()),
                        (float) l.optNumber("v_t", d.vT()), (float) l.optNumber("v_reset", d.vReset()),
                        (float) l.optNumber("v_peak", d.vPeak()), (float) l.optNumber("dt", d.dt()),
                        l.optBool("detach_reset", d.detachReset())));
            }
            default -> throw l.get("type").err("unknown layer type '" + type + "'; known: " + LAYER_TYPES);
        };
        SpikingSpec s = SpikingSpec.of(out, model).withSurrogate(surrogate(l))
                .withRecurrent(l.optBool("recurrent", false));
        if (l.has("stochastic")) {
            F st = l.get("stochastic").obj();
            st.onlyKeys(Set.of("noise", "scale"));
            try {
                s = s.withStochastic(EscapeNoise.of(st.get("noise").text(), (float) st.get("scale").number()));
            } catch (IllegalArgumentException e) {
                throw (e.getMessage().contains("scale") ? st.get("scale") : st.get("noise")).err(e.getMessage());
            }
        }
        if (l.has("stp")) {
            F st = l.get("stp").obj();
            st.onlyKeys(Set.of("U", "tau_f", "tau_d", "dt", "learn_U"));
            try {
                s = s.withStp(new StpSpec((float) st.get("U").number(), (float) st.get("tau_f").number(),
                        (float) st.get("tau_d").number(), (float) st.optNumber("dt", 1.0),
                        st.optBool("learn_U", false)));
            } catch (IllegalArgumentException e) {
                throw st.err(e.getMessage());
            }
        }
        return s;
    }

    /** A model record built from fields, its own validation errors reported against the layer. */
    private static NeuronModel<?> model(F l, ModelFields build) throws GoldenFormatException {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw l.err(e.getMessage());
        }
    }

    @FunctionalInterface
    private interface ModelFields {
        NeuronModel<?> get() throws GoldenFormatException;
    }

    /** The LIF membrane of a lif, if, synaptic or alif layer. */
    private static Lif lif(F l, String type) throws GoldenFormatException {
        float beta = type.equals("if") ? (float) l.optNumber("beta", 1.0) : (float) l.get("beta").number();
        float threshold = (float) l.get("threshold").number();
        Reset reset;
        try {
            reset = Reset.parse(l.get("reset").text());
        } catch (IllegalArgumentException e) {
            throw l.get("reset").err(e.getMessage());
        }
        int refractory = l.has("refractory") ? l.get("refractory").integer() : 0;
        if (refractory < 0) {
            throw l.get("refractory").err("must be >= 0");
        }
        return new Lif(beta, threshold, reset, l.optBool("detach_reset", false), refractory,
                l.optBool("learn_beta", false), l.optBool("learn_threshold", false));
    }

    private static Surrogate surrogate(F l) throws GoldenFormatException {
        F sf = l.get("surrogate").obj();
        sf.onlyKeys(Set.of("name", "scale"));
        String sname = sf.get("name").text();
        try {
            float scale = sf.has("scale") ? (float) sf.get("scale").number() : Surrogate.defaultScale(sname);
            return Surrogate.of(sname, scale);
        } catch (IllegalArgumentException e) {
            throw (sf.has("scale") && e.getMessage().contains("scale") ? sf.get("scale") : sf.get("name"))
                    .err(e.getMessage());
        }
    }

    private static GoldenCase.OptimizerSpec optimizer(F o) throws GoldenFormatException {
        String type = o.get("type").text();
        int steps = o.get("steps").positive();
        float lr = (float) o.get("lr").number();
        switch (type) {
            case "adam", "adamw" -> {
                o.onlyKeys(Set.of("type", "lr", "betas", "eps", "weight_decay", "steps"));
                float b1 = 0.9f;
                float b2 = 0.999f;
                if (o.has("betas")) {
                    F b = o.get("betas").array();
                    if (b.node.size() != 2) {
                        throw b.err("expected two betas");
                    }
                    b1 = (float) b.at(0).number();
                    b2 = (float) b.at(1).number();
                }
                return new GoldenCase.OptimizerSpec(type, lr, b1, b2, (float) o.optNumber("eps", 1e-8), 0f,
                        (float) o.optNumber("weight_decay", type.equals("adamw") ? 0.01 : 0.0), steps);
            }
            case "sgd" -> {
                o.onlyKeys(Set.of("type", "lr", "momentum", "weight_decay", "steps"));
                return new GoldenCase.OptimizerSpec(type, lr, 0f, 0f, 0f, (float) o.optNumber("momentum", 0.0),
                        (float) o.optNumber("weight_decay", 0.0), steps);
            }
            default -> throw o.get("type").err("unknown optimizer '" + type + "'; known: adam, adamw, sgd");
        }
    }

    /** The parameter names and shapes a network of these layers has, PyTorch-style. */
    static Map<String, int[]> parameterShapes(int inputs, List<LayerSpec> layers) {
        Map<String, int[]> m = new LinkedHashMap<>();
        int in = inputs;
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            String p = "layers." + i + ".";
            m.put(p + "W", new int[] {l.out(), in});
            m.put(p + "b", new int[] {l.out()});
            if (l instanceof SpikingSpec s) {
                if (s.recurrent()) {
                    m.put(p + "V", new int[] {l.out(), l.out()});
                }
                for (String name : s.neuron().learnable().keySet()) {
                    m.put(p + name, new int[] {l.out()});
                }
                if (s.stp() != null && s.stp().learnU()) {
                    m.put(p + "stp.U", new int[] {in});
                }
            } else if (l instanceof ReadoutSpec r && r.learnBeta()) {
                m.put(p + "beta", new int[] {l.out()});
            }
            in = l.out();
        }
        return m;
    }
}
