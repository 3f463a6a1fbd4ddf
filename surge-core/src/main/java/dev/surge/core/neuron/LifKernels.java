package dev.surge.core.neuron;

import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.SpikeRows;

/**
 * The per-row loops of the fused LIF layer: the membrane update with spikes (forward) and the gradient through one
 * step (backward), for one row of {@code n} neurons. Scalar here; {@link LifVectorKernels} does the same with SIMD
 * when the Vector API is present ({@link SpikeRows#VECTOR}), with the same operations in the same order, so both
 * give bit-identical results. The previous step's spikes are read from the layer's float output, which the tape
 * keeps anyway, so no second copy of the spikes is stored.
 */
final class LifKernels {
    private LifKernels() {
    }

    /**
     * {@code v[base+k]} from the input {@code x[xo+k]} and the previous step ({@code prev}; none when {@code first}),
     * then the spikes {@code out[base+k] = v − θ > 0}.
     */
    static void forwardRow(Reset reset, boolean first, float[] x, int xo, float[] v, int base, int prev, float[] out,
                           float[] beta, float[] th, int n) {
        if (SpikeRows.VECTOR) {
            LifVectorKernels.forwardRow(reset, first, x, xo, v, base, prev, out, beta, th, n);
            return;
        }
        forwardRowScalar(reset, first, x, xo, v, base, prev, out, beta, th, n, 0);
    }

    static void forwardRowScalar(Reset reset, boolean first, float[] x, int xo, float[] v, int base, int prev,
                                 float[] out, float[] beta, float[] th, int n, int from) {
        for (int k = from; k < n; k++) {
            float nv;
            if (first) {
                nv = x[xo + k];
            } else if (reset == Reset.SUBTRACT) {
                nv = beta[k] * v[prev + k] + x[xo + k] - th[k] * out[prev + k];
            } else if (reset == Reset.ZERO) {
                nv = beta[k] * v[prev + k] * (1f - out[prev + k]) + x[xo + k];
            } else {
                nv = beta[k] * v[prev + k] + x[xo + k];
            }
            v[base + k] = nv;
            out[base + k] = nv - th[k] > 0f ? 1f : 0f;
        }
    }

    /** {@code sg[k] = σ'(v[base+k] − θ[k])}. */
    static void surrogateRow(Surrogate surrogate, float[] v, int base, float[] th, float[] sg, int n) {
        if (SpikeRows.VECTOR && surrogate instanceof Surrogate.FastSigmoid f) {
            LifVectorKernels.fastSigmoidRow(f.scale(), v, base, th, sg, n);
            return;
        }
        for (int k = 0; k < n; k++) {
            sg[k] = surrogate.derivative(v[base + k] - th[k]);
        }
    }

    /**
     * One row of the backward step (see {@link FusedLif}): from {@code gs} (the gradient reaching the spikes) and
     * {@code sg}, {@code gv = gs·sg + gv'·β·(1 − s_t if zero reset)}; writes the current's gradient (through the
     * synaptic trace when {@code synaptic}), accumulates θ's and β's gradients when asked, and leaves {@code gv} in
     * {@code gvNext}.
     */
    static void backwardRow(Reset reset, boolean synaptic, float alpha, boolean first, boolean needTh,
                            boolean needBeta, float[] gs, float[] sg, float[] gvNext, float[] gInNext, int nb,
                            float[] v, float[] out, int base, int prev, float[] beta, float[] gCur, float[] gTh,
                            float[] gBeta, int n) {
        if (SpikeRows.VECTOR) {
            LifVectorKernels.backwardRow(reset, synaptic, alpha, first, needTh, needBeta, gs, sg, gvNext, gInNext,
                    nb, v, out, base, prev, beta, gCur, gTh, gBeta, n);
            return;
        }
        backwardRowScalar(reset, synaptic, alpha, first, needTh, needBeta, gs, sg, gvNext, gInNext, nb, v, out,
                base, prev, beta, gCur, gTh, gBeta, n, 0);
    }

    static void backwardRowScalar(Reset reset, boolean synaptic, float alpha, boolean first, boolean needTh,
                                  boolean needBeta, float[] gs, float[] sg, float[] gvNext, float[] gInNext, int nb,
                                  float[] v, float[] out, int base, int prev, float[] beta, float[] gCur, float[] gTh,
                                  float[] gBeta, int n, int from) {
        for (int k = from; k < n; k++) {
            float carry = reset == Reset.ZERO
                    ? gvNext[nb + k] * beta[k] * (1f - out[base + k])
                    : gvNext[nb + k] * beta[k];
            float gsk = gs[k] * sg[k];
            float gv = gsk + carry;
            if (synaptic) {
                float gi = gv + alpha * gInNext[nb + k];
                gInNext[nb + k] = gi;
                gCur[base + k] = gi;
            } else {
                gCur[base + k] = gv;
            }
            if (needTh) {
                gTh[k] -= gsk;
            }
            if (!first) {
                float r = out[prev + k];
                if (needTh && reset == Reset.SUBTRACT) {
                    gTh[k] -= gv * r;
                }
                if (needBeta) {
                    float vp = v[prev + k];
                    gBeta[k] += reset == Reset.ZERO ? gv * vp * (1f - r) : gv * vp;
                }
            }
            gvNext[nb + k] = gv;
        }
    }
}
