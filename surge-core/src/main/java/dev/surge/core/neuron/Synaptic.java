package dev.surge.core.neuron;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import java.util.Map;

/**
 * Current-based (synaptic) LIF neuron: the input current passes through a leaky synaptic trace
 * <pre>
 *   i_t = α·i_{t−1} + I_t
 * </pre>
 * and {@code i_t} drives the {@link Lif} membrane (all of whose options apply) in place of {@code I_t}. Fused by
 * {@link FusedLif} when the membrane has no refractory period.
 *
 * @param alpha    synaptic current decay
 * @param membrane the LIF membrane the current drives
 */
public record Synaptic(float alpha, Lif membrane) implements NeuronModel<Synaptic.State> {

    public Synaptic {
        if (membrane == null) {
            throw new IllegalArgumentException("synaptic: membrane is required");
        }
        if (!Float.isFinite(alpha)) {
            throw new IllegalArgumentException("synaptic: alpha must be finite, got " + alpha);
        }
    }

    /** State after a step: the synaptic current and the membrane's state. */
    public record State(Var i, Lif.State lif) implements NeuronState {
        @Override
        public Var spikes() {
            return lif.s();
        }
    }

    @Override
    public String type() {
        return "synaptic";
    }

    @Override
    public Map<String, Float> learnable() {
        return membrane.learnable();
    }

    @Override
    public State initial(Tape tape, int batch, int neurons) {
        Lif.State l = membrane.initial(tape, batch, neurons);
        return new State(l.v(), l);
    }

    @Override
    public State step(State st, Var current, StepContext ctx) {
        Var i = st.i().mul(alpha).add(current);
        return new State(i, membrane.step(st.lif(), i, ctx));
    }

    /** The same model with another membrane. */
    public Synaptic withMembrane(Lif m) {
        return new Synaptic(alpha, m);
    }

}
