package dev.surge.core.neuron;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import java.util.Map;

/**
 * Adaptive-threshold LIF neuron (ALIF, as in LSNNs): the {@link Lif} membrane with a threshold raised by an
 * adaptation variable that integrates the neuron's own spikes:
 * <pre>
 *   a_t = ρ·a_{t−1} + s_{t−1}
 *   θ_t = θ + adapt·a_t
 *   s_t = H(v_t − θ_t)          (a subtract reset still subtracts the base θ)
 * </pre>
 *
 * @param rho      adaptation decay ρ
 * @param adapt    adaptation strength
 * @param membrane the LIF membrane
 */
public record Alif(float rho, float adapt, Lif membrane) implements NeuronModel<Alif.State> {

    public Alif {
        if (membrane == null) {
            throw new IllegalArgumentException("alif: membrane is required");
        }
        if (!Float.isFinite(rho) || !Float.isFinite(adapt)) {
            throw new IllegalArgumentException("alif: rho and adapt must be finite, got rho=" + rho + " adapt="
                    + adapt);
        }
    }

    /** State after a step: the membrane's state and the adaptation {@code a}. */
    public record State(Lif.State lif, Var a) implements NeuronState {
        @Override
        public Var spikes() {
            return lif.s();
        }
    }

    @Override
    public String type() {
        return "alif";
    }

    @Override
    public Map<String, Float> learnable() {
        return membrane.learnable();
    }

    @Override
    public State initial(Tape tape, int batch, int neurons) {
        Lif.State l = membrane.initial(tape, batch, neurons);
        return new State(l, l.v());
    }

    @Override
    public State step(State st, Var current, StepContext ctx) {
        Lif.State prev = st.lif();
        Var v = membrane.membrane(prev.v(), prev.s(), current, ctx);
        Var a = st.a().mul(rho).add(prev.s());
        Var thVar = ctx.param("threshold");
        Var base = thVar != null ? a.mul(adapt).add(thVar) : a.mul(adapt).add(membrane.threshold());
        return new State(membrane.fire(v, v.sub(base), prev.recent(), ctx), a);
    }

    /** The same model with another membrane. */
    public Alif withMembrane(Lif m) {
        return new Alif(rho, adapt, m);
    }
}
