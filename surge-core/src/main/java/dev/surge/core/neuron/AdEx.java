package dev.surge.core.neuron;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.tensor.Tensor;

/**
 * Adaptive exponential integrate-and-fire neuron (Brette and Gerstner 2005) in dimensionless units (rest at 0,
 * soft threshold {@code v_T}), integrated by forward Euler with {@code dt} time units per step:
 * <pre>
 *   v⁺ = v + dt/τ_m·(−v + Δ_T·exp(min((v − v_T)/Δ_T, 10)) − w + I_t)
 *   w⁺ = w + dt/τ_w·(a·v − w)
 *   s_t = H(v⁺ − v_peak)
 *   r = s_t                         (detached from the graph when detachReset)
 *   v_t = v⁺ + r·(v_reset − v⁺)      (v ← v_reset after a spike)
 *   w_t = w⁺ + b·r                   (spike-triggered adaptation)
 * </pre>
 * starting from {@code v = w = 0}. The exponent is capped at 10 so that one Euler step cannot overflow (a membrane
 * that far past {@code v_T} spikes on that step anyway). With {@code Δ_T → 0} and {@code a = b = 0} this is a LIF
 * neuron with {@code β = 1 − dt/τ_m} and input scaled by {@code dt/τ_m}. The fused kernel ({@link FusedTwoVariable})
 * runs the same arithmetic with the derivatives of {@link #rule()}.
 */
public record AdEx(float tauM, float tauW, float a, float b, float deltaT, float vT, float vReset, float vPeak,
                   float dt, boolean detachReset) implements NeuronModel<AdEx.State> {
    /** Exponent cap: {@code exp(10) ≈ 2.2·10⁴}. */
    static final float MAX_EXPONENT = 10f;

    /** τ_m = 10, τ_w = 100, a = 0.1, b = 0.3, Δ_T = 0.2, v_T = 1, v_reset = 0, v_peak = 2, dt = 1, reset detached. */
    public static final AdEx DEFAULT = new AdEx(10f, 100f, 0.1f, 0.3f, 0.2f, 1f, 0f, 2f, 1f, true);

    public AdEx {
        for (float x : new float[] {tauM, tauW, a, b, deltaT, vT, vReset, vPeak, dt}) {
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("adex: every parameter must be finite");
            }
        }
        if (!(tauM > 0) || !(tauW > 0) || !(deltaT > 0) || !(dt > 0)) {
            throw new IllegalArgumentException("adex: tau_m, tau_w, delta_t and dt must be positive, got tau_m="
                    + tauM + " tau_w=" + tauW + " delta_t=" + deltaT + " dt=" + dt);
        }
    }

    /** State after a step: membrane {@code v} (after any reset), adaptation current {@code w} and spikes. */
    public record State(Var v, Var w, Var s) implements NeuronState {
        @Override
        public Var spikes() {
            return s;
        }
    }

    @Override
    public String type() {
        return "adex";
    }

    @Override
    public State initial(Tape tape, int batch, int neurons) {
        Var z = tape.constant(Tensor.zeros(batch, neurons));
        return new State(z, z, z);
    }

    @Override
    public State step(State st, Var current, StepContext ctx) {
        Var v = st.v();
        Var w = st.w();
        Var spike = v.add(-vT).mul(1f / deltaT).clamp(-Float.MAX_VALUE, MAX_EXPONENT).exp().mul(deltaT);
        Var vNext = v.add(spike.sub(v).sub(w).add(current).mul(dt / tauM));
        Var wNext = w.add(v.mul(a).sub(w).mul(dt / tauW));
        Var s = ctx.fire(vNext.add(-vPeak));
        Var r = detachReset ? s.detach() : s;
        return new State(vNext.add(r.mul(vNext.rsub(vReset))), wNext.add(r.mul(b)), s);
    }

    /** The same update on floats, in the same order, with its partial derivatives, for the fused kernel. */
    FusedTwoVariable.Rule rule() {
        float invDeltaT = 1f / deltaT;
        float km = dt / tauM;
        float kw = dt / tauW;
        return new FusedTwoVariable.Rule(0f, 0f, vPeak, vReset, b, !detachReset) {
            /** {@code z = (v − v_T)/Δ_T} clamped as the composed step clamps it. */
            private float exponent(float v) {
                return Math.min(Math.max(invDeltaT * (v + -vT), -Float.MAX_VALUE), MAX_EXPONENT);
            }

            float vNext(float v, float w, float in) {
                float spike = deltaT * (float) Math.exp(exponent(v));
                return v + km * (spike - v - w + in);
            }

            float wNext(float v, float w) {
                return w + kw * (a * v - w);
            }

            float dvdv(float v, float w) {
                float z = invDeltaT * (v + -vT);
                // d(Δ_T·exp(z))/dv = exp(z) where the clamp passes z through, 0 at the cap
                float slope = z > -Float.MAX_VALUE && z < MAX_EXPONENT ? (float) Math.exp(z) : 0f;
                return 1f + km * (slope - 1f);
            }

            float dvdw(float v, float w) {
                return -km;
            }

            float dvdi(float v, float w) {
                return km;
            }

            float dwdv(float v, float w) {
                return kw * a;
            }

            float dwdw(float v, float w) {
                return 1f - kw;
            }
        };
    }
}
