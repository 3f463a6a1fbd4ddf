package dev.surge.io.golden;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.surge.core.nn.LayerSpec;
import dev.surge.core.nn.ReadoutSpec;
import dev.surge.core.nn.SpikingSpec;
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
            o.put("type", switch (s.kind()) {
                case LIF -> "lif";
                case SYNAPTIC -> "synaptic";
                case ALIF -> "alif";
            });
            o.put("out", s.out());
            o.put("beta", s.beta());
            o.put("threshold", s.threshold());
            o.put("reset", s.reset().label());
            o.put("detach_reset", s.detachReset());
            ObjectNode sur = o.putObject("surrogate");
            sur.put("name", s.surrogate().name());
            sur.put("scale", s.surrogate().scale());
            if (s.recurrent()) {
                o.put("recurrent", true);
            }
            if (s.learnBeta()) {
                o.put("learn_beta", true);
            }
            if (s.learnThreshold()) {
                o.put("learn_threshold", true);
            }
            if (s.refractory() > 0) {
                o.put("refractory", s.refractory());
            }
            if (s.kind() == SpikingSpec.Kind.SYNAPTIC) {
                o.put("alpha", s.alpha());
            }
            if (s.kind() == SpikingSpec.Kind.ALIF) {
                o.put("rho", s.rho());
                o.put("adapt", s.adapt());
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
}
