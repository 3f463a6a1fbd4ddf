package dev.surge.core.neuron;

import dev.surge.core.autograd.Ops;
import dev.surge.core.autograd.Var;
import dev.surge.core.tensor.Tensor;

/** Tsodyks–Markram short-term plasticity of input spikes, composed from tape ops (equations in {@link StpSpec}). */
public final class ShortTermPlasticity {
    private ShortTermPlasticity() {
    }

    /**
     * Transmitted input {@code x̃ [T, B, in]} for input spikes {@code z [T, B, in]}.
     *
     * @param uParam per-presynaptic {@code U [in]} when learnable, else null (the spec's scalar is used)
     */
    public static Var apply(StpSpec spec, Var uParam, Var z) {
        int[] sh = z.shape();
        var tape = z.tape();
        Var zeros = tape.constant(Tensor.zeros(sh[1], sh[2]));
        Var bigU = uParam != null ? uParam : tape.constant(spec.u());
        Var u = zeros.add(bigU);
        Var r = tape.constant(Tensor.ones(sh[1], sh[2]));
        float kd = spec.dt() / spec.tauD();
        float kf = spec.dt() / spec.tauF();
        Var[] out = new Var[sh[0]];
        for (int t = 0; t < sh[0]; t++) {
            Var zt = z.select(0, t);
            Var uPlus = u.add(bigU.mul(u.rsub(1f)).mul(zt));
            Var released = uPlus.mul(r).mul(zt);
            out[t] = released;
            r = r.add(r.rsub(1f).mul(kd)).sub(released);
            u = uPlus.add(bigU.sub(uPlus).mul(kf));
        }
        return Ops.stack(0, out);
    }
}
