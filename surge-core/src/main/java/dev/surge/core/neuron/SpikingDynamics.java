package dev.surge.core.neuron;

import dev.surge.core.autograd.Ops;
import dev.surge.core.autograd.Var;
import dev.surge.core.tensor.Tensor;
import java.util.Arrays;

/**
 * Runs a neuron model over a whole sequence on tape ops (the composed path): the reference that the fused kernels
 * are tested against, and the path that runs every model, custom ones included. Also the leaky-integrator readout.
 */
public final class SpikingDynamics {
    private SpikingDynamics() {
    }

    /**
     * Spikes {@code [T, B, N]} of {@code model} driven by {@code currents [T, B, N]}; with recurrent weights
     * {@code V [N, N]} the current of step t also gets {@code s_{t−1}·Vᵀ}.
     *
     * @param recurrentWeights {@code V}, or null for a feed-forward layer
     * @param ctx              the context of step 0 (learnt parameters, surrogate, spike function, ...)
     * @throws IllegalArgumentException naming the model when a step returns no state, no spikes, or spikes of
     *                                  another shape than {@code [B, N]}
     */
    public static <S extends NeuronState> Var run(NeuronModel<S> model, Var currents, Var recurrentWeights,
                                                  StepContext ctx) {
        int[] sh = currents.shape();
        if (sh.length != 3) {
            throw new IllegalArgumentException("neuron model '" + model.type() + "' needs currents [T, B, N], got "
                    + Arrays.toString(sh));
        }
        int steps = sh[0];
        S st = model.initial(currents.tape(), sh[1], sh[2]);
        check(model, st, "initial", sh);
        Var[] out = new Var[steps];
        for (int t = 0; t < steps; t++) {
            Var in = currents.select(0, t);
            if (recurrentWeights != null) {
                in = in.add(st.spikes().matmul(false, recurrentWeights, true));
            }
            st = model.step(st, in, ctx.at(t));
            check(model, st, "step", sh);
            out[t] = st.spikes();
        }
        return Ops.stack(0, out);
    }

    private static void check(NeuronModel<?> model, NeuronState st, String what, int[] sh) {
        String where = "neuron model '" + model.type() + "': " + what;
        if (st == null) {
            throw new IllegalArgumentException(where + " returned no state");
        }
        Var s = st.spikes();
        if (s == null) {
            throw new IllegalArgumentException(where + " returned a state with no spikes");
        }
        if (s.shape().length != 2 || s.shape()[0] != sh[1] || s.shape()[1] != sh[2]) {
            throw new IllegalArgumentException(where + " returned spikes of shape " + Arrays.toString(s.shape())
                    + ", expected [" + sh[1] + ", " + sh[2] + "] (batch, neurons)");
        }
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
