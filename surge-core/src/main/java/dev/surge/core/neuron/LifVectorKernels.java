package dev.surge.core.neuron;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD versions of {@link Lif} with the JDK's Vector API: the same operations in the same order on each lane
 * (Java never fuses a multiply and an add), the tail of each row by the scalar loop. Only loaded when the module is
 * present.
 */
final class LifVectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private LifVectorKernels() {
    }

    static void forwardRow(Reset reset, boolean first, float[] x, int xo, float[] v, int base, int prev, float[] out,
                           float[] beta, float[] th, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        int k = 0;
        for (; k + L <= n; k += L) {
            FloatVector in = FloatVector.fromArray(S, x, xo + k);
            FloatVector nv;
            if (first) {
                nv = in;
            } else {
                FloatVector vp = FloatVector.fromArray(S, v, prev + k);
                FloatVector b = FloatVector.fromArray(S, beta, k);
                if (reset == Reset.SUBTRACT) {
                    FloatVector sp = FloatVector.fromArray(S, out, prev + k);
                    nv = b.mul(vp).add(in).sub(FloatVector.fromArray(S, th, k).mul(sp));
                } else if (reset == Reset.ZERO) {
                    FloatVector sp = FloatVector.fromArray(S, out, prev + k);
                    nv = b.mul(vp).mul(one.sub(sp)).add(in);
                } else {
                    nv = b.mul(vp).add(in);
                }
            }
            nv.intoArray(v, base + k);
            VectorMask<Float> fire = nv.sub(FloatVector.fromArray(S, th, k)).compare(VectorOperators.GT, 0f);
            zero.blend(one, fire).intoArray(out, base + k);
        }
        Lif.forwardRowScalar(reset, first, x, xo, v, base, prev, out, beta, th, n, k);
    }

    /** {@code sg[k] = 1 / (1 + scale·|v − θ|)²}, as {@code Surrogate.FastSigmoid.derivative}. */
    static void fastSigmoidRow(float scale, float[] v, int base, float[] th, float[] sg, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int k = 0;
        for (; k + L <= n; k += L) {
            FloatVector x = FloatVector.fromArray(S, v, base + k).sub(FloatVector.fromArray(S, th, k));
            FloatVector d = one.add(x.abs().mul(scale));
            one.div(d.mul(d)).intoArray(sg, k);
        }
        for (; k < n; k++) {
            float d = 1f + scale * Math.abs(v[base + k] - th[k]);
            sg[k] = 1f / (d * d);
        }
    }

    static void backwardRow(Reset reset, boolean synaptic, float alpha, boolean first, boolean needTh,
                            boolean needBeta, float[] gs, float[] sg, float[] gvNext, float[] gInNext, int nb,
                            float[] v, float[] out, int base, int prev, float[] beta, float[] gCur, float[] gTh,
                            float[] gBeta, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int k = 0;
        for (; k + L <= n; k += L) {
            FloatVector b = FloatVector.fromArray(S, beta, k);
            FloatVector carry = FloatVector.fromArray(S, gvNext, nb + k).mul(b);
            if (reset == Reset.ZERO) {
                carry = carry.mul(one.sub(FloatVector.fromArray(S, out, base + k)));
            }
            FloatVector gsk = FloatVector.fromArray(S, gs, k).mul(FloatVector.fromArray(S, sg, k));
            FloatVector gv = gsk.add(carry);
            if (synaptic) {
                FloatVector gi = gv.add(FloatVector.fromArray(S, gInNext, nb + k).mul(alpha));
                gi.intoArray(gInNext, nb + k);
                gi.intoArray(gCur, base + k);
            } else {
                gv.intoArray(gCur, base + k);
            }
            if (needTh) {
                FloatVector gt = FloatVector.fromArray(S, gTh, k).sub(gsk);
                if (!first && reset == Reset.SUBTRACT) {
                    gt = gt.sub(gv.mul(FloatVector.fromArray(S, out, prev + k)));
                }
                gt.intoArray(gTh, k);
            }
            if (needBeta && !first) {
                FloatVector t = gv.mul(FloatVector.fromArray(S, v, prev + k));
                if (reset == Reset.ZERO) {
                    t = t.mul(one.sub(FloatVector.fromArray(S, out, prev + k)));
                }
                FloatVector.fromArray(S, gBeta, k).add(t).intoArray(gBeta, k);
            }
            gv.intoArray(gvNext, nb + k);
        }
        Lif.backwardRowScalar(reset, synaptic, alpha, first, needTh, needBeta, gs, sg, gvNext, gInNext, nb, v,
                out, base, prev, beta, gCur, gTh, gBeta, n, k);
    }
}
