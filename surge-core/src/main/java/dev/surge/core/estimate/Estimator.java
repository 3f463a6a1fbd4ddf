package dev.surge.core.estimate;

import dev.surge.core.autograd.Var;
import dev.surge.core.loss.Targets;
import dev.surge.core.nn.ForwardContext;
import dev.surge.core.nn.Layer;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.train.Objective;
import java.util.List;
import java.util.Locale;

/**
 * A one-sample estimator of the gradient of the expected objective {@code ∇E[L]} of a network whose spiking layers
 * may be stochastic ({@link dev.surge.core.neuron.EscapeNoise}). One sample is one draw of spikes for the whole batch.
 * All formulas are here:
 *
 * <table>
 *   <caption>estimators</caption>
 *   <tr><th>name</th><th>forward spike of a stochastic layer</th><th>backward ({@code ∂s/∂h}) and extra terms</th></tr>
 *   <tr><td>surrogate</td><td>{@code H(h)} (noise ignored)</td><td>the layer's surrogate {@code σ'(h)}</td></tr>
 *   <tr><td>stochastic_surrogate</td><td>{@code s ~ Bernoulli(sig(k·h))}</td><td>{@code k·p·(1 − p)}</td></tr>
 *   <tr><td>straight_through</td><td>{@code s ~ Bernoulli(sig(k·h))}</td><td>{@code 1}</td></tr>
 *   <tr><td>concrete</td><td>{@code sig((k·h + log u − log(1 − u))/τ)}, relaxed</td><td>exact derivative of that</td></tr>
 *   <tr><td>reinforce</td><td>{@code s ~ Bernoulli(sig(k·h))}</td><td>{@code 0}; plus the score term
 *       {@code (1/B)·Σ_b ℓ_b·∇log P_b} with {@code log P_b = Σ_{t,i} s·kh − softplus(kh)}</td></tr>
 *   <tr><td>reinforce_baseline</td><td>as reinforce</td><td>as reinforce with {@code ℓ_b − c_b}, {@code c_b} a
 *       baseline that does not depend on the draw</td></tr>
 * </table>
 *
 * <p>Every estimator also keeps the path part: the objective's direct dependence on the parameters with the spikes
 * held fixed (the readout's weights, for instance). Deterministic spiking layers keep {@code H(h)} and their
 * surrogate under every estimator; score-function estimators require every spiking layer to be stochastic, since a
 * deterministic threshold has no score. {@code exact} ({@link ExactGradient}) enumerates every pattern instead of
 * sampling.
 */
public sealed interface Estimator permits Pathwise, ScoreFunction {

    /** Every estimator name, {@code exact} included, in the order of the table above. */
    List<String> NAMES = List.of("exact", "surrogate", "stochastic_surrogate", "straight_through", "concrete",
            "reinforce", "reinforce_baseline");

    /** Default temperature of {@code concrete}. */
    float CONCRETE_TEMPERATURE = 0.5f;

    /** The name used on the command line and in reports. */
    String name();

    /** Whether two calls with different random streams give different estimates. */
    boolean sampled();

    /**
     * One estimate: runs {@code net} on {@code input} (a constant on its own tape) with this estimator's spikes, and
     * back-propagates {@code weight} times the estimator's surrogate objective into the variables the pass binds.
     *
     * @param baseline per-row baselines for the score term (ignored by pathwise estimators)
     * @return the pass, the batch-mean objective and each row's objective value (null when the estimator does not
     *         split the objective by row)
     */
    Sample estimate(Network net, Var input, Targets targets, Objective objective, ForwardContext ctx, float weight,
                    Baseline baseline);

    /** One estimate's forward pass, batch-mean objective and per-row objective values (or null). */
    record Sample(Network.Pass pass, Var loss, float[] rowLosses) {
    }

    /**
     * A sampled estimator by name ({@code concrete} with {@link #CONCRETE_TEMPERATURE}).
     *
     * @throws IllegalArgumentException naming the unknown estimator, or for {@code exact}, which does not sample
     */
    static Estimator of(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return switch (n) {
            case "surrogate" -> Pathwise.SURROGATE;
            case "stochastic_surrogate" -> Pathwise.STOCHASTIC_SURROGATE;
            case "straight_through", "ste" -> Pathwise.STRAIGHT_THROUGH;
            case "concrete" -> Pathwise.concrete(CONCRETE_TEMPERATURE);
            case "reinforce" -> ScoreFunction.PLAIN;
            case "reinforce_baseline" -> ScoreFunction.WITH_BASELINE;
            case "exact" -> throw new IllegalArgumentException("estimator 'exact' enumerates every spike pattern "
                    + "rather than sampling; use ExactGradient");
            default -> throw new IllegalArgumentException("unknown estimator '" + name + "'; known: "
                    + String.join(", ", NAMES));
        };
    }

    /** The number of stochastic spiking layers of {@code net}. */
    static int stochasticLayers(Network net) {
        int n = 0;
        for (Layer l : net.layers()) {
            if (l.spec() instanceof SpikingSpec s && s.stochastic() != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * Checks that every spiking layer of {@code net} is stochastic, as {@code what} needs.
     *
     * @throws IllegalArgumentException naming the first deterministic spiking layer
     */
    static void requireStochastic(Network net, String what) {
        requireStochastic(net.layers().stream().map(Layer::spec).toList(), what);
    }

    /** {@link #requireStochastic(Network, String)} from the layer specs, before a network is built. */
    static void requireStochastic(List<? extends dev.surge.core.nn.LayerSpec> specs, String what) {
        for (int i = 0; i < specs.size(); i++) {
            if (specs.get(i) instanceof SpikingSpec s && s.stochastic() == null) {
                throw new IllegalArgumentException("'" + what + "' needs every spiking layer to be stochastic, but "
                        + "layer " + i + " has no escape noise (\"stochastic\": {\"noise\": \"sigmoid\", "
                        + "\"scale\": k})");
            }
        }
    }
}
