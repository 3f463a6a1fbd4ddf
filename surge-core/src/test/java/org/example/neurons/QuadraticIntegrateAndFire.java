package org.example.neurons;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.neuron.CustomNeuron;
import dev.surge.core.neuron.NeuronState;
import dev.surge.core.neuron.StepContext;
import dev.surge.core.tensor.Tensor;
import java.util.Map;

/**
 * A quadratic integrate-and-fire neuron written outside Surge with only its public API (the example of
 * docs/EXTENDING.md). Per step, with a per-neuron learnt sharpness {@code k}:
 * <pre>
 *   v⁺  = v + dt·(k·v·(v − v_c) − v·leak + I_t)
 *   s_t = H(v⁺ − v_peak)
 *   v_t = v⁺·(1 − s_t) + v_reset·s_t      (the gradient flows through the reset too)
 * </pre>
 * Below {@code v_c} the quadratic term pulls v back to rest (0); above it v runs away and spikes.
 */
public record QuadraticIntegrateAndFire(float sharpness, float vCritical, float leak, float vPeak, float vReset,
                                        float dt) implements CustomNeuron<QuadraticIntegrateAndFire.State> {

    /** Membrane and spikes after a step. */
    public record State(Var v, Var s) implements NeuronState {
        @Override
        public Var spikes() {
            return s;
        }
    }

    @Override
    public String type() {
        return "qif";
    }

    /** {@code k} is learnt per neuron, starting at {@code sharpness}. */
    @Override
    public Map<String, Float> learnable() {
        return Map.of("k", sharpness);
    }

    @Override
    public State initial(Tape tape, int batch, int neurons) {
        Var zeros = tape.constant(Tensor.zeros(batch, neurons));
        return new State(zeros, zeros);
    }

    @Override
    public State step(State st, Var current, StepContext ctx) {
        Var v = st.v();
        Var k = ctx.param("k");                                   // [N], bound on this pass's tape
        Var drive = v.mul(k).mul(v.add(-vCritical)).sub(v.mul(leak)).add(current);
        Var vNext = v.add(drive.mul(dt));
        Var s = ctx.fire(vNext.add(-vPeak));                      // H forward, surrogate backward
        return new State(vNext.mul(s.rsub(1f)).add(s.mul(vReset)), s);
    }
}
