package dev.surge.core.neuron;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
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
 * ({@link FusedLif}, row loops in {@code LifKernels}) implements the same equations without refractory periods.
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
