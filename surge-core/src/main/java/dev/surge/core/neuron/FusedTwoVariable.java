package dev.surge.core.neuron;

import dev.surge.core.autograd.Var;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.Blas;
import dev.surge.core.tensor.Tensor;
import java.util.Arrays;

/**
 * Whole-sequence kernel of a model with a membrane {@code v}, a second variable {@code w} and a spike-triggered
 * reset ({@link Izhikevich}, {@link AdEx}) as one tape op: a forward loop over all T and a hand-written BPTT
 * backward, with no per-step graph. Each model states its update and its partial derivatives in its own file
 * ({@link Rule}); this class runs the time loop, the optional recurrent input {@code s_{t−1}·Vᵀ} and the chain rule:
 * <pre>
 *   forward:   v⁺ = f(v, w, I),  w⁺ = g(v, w),  s = H(v⁺ − v_peak),  v_t = v⁺ + r·(v_reset − v⁺),  w_t = w⁺ + jump·r
 *   backward:  gs   = ∂L/∂s_t + (attached: gv_t·(v_reset − v⁺) + gw_t·jump) + gI_{t+1}·V (recurrent)
 *              gv⁺  = gv_t·(1 − s) + gs·σ'(v⁺ − v_peak);   gw⁺ = gw_t
 *              gI_t = gv⁺·∂f/∂I;   gv_{t−1} = gv⁺·∂f/∂v + gw⁺·∂g/∂v;   gw_{t−1} = gv⁺·∂f/∂w + gw⁺·∂g/∂w
 * </pre>
 * The forward arithmetic is the same, in the same order, as the model's composed {@code step}, so spikes agree bit
 * for bit on the feed-forward path (tested in {@code FusedModelsTest}, gradients within float rounding).
 */
final class FusedTwoVariable {
    private FusedTwoVariable() {
    }

    /** One model's element-wise update and its partial derivatives, with the constants of its reset. */
    abstract static class Rule {
        /** Initial v and w. */
        final float v0;
        final float w0;
        final float vPeak;
        final float vReset;
        /** The jump of w at a spike. */
        final float jump;
        /** Whether the reset is attached to the graph (its gradient flows into the spike). */
        final boolean attached;

        Rule(float v0, float w0, float vPeak, float vReset, float jump, boolean attached) {
            this.v0 = v0;
            this.w0 = w0;
            this.vPeak = vPeak;
            this.vReset = vReset;
            this.jump = jump;
            this.attached = attached;
        }

        abstract float vNext(float v, float w, float in);

        abstract float wNext(float v, float w);

        /** ∂v⁺/∂v, ∂v⁺/∂w and ∂v⁺/∂I at (v, w). */
        abstract float dvdv(float v, float w);

        abstract float dvdw(float v, float w);

        abstract float dvdi(float v, float w);

        /** ∂w⁺/∂v and ∂w⁺/∂w. */
        abstract float dwdv(float v, float w);

        abstract float dwdw(float v, float w);
    }

    /** Spikes {@code [T, B, N]} for currents {@code [T, B, N]}; {@code recurrentWeights} {@code V [N, N]} or null. */
    static Var forward(Rule rule, Surrogate surrogate, Var currents, Var recurrentWeights) {
        int[] sh = currents.shape();
        if (sh.length != 3) {
            throw new IllegalArgumentException("fused kernel needs currents [T, B, N], got " + Arrays.toString(sh));
        }
        final int steps = sh[0];
        final int batch = sh[1];
        final int n = sh[2];
        final int bn = batch * n;
        final boolean rec = recurrentWeights != null;
        if (rec && recurrentWeights.value().size() != n * n) {
            throw new IllegalArgumentException("recurrent layer needs V of shape [" + n + ", " + n + "]");
        }
        final float[] cur = currents.value().data();
        final float[] vw = rec ? recurrentWeights.value().data() : null;
        // per step: the state after the reset (v, w), the membrane before it (v⁺), the spikes
        final float[] v = new float[steps * bn];
        final float[] w = new float[steps * bn];
        final float[] vPlus = new float[steps * bn];
        final float[] out = new float[steps * bn];
        final float[] in = new float[bn];
        final Blas blas = Blas.get();
        final float vPeakNeg = -rule.vPeak;
        final float vReset = rule.vReset;
        final float jump = rule.jump;
        for (int t = 0; t < steps; t++) {
            int base = t * bn;
            System.arraycopy(cur, base, in, 0, bn);
            if (rec && t > 0) {
                float[] recIn = new float[bn];
                blas.sgemm(false, true, batch, n, n, 1f, out, base - bn, n, vw, 0, n, 0f, recIn, 0, n);
                for (int i = 0; i < bn; i++) {
                    in[i] += recIn[i];
                }
            }
            for (int i = 0; i < bn; i++) {
                float vp = t > 0 ? v[base - bn + i] : rule.v0;
                float wp = t > 0 ? w[base - bn + i] : rule.w0;
                float vn = rule.vNext(vp, wp, in[i]);
                float wn = rule.wNext(vp, wp);
                float s = vn + vPeakNeg > 0f ? 1f : 0f;
                vPlus[base + i] = vn;
                out[base + i] = s;
                v[base + i] = vn + s * (vReset - vn);
                w[base + i] = wn + jump * s;
            }
        }
        Var[] inputs = rec ? new Var[] {currents, recurrentWeights} : new Var[] {currents};
        return currents.tape().record(Tensor.of(out, sh), g -> {
            float[] gOut = g.data();
            float[] gCur = new float[steps * bn];
            float[] gv = new float[bn]; // ∂L/∂v_t and ∂L/∂w_t, carried down from step t+1
            float[] gw = new float[bn];
            float[] gsRec = rec ? new float[bn] : null;
            boolean attached = rule.attached;
            for (int t = steps - 1; t >= 0; t--) {
                int base = t * bn;
                if (rec && t < steps - 1) {
                    // the spikes of step t fed the recurrent input of step t+1: gI_{t+1}[B,N] · V[N,N]
                    blas.sgemm(false, false, batch, n, n, 1f, gCur, base + bn, n, vw, 0, n, 0f, gsRec, 0, n);
                }
                for (int i = 0; i < bn; i++) {
                    float s = out[base + i];
                    float vn = vPlus[base + i];
                    float gs = gOut[base + i];
                    if (rec && t < steps - 1) {
                        gs += gsRec[i];
                    }
                    if (attached) {
                        gs += gv[i] * (vReset - vn) + gw[i] * jump;
                    }
                    float gvPlus = gv[i] * (1f - s) + gs * surrogate.derivative(vn + vPeakNeg);
                    float gwPlus = gw[i];
                    float vp = t > 0 ? v[base - bn + i] : rule.v0;
                    float wp = t > 0 ? w[base - bn + i] : rule.w0;
                    gCur[base + i] = gvPlus * rule.dvdi(vp, wp);
                    gv[i] = gvPlus * rule.dvdv(vp, wp) + gwPlus * rule.dwdv(vp, wp);
                    gw[i] = gvPlus * rule.dvdw(vp, wp) + gwPlus * rule.dwdw(vp, wp);
                }
            }
            currents.accumulate(gCur);
            if (rec && steps > 1) {
                // ∂L/∂V = Σ_t gI_tᵀ · s_{t−1}: [N, (T−1)B] · [(T−1)B, N]
                float[] gV = new float[n * n];
                blas.sgemm(true, false, n, n, (steps - 1) * batch, 1f, gCur, bn, n, out, 0, n, 0f, gV, 0, n);
                recurrentWeights.accumulate(gV);
            }
        }, inputs);
    }
}
