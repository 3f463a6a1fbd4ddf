package dev.surge.io.golden;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.surge.core.nn.LayerSpec;
import dev.surge.core.nn.ReadoutSpec;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.neuron.AdEx;
import dev.surge.core.neuron.Alif;
import dev.surge.core.neuron.Izhikevich;
import dev.surge.core.neuron.Lif;
import dev.surge.core.neuron.NeuronModel;
import dev.surge.core.neuron.Synaptic;
import java.util.List;

/**
 * Writes layer specs as JSON in the vocabulary of the golden cases and model files, so that
 * {@link GoldenReader#readModel} reads back exactly the same architecture.
 */
public final class ModelJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelJson() {
    }

    public static ObjectNode toJson(int inputs, List<LayerSpec> layers) {
        ObjectNode root = JSON.createObjectNode();
        root.put("inputs", inputs);
        ArrayNode arr = root.putArray("layers");
        for (LayerSpec l : layers) {
            ObjectNode o = arr.addObject();
            if (l instanceof ReadoutSpec r) {
                o.put("type", "li");
                o.put("out", r.out());
                o.put("beta", r.beta());
                if (r.learnBeta()) {
                    o.put("learn_beta", true);
                }
                continue;
            }
            SpikingSpec s = (SpikingSpec) l;
            NeuronModel<?> model = s.neuron();
            o.put("type", model.type());
            o.put("out", s.out());
            if (model instanceof Lif lif) {
                putLif(o, lif);
            } else if (model instanceof Synaptic syn) {
                putLif(o, syn.membrane());
                o.put("alpha", syn.alpha());
            } else if (model instanceof Alif alif) {
                putLif(o, alif.membrane());
                o.put("rho", alif.rho());
                o.put("adapt", alif.adapt());
            } else if (model instanceof Izhikevich iz) {
                o.put("a", iz.a());
                o.put("b", iz.b());
                o.put("c", iz.c());
                o.put("d", iz.d());
                o.put("v_peak", iz.vPeak());
                o.put("dt", iz.dt());
                o.put("detach_reset", iz.detachReset());
            } else if (model instanceof AdEx ad) {
                o.put("tau_m", ad.tauM());
                o.put("tau_w", ad.tauW());
                o.put("a", ad.a());
                o.put("b", ad.b());
                o.put("delta_t", ad.deltaT());
                o.put("v_t", ad.vT());
                o.put("v_reset", ad.vReset());
                o.put("v_peak", ad.vPeak());
                o.put("dt", ad.dt());
                o.put("detach_reset", ad.detachReset());
            } else {
                throw new IllegalArgumentException("neuron model '" + model.type()
                        + "' is a custom model: model files can name only " + GoldenReader.LAYER_TYPES);
            }
            ObjectNode sur = o.putObject("surrogate");
            sur.put("name", s.surrogate().name());
            sur.put("scale", s.surrogate().scale());
            if (s.stochastic() != null) {
                ObjectNode sto = o.putObject("stochastic");
                sto.put("noise", s.stochastic().noise());
                sto.put("scale", s.stochastic().scale());
            }
            if (s.recurrent()) {
                o.put("recurrent", true);
            }
            if (s.stp() != null) {
                ObjectNode st = o.putObject("stp");
                st.put("U", s.stp().u());
                st.put("tau_f", s.stp().tauF());
                st.put("tau_d", s.stp().tauD());
                st.put("dt", s.stp().dt());
                if (s.stp().learnU()) {
                    st.put("learn_U", true);
                }
            }
        }
        return root;
    }

    private static void putLif(ObjectNode o, Lif lif) {
        o.put("beta", lif.beta());
        o.put("threshold", lif.threshold());
        o.put("reset", lif.reset().label());
        o.put("detach_reset", lif.detachReset());
        if (lif.learnBeta()) {
            o.put("learn_beta", true);
        }
        if (lif.learnThreshold()) {
            o.put("learn_threshold", true);
        }
        if (lif.refractory() > 0) {
            o.put("refractory", lif.refractory());
        }
    }
}
