package dev.surge.core.neuron;

import dev.surge.core.autograd.Var;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.Arena;
import dev.surge.core.tensor.Blas;
import dev.surge.core.tensor.Kernels;
import dev.surge.core.tensor.SpikeRows;
import dev.surge.core.tensor.Tensor;
import java.util.Arrays;

/**
 * Whole-sequence LIF (also IF and current-based/synaptic) layer as one tape op: a tight forward loop over all T and
 * a hand-written BPTT backward, with no per-step graph. Covers feed-forward and recurrent layers, the three reset
 * modes with the reset attached or detached, learnable per-neuron β and θ, and the synaptic current
 * {@code i_t = α·i_{t−1} + I_t} (whose gradient {@code gi_t = gv_t + α·gi_{t+1}} then feeds the recurrent and input
 * terms in place of {@code gv_t}), and the adaptive threshold of {@link Alif}
 * ({@code a_t = ρ·a_{t−1} + s_{t−1}}, spikes at {@code v_t > θ + adapt·a_t}, the reset still subtracting θ): the
 * fused form of {@link Lif}, {@link Synaptic} and {@link Alif}. It equals {@link SpikingDynamics#run} of the same
 * model (tested on random inputs in {@code FusedEqualsComposedTest}).
 *
 * <p>Stored for backward: the membrane {@code v_t} (float); the spikes are read back from the layer's output, which
 * the tape keeps for the next layer anyway. The row loops are in {@link Lif} (SIMD when available).
 *
 * <p>Backward, from {@code t = T−1} down, with {@code gv'} the gradient of {@code v_{t+1}}:
 * <pre>
 *   gs_t = ∂L/∂s_t + gv'·V (recurrent) − θ·gv' (subtract, attached) − β·v_t·gv' (zero, attached)
 *   gv_t = gs_t·σ'(v_t − θ) + gv'·β·(1 − s_t if zero reset else 1)
 *   ∂L/∂I_t = gv_t;  ∂L/∂V += gv_tᵀ·s_{t−1};  ∂L/∂θ −= gs_t·σ' (+ gv_t·s_{t−1} for subtract);
 *   ∂L/∂β += gv_t·v_{t−1}·(1 − s_{t−1} if zero reset else 1)
 * </pre>
 * ALIF also stores {@code a_t}; with {@code ga'} the gradient of {@code a_{t+1}}, {@code gs_t} gains {@code + ga'},
 * the surrogate is taken at {@code v_t − θ − adapt·a_t}, and {@code ga_t = ρ·ga' − adapt·gs_t·σ'}.
 * (Its rows are scalar: the vector rows take one threshold per neuron, not per neuron and sample.)
 */
public final class FusedLif {
    private FusedLif() {
    }

    /**
     * Spikes {@code [T, B, N]} of a {@link Lif}, {@link Synaptic} or {@link Alif} model (see {@link #supports}) for
     * input currents {@code [T, B, N]} ({@code x·Wᵀ + b}).
     *
     * @param recurrentWeights {@code V [N, N]} or null
     * @param betaVar          per-neuron β {@code [N]} or null (the spec's scalar)
     * @param thresholdVar     per-neuron θ {@code [N]} or null (the spec's scalar)
     */
    public static Var forward(NeuronModel<?> model, Surrogate surrogate, Var currents, Var recurrentWeights,
                              Var betaVar, Var thresholdVar) {
        if (!supports(model)) {
            throw new IllegalArgumentException("the fused kernel does not implement neuron model '" + model.type()
                    + "'" + (model instanceof Lif l && l.refractory() > 0 ? " with a refractory period" : ""));
        }
        final Lif lif = membrane(model);
        final Alif alif = model instanceof Alif al ? al : null;
        int[] sh = currents.shape();
        if (sh.length != 3) {
            throw new IllegalArgumentException("fused LIF needs currents [T, B, N], got " + Arrays.toString(sh));
        }
        final int steps = sh[0];
        final int batch = sh[1];
        final int n = sh[2];
        final boolean rec = recurrentWeights != null;
        if (rec && recurrentWeights.value().size() != n * n) {
            throw new IllegalArgumentException("recurrent LIF needs V of shape [" + n + ", " + n + "]");
        }
        final float[] beta = perNeuron(betaVar, lif.beta(), n, "beta");
        final float[] th = perNeuron(thresholdVar, lif.threshold(), n, "threshold");
        final Reset reset = lif.reset();
        final float[] cur = currents.value().data();
        final float[] vw = rec ? recurrentWeights.value().data() : null;
        final float[] vt = rec ? Kernels.transposed(vw, n, n, 0, n) : null;
        final int bn = batch * n;
        final float[] v = Arena.floatsToOverwrite(steps * bn); // every element is written
        final float[] out = Arena.floatsToOverwrite(steps * bn);
        final float[] in = new float[n];
        final boolean synaptic = model instanceof Synaptic;
        final float alpha = model instanceof Synaptic sy ? sy.alpha() : 0f;
        final float[] syn = synaptic ? new float[bn] : null;
        final float[] recIn = rec ? new float[bn] : null;
        // ALIF: the adaptation a_t per step, kept for backward
        final float[] adaptation = alif != null ? Arena.floatsToOverwrite(steps * bn) : null;
        final Blas fblas = Blas.get();
        final double eventMax = Kernels.eventMaxDensity(Kernels.recurrentCrossover());
        int[] prevStart = rec ? new int[batch + 1] : null;
        int[] prevList = rec ? new int[bn] : null;
        int[] curStart = rec ? new int[batch + 1] : null;
        int[] curList = rec ? new int[bn] : null;
        for (int t = 0; t < steps; t++) {
            boolean haveRecIn = false;
            if (rec && t > 0) {
                // recurrent input s_{t−1}·Vᵀ: one GEMM over the batch when spikes are dense, else add the rows of
                // Vᵀ for the active neurons only, from the spike lists the previous step wrote
                int active = prevStart[batch];
                if (active > eventMax * bn) {
                    fblas.sgemm(false, true, batch, n, n, 1f, out, (t - 1) * bn, n, vw, 0, n, 0f, recIn, 0, n);
                } else {
                    Arrays.fill(recIn, 0f);
                    SpikeRows.addSegments(batch, prevStart, prevList, vt, n, recIn, 0);
                }
                haveRecIn = true;
            }
            for (int b = 0; b < batch; b++) {
                int base = t * bn + b * n;
                int prev = base - bn;
                // the row's input: the currents themselves, or a copy with the recurrent input and synaptic trace
                float[] x = cur;
                int xo = base;
                if (haveRecIn || synaptic) {
                    System.arraycopy(cur, base, in, 0, n);
                    x = in;
                    xo = 0;
                }
                if (haveRecIn) {
                    int nb = b * n;
                    for (int k = 0; k < n; k++) {
                        in[k] += recIn[nb + k];
                    }
                }
                if (synaptic) {
                    int nb = b * n;
                    for (int k = 0; k < n; k++) {
                        syn[nb + k] = alpha * syn[nb + k] + in[k];
                        in[k] = syn[nb + k];
                    }
                }
                if (alif != null) {
                    alifForwardRow(alif, reset, t == 0, x, xo, v, adaptation, base, prev, out, beta, th, n);
                } else {
                    Lif.forwardRow(reset, t == 0, x, xo, v, base, prev, out, beta, th, n);
                }
                if (rec) {
                    // list this sample's spikes for the next step's recurrent input (folding this into the spike loop
                    // above measured no faster on W2, within the run-to-run noise of ±15%)
                    int c = curStart[b];
                    for (int k = 0; k < n; k++) {
                        if (out[base + k] != 0f) {
                            curList[c++] = k;
                        }
                    }
                    curStart[b + 1] = c;
                }
            }
            if (rec) {
                int[] tmp = prevStart;
                prevStart = curStart;
                curStart = tmp;
                tmp = prevList;
                prevList = curList;
                curList = tmp;
            }
        }
        final boolean attached = !lif.detachReset();
        Var[] inputs = rec ? new Var[] {currents, recurrentWeights} : new Var[] {currents};
        if (betaVar != null) {
            inputs = append(inputs, betaVar);
        }
        if (thresholdVar != null) {
            inputs = append(inputs, thresholdVar);
        }
        return currents.tape().record(Tensor.of(out, sh), g -> {
            float[] gOut = g.data();
            float[] gCur = Arena.floatsToOverwrite(steps * bn); // written for every t, b, k
            float[] gvNext = Arena.floats(bn);
            float[] gTh = new float[n];
            float[] gBeta = new float[n];
            float[] gsRec = rec ? Arena.floats(bn) : null;
            // gradient of the total input current at t+1 (equals gv_{t+1} unless synaptic: gi_t = gv_t + α·gi_{t+1})
            float[] gInNext = synaptic ? Arena.floats(bn) : gvNext;
            float[] gs = new float[n];
            float[] sg = new float[n];
            float[] gaNext = alif != null ? Arena.floats(bn) : null; // gradient of a_{t+1}
            float[] thEff = alif != null ? new float[n] : null;
            boolean needTh = thresholdVar != null;
            boolean needBeta = betaVar != null;
            Blas blas = Blas.get();
            // V is read at every step: pinned once (off-heap for the native BLAS) rather than copied per call
            Blas.Pinned vPinned = rec && steps > 1 ? blas.pin(vw, 0, n * n) : null;
            try {
                for (int t = steps - 1; t >= 0; t--) {
                    if (rec && t < steps - 1) {
                        // gradient reaching s_t through the recurrent input of step t+1: gv_{t+1}[B,N] · V[N,N]
                        blas.sgemm(false, false, batch, n, n, 1f, gInNext, 0, n, vPinned, n, 0f, gsRec, 0, n);
                    }
                    for (int b = 0; b < batch; b++) {
                        int base = t * bn + b * n;
                        int prev = base - bn;
                        int nb = b * n;
                        System.arraycopy(gOut, base, gs, 0, n);
                        if (t < steps - 1) {
                            if (rec) {
                                for (int k = 0; k < n; k++) {
                                    gs[k] += gsRec[nb + k];
                                }
                            }
                            if (attached && reset == Reset.SUBTRACT) {
                                for (int k = 0; k < n; k++) {
                                    gs[k] -= th[k] * gvNext[nb + k];
                                }
                            } else if (attached && reset == Reset.ZERO) {
                                for (int k = 0; k < n; k++) {
                                    gs[k] -= beta[k] * v[base + k] * gvNext[nb + k];
                                }
                            }
                        }
                        if (alif != null) {
                            float rho = alif.rho();
                            float ad = alif.adapt();
                            for (int k = 0; k < n; k++) {
                                gs[k] += gaNext[nb + k];
                                thEff[k] = adaptation[base + k] * ad + th[k];
                            }
                            Lif.surrogateRow(surrogate, v, base, thEff, sg, n);
                            Lif.backwardRowScalar(reset, synaptic, alpha, t == 0, needTh, needBeta, gs, sg, gvNext,
                                    gInNext, nb, v, out, base, prev, beta, gCur, gTh, gBeta, n, 0);
                            for (int k = 0; k < n; k++) {
                                gaNext[nb + k] = rho * gaNext[nb + k] - ad * (gs[k] * sg[k]);
                            }
                        } else {
                            Lif.surrogateRow(surrogate, v, base, th, sg, n);
                            Lif.backwardRow(reset, synaptic, alpha, t == 0, needTh, needBeta, gs, sg, gvNext,
                                    gInNext, nb, v, out, base, prev, beta, gCur, gTh, gBeta, n);
                        }
                    }
                }
            } finally {
                if (vPinned != null) {
                    vPinned.close();
                }
            }
            currents.accumulateOwned(gCur);
            if (rec && steps > 1) {
                // ∂L/∂V = Σ_t gv_tᵀ · s_{t−1}: event-driven over the spikes of steps 0..T−2 (each paired with the
                // gradient one step later, hence the rows shifted by B) when sparse, else one GEMM over all steps,
                // [N, (T−1)B] · [(T−1)B, N]
                float[] gV = new float[n * n];
                SpikeRows prevSpikes = SpikeRows.of(out, 0, (steps - 1) * batch, n,
                        Kernels.eventMaxDensity(Kernels.linearCrossover(n)));
                if (prevSpikes != null) {
                    float[] gVt = Arena.floats(n * n); // gVᵀ[j, o] = Σ over rows where s_{t−1}[j] = 1 of gv_t[o]
                    prevSpikes.shiftedDown(batch).weightGradInto(gCur, n, gVt);
                    for (int o = 0; o < n; o++) {
                        for (int j = 0; j < n; j++) {
                            gV[o * n + j] = gVt[j * n + o];
                        }
                    }
                } else {
                    blas.sgemm(true, false, n, n, (steps - 1) * batch, 1f, gCur, bn, n, out, 0, n, 0f, gV, 0, n);
                }
                recurrentWeights.accumulate(gV);
            }
            if (betaVar != null) {
                betaVar.accumulate(gBeta);
            }
            if (thresholdVar != null) {
                thresholdVar.accumulate(gTh);
            }
        }, inputs);
    }

    /**
     * Whether the fused kernel implements {@code model}: {@link Lif}, {@link Synaptic} or {@link Alif}, no refractory
     * period.
     */
    public static boolean supports(NeuronModel<?> model) {
        Lif lif = membrane(model);
        return lif != null && lif.refractory() == 0;
    }

    /** The LIF membrane of a LIF, synaptic or ALIF model, else null. */
    private static Lif membrane(NeuronModel<?> model) {
        if (model instanceof Synaptic sy) {
            return sy.membrane();
        }
        if (model instanceof Alif al) {
            return al.membrane();
        }
        return model instanceof Lif l ? l : null;
    }

    /**
     * One ALIF row, in the float operations of {@link Alif#step}: {@code a = ρ·a_{t−1} + s_{t−1}}, the LIF membrane
     * (whose subtract reset removes the base θ), spikes at {@code v − (adapt·a + θ) > 0}.
     */
    private static void alifForwardRow(Alif alif, Reset reset, boolean first, float[] x, int xo, float[] v,
                                       float[] a, int base, int prev, float[] out, float[] beta, float[] th,
                                       int n) {
        float rho = alif.rho();
        float ad = alif.adapt();
        for (int k = 0; k < n; k++) {
            float ak = first ? 0f : a[prev + k] * rho + out[prev + k];
            a[base + k] = ak;
            float nv = first ? x[xo + k] : Lif.membrane(reset, beta[k], v[prev + k], x[xo + k], th[k], out[prev + k]);
            v[base + k] = nv;
            out[base + k] = nv - (ak * ad + th[k]) > 0f ? 1f : 0f;
        }
    }

    /**
     * Leaky-integrator readout as one tape op: {@code u_t = β·u_{t−1} + I_t} over {@code [T, B, N]};
     * backward {@code gu_t = ∂L/∂u_t + β·gu_{t+1}}, {@code ∂L/∂I_t = gu_t}, {@code ∂L/∂β += gu_t·u_{t−1}}.
     */
    public static Var readout(Var currents, Var betaVar, float betaScalar) {
        int[] sh = currents.shape();
        final int steps = sh[0];
        final int bn = sh[1] * sh[2];
        final int n = sh[2];
        final float[] beta = perNeuron(betaVar, betaScalar, n, "beta");
        final float[] cur = currents.value().data();
        final float[] u = new float[steps * bn];
        for (int t = 0; t < steps; t++) {
            int base = t * bn;
            for (int i = 0; i < bn; i++) {
                float up = t > 0 ? u[base - bn + i] : 0f;
                u[base + i] = beta[i % n] * up + cur[base + i];
            }
        }
        Var[] inputs = betaVar != null ? new Var[] {currents, betaVar} : new Var[] {currents};
        return currents.tape().record(Tensor.of(u, sh), g -> {
            float[] gOut = g.data();
            float[] gCur = new float[steps * bn];
            float[] gBeta = new float[n];
            for (int t = steps - 1; t >= 0; t--) {
                int base = t * bn;
                for (int i = 0; i < bn; i++) {
                    float next = t < steps - 1 ? gCur[base + bn + i] : 0f;
                    float gu = gOut[base + i] + beta[i % n] * next;
                    gCur[base + i] = gu;
                    if (t > 0) {
                        gBeta[i % n] += gu * u[base - bn + i];
                    }
                }
            }
            currents.accumulate(gCur);
            if (betaVar != null) {
                betaVar.accumulate(gBeta);
            }
        }, inputs);
    }

    private static float[] perNeuron(Var var, float scalar, int n, String what) {
        float[] a = new float[n];
        if (var == null) {
            Arrays.fill(a, scalar);
        } else {
            if (var.value().size() != n) {
                throw new IllegalArgumentException(what + " has " + var.value().size() + " entries for " + n + " neurons");
            }
            System.arraycopy(var.value().data(), 0, a, 0, n);
        }
        return a;
    }

    private static Var[] append(Var[] a, Var x) {
        Var[] r = Arrays.copyOf(a, a.length + 1);
        r[a.length] = x;
        return r;
    }
}
