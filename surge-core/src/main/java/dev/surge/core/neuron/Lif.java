package dev.surge.core.neuron;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.SpikeRows;
import dev.surge.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Leaky integrate-and-fire neuron (IF with β = 1). Per step, with input current {@code I_t}:
 * <pre>
 *   r = s_{t−1}                     (detached from the graph when detachReset)
 *   subtract:  v_t = β·v_{t−1} + I_t − θ·r
 *   zero:      v_t = β·v_{t−1}·(1 − r) + I_t
 *   none:      v_t = β·v_{t−1} + I_t
 *   s_t = H(v_t − θ), backward through the surrogate
 *   refractory R &gt; 0:  s_t ← s_t·(1 − Σ_{k=1..R} s_{t−k})  (not detached; suppressed spikes do not reset)
 * </pre>
 * With {@code learnBeta}/{@code learnThreshold}, β and θ are per-neuron parameters {@code beta} and
 * {@code threshold}. {@link Synaptic} and {@link Alif} build on this membrane. The fused kernel
 * ({@link FusedLif}) implements the same equations without refractory periods, with the row loops of its forward and
 * backward step at the end of this file (SIMD twins in {@code LifVectorKernels}; {@code LifKernelsTest} pins them
 * together and {@code FusedEqualsComposedTest} pins them to {@link #step}).
 *
 * @param refractory refractory period R in steps (0: none)
 */
public record Lif(float beta, float threshold, Reset reset, boolean detachReset, int refractory, boolean learnBeta,
                  boolean learnThreshold) implements NeuronModel<Lif.State> {

    /** β = 0.9, θ = 1, subtract reset (detached), no refractory period, nothing learnt. */
    public static final Lif DEFAULT = new Lif(0.9f, 1f, Reset.SUBTRACT, true, 0, false, false);

    public Lif {
        if (reset == null) {
            throw new IllegalArgumentException("lif: reset is required");
        }
        if (refractory < 0) {
            throw new IllegalArgumentException("lif: refractory period must be >= 0, got " + refractory);
        }
        if (!Float.isFinite(beta) || !Float.isFinite(threshold)) {
            throw new IllegalArgumentException("lif: beta and threshold must be finite, got beta=" + beta
                    + " threshold=" + threshold);
        }
    }

    /** Integrate-and-fire: {@link #DEFAULT} with β = 1. */
    public static Lif integrateAndFire() {
        return DEFAULT.withBeta(1f);
    }

    /**
     * State after a step: membrane, spikes, and the last R spikes (newest last) for the refractory gate.
     */
    public record State(Var v, Var s, List<Var> recent) implements NeuronState {
        @Override
        public Var spikes() {
            return s;
        }
    }

    @Override
    public String type() {
        return "lif";
    }

    @Override
    public Map<String, Float> learnable() {
        Map<String, Float> m = new LinkedHashMap<>();
        if (learnBeta) {
            m.put("beta", beta);
        }
        if (learnThreshold) {
            m.put("threshold", threshold);
        }
        return m;
    }

    @Override
    public State initial(Tape tape, int batch, int neurons) {
        Var z = tape.constant(Tensor.zeros(batch, neurons));
        return new State(z, z, List.of());
    }

    @Override
    public State step(State st, Var current, StepContext ctx) {
        Var v = membrane(st.v(), st.s(), current, ctx);
        Var thVar = ctx.param("threshold");
        Var h = thVar != null ? v.sub(thVar) : v.add(-threshold);
        return fire(v, h, st.recent(), ctx);
    }

    /** {@code v_t} from {@code v_{t−1}}, {@code s_{t−1}} and the input, by the reset rule. */
    Var membrane(Var vPrev, Var sPrev, Var in, StepContext ctx) {
        Var r = detachReset ? sPrev.detach() : sPrev;
        Var betaVar = ctx.param("beta");
        Var decayed = betaVar != null ? vPrev.mul(betaVar) : vPrev.mul(beta);
        return switch (reset) {
            case SUBTRACT -> {
                Var thVar = ctx.param("threshold");
                Var thr = thVar != null ? r.mul(thVar) : r.mul(threshold);
                yield decayed.add(in).sub(thr);
            }
            case ZERO -> decayed.mul(r.rsub(1f)).add(in);
            case NONE -> decayed.add(in);
        };
    }

    /** Spikes from the distance to threshold {@code h}, through the refractory gate. */
    State fire(Var v, Var h, List<Var> recent, StepContext ctx) {
        Var s = ctx.fire(h);
        if (refractory > 0) {
            if (!recent.isEmpty()) {
                Var sum = recent.get(0);
                for (int k = 1; k < recent.size(); k++) {
                    sum = sum.add(recent.get(k));
                }
                s = s.mul(sum.rsub(1f));
            }
            List<Var> next = new ArrayList<>(recent);
            next.add(s);
            if (next.size() > refractory) {
                next.remove(0);
            }
            recent = List.copyOf(next);
        }
        return new State(v, s, recent);
    }

    // ---- the fused kernel's rows ({@link FusedLif}): the same equations on arrays, one row of n neurons at a time.
    // Scalar here; LifVectorKernels does the same with SIMD when the Vector API is present (SpikeRows.VECTOR), with
    // the same operations in the same order, so both give bit-identical results. The previous step's spikes are read
    // from the layer's float output, which the tape keeps anyway, so no second copy of the spikes is stored.

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
            float nv = first ? x[xo + k] : membrane(reset, beta[k], v[prev + k], x[xo + k], th[k], out[prev + k]);
            v[base + k] = nv;
            out[base + k] = nv - th[k] > 0f ? 1f : 0f;
        }
    }

    /**
     * One membrane update after the first step, in the float operations of {@link #membrane(Var, Var, Var,
     * StepContext)}: {@code (β·v + I) − θ·r}, {@code (β·v)·(1 − r) + I} or {@code β·v + I}.
     */
    static float membrane(Reset reset, float beta, float vPrev, float in, float th, float sPrev) {
        return switch (reset) {
            case SUBTRACT -> beta * vPrev + in - th * sPrev;
            case ZERO -> beta * vPrev * (1f - sPrev) + in;
            case NONE -> beta * vPrev + in;
        };
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

    public Lif withBeta(float b) {
        return new Lif(b, threshold, reset, detachReset, refractory, learnBeta, learnThreshold);
    }

    public Lif withThreshold(float th) {
        return new Lif(beta, th, reset, detachReset, refractory, learnBeta, learnThreshold);
    }

    public Lif withReset(Reset r, boolean detach) {
        return new Lif(beta, threshold, r, detach, refractory, learnBeta, learnThreshold);
    }

    public Lif withRefractory(int steps) {
        return new Lif(beta, threshold, reset, detachReset, steps, learnBeta, learnThreshold);
    }

    public Lif withLearnable(boolean learnB, boolean learnTh) {
        return new Lif(beta, threshold, reset, detachReset, refractory, learnB, learnTh);
    }
}
