package dev.surge.core.neuron;

import dev.surge.core.autograd.Ops;
import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.nn.Reset;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The spiking neuron models as pure step functions over explicit state, composed from tape ops: the reference
 * ("composed") implementation that the fused kernels are tested against, and the one that covers every
 * configuration (synaptic, ALIF, refractory, learnable β/θ). The equations are those of {@link SpikingSpec}.
 */
public final class SpikingDynamics {
    private SpikingDynamics() {
    }

    /**
     * Parameters of one layer's dynamics.
     *
     * @param recurrentWeights {@code V [N, N]} or null
     * @param beta             per-neuron β {@code [N]} when learnable, else null (the spec's scalar is used)
     * @param threshold        per-neuron θ {@code [N]} when learnable, else null
     */
    public record Params(SpikingSpec spec, Var recurrentWeights, Var beta, Var threshold) {
    }

    /**
     * State after a step. {@code recent} holds the last R output spikes (newest last) for the refractory gate.
     */
    public record State(Var v, Var s, Var syn, Var adaptation, List<Var> recent) {
    }

    /** All-zero state for a batch of {@code batch} and {@code n} neurons. */
    public static State initial(Tape tape, int batch, int n) {
        Var z = tape.constant(Tensor.zeros(batch, n));
        return new State(z, z, z, z, List.of());
    }

    /** One time step: {@code current} is {@code x_t·Wᵀ + b}, shape {@code [B, N]}. */
    public static State step(Params p, State st, Var current) {
        SpikingSpec spec = p.spec();
        Var in = current;
        if (spec.recurrent()) {
            in = in.add(st.s().matmul(false, p.recurrentWeights(), true));
        }
        Var syn = st.syn();
        if (spec.kind() == SpikingSpec.Kind.SYNAPTIC) {
            syn = syn.mul(spec.alpha()).add(in);
            in = syn;
        }
        Var r = spec.detachReset() ? st.s().detach() : st.s();
        Var decayed = p.beta() != null ? st.v().mul(p.beta()) : st.v().mul(spec.beta());
        Var v;
        if (spec.reset() == Reset.SUBTRACT) {
            Var thr = p.threshold() != null ? r.mul(p.threshold()) : r.mul(spec.threshold());
            v = decayed.add(in).sub(thr);
        } else if (spec.reset() == Reset.ZERO) {
            v = decayed.mul(r.rsub(1f)).add(in);
        } else {
            v = decayed.add(in);
        }
        Var a = st.adaptation();
        Var h;
        if (spec.kind() == SpikingSpec.Kind.ALIF) {
            a = a.mul(spec.rho()).add(st.s());
            Var base = p.threshold() != null ? a.mul(spec.adapt()).add(p.threshold()) : a.mul(spec.adapt())
                    .add(spec.threshold());
            h = v.sub(base);
        } else {
            h = p.threshold() != null ? v.sub(p.threshold()) : v.add(-spec.threshold());
        }
        Var s = h.spike(spec.surrogate());
        List<Var> recent = st.recent();
        if (spec.refractory() > 0) {
            if (!recent.isEmpty()) {
                Var sum = recent.get(0);
                for (int k = 1; k < recent.size(); k++) {
                    sum = sum.add(recent.get(k));
                }
                s = s.mul(sum.rsub(1f));
            }
            List<Var> next = new ArrayList<>(recent);
            next.add(s);
            if (next.size() > spec.refractory()) {
                next.remove(0);
            }
            recent = List.copyOf(next);
        }
        return new State(v, s, syn, a, recent);
    }

    /** Runs the layer over a whole sequence of currents {@code [T, B, N]}; returns spikes {@code [T, B, N]}. */
    public static Var run(Params p, Var currents) {
        int[] sh = currents.shape();
        int steps = sh[0];
        State st = initial(currents.tape(), sh[1], sh[2]);
        Var[] out = new Var[steps];
        for (int t = 0; t < steps; t++) {
            st = step(p, st, currents.select(0, t));
            out[t] = st.s();
        }
        return Ops.stack(0, out);
    }

    /**
     * Leaky-integrator readout over a sequence: {@code u_t = β·u_{t−1} + I_t}, with β a per-neuron variable
     * {@code [N]} or, when null, the scalar {@code beta}.
     */
    public static Var readout(Var currents, Var betaVar, float beta) {
        int[] sh = currents.shape();
        Var u = currents.tape().constant(Tensor.zeros(sh[1], sh[2]));
        Var[] out = new Var[sh[0]];
        for (int t = 0; t < sh[0]; t++) {
            u = (betaVar != null ? u.mul(betaVar) : u.mul(beta)).add(currents.select(0, t));
            out[t] = u;
        }
        return Ops.stack(0, out);
    }
}
