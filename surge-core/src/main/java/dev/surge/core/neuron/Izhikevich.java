package dev.surge.core.neuron;

import dev.surge.core.autograd.Tape;
import dev.surge.core.autograd.Var;
import dev.surge.core.tensor.Tensor;

/**
 * Izhikevich's simple model (2003), integrated by forward Euler with step {@code dt} (in ms) per time step, with
 * {@code v} in mV and the input current {@code I_t} in the model's units:
 * <pre>
 *   v⁺ = v + dt·(0.04·v² + 5·v + 140 − u + I_t)
 *   u⁺ = u + dt·a·(b·v − u)
 *   s_t = H(v⁺ − v_peak)
 *   r = s_t                         (detached from the graph when detachReset)
 *   v_t = v⁺ + r·(c − v⁺)            (v ← c after a spike)
 *   u_t = u⁺ + d·r                   (u ← u + d after a spike)
 * </pre>
 * starting from {@code v = c}, {@code u = b·c}. The surrogate sees {@code v⁺ − v_peak} in mV, so pick its scale
 * for that range (e.g. {@code fast_sigmoid:0.5}). The defaults are Izhikevich's regular-spiking cell. The fused
 * kernel ({@link FusedTwoVariable}) runs the same arithmetic with the derivatives of {@link #rule()}.
 */
public record Izhikevich(float a, float b, float c, float d, float vPeak, float dt, boolean detachReset)
        implements NeuronModel<Izhikevich.State> {
    /** Regular spiking: a = 0.02, b = 0.2, c = −65 mV, d = 8, v_peak = 30 mV, dt = 0.5 ms, reset detached. */
    public static final Izhikevich REGULAR_SPIKING = new Izhikevich(0.02f, 0.2f, -65f, 8f, 30f, 0.5f, true);

    public Izhikevich {
        for (float x : new float[] {a, b, c, d, vPeak, dt}) {
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("izhikevich: a, b, c, d, v_peak and dt must be finite");
            }
        }
        if (!(dt > 0)) {
            throw new IllegalArgumentException("izhikevich: dt must be positive, got " + dt);
        }
    }

    /** State after a step: membrane {@code v} (mV, after any reset), recovery {@code u} and spikes. */
    public record State(Var v, Var u, Var s) implements NeuronState {
        @Override
        public Var spikes() {
            return s;
        }
    }

    @Override
    public String type() {
        return "izhikevich";
    }

    @Override
    public State initial(Tape tape, int batch, int neurons) {
        return new State(tape.constant(Tensor.full(c, batch, neurons)), tape.constant(Tensor.full(b * c, batch,
                neurons)), tape.constant(Tensor.zeros(batch, neurons)));
    }

    @Override
    public State step(State st, Var current, StepContext ctx) {
        Var v = st.v();
        Var u = st.u();
        Var dv = v.square().mul(0.04f).add(v.mul(5f)).add(140f).sub(u).add(current);
        Var vNext = v.add(dv.mul(dt));
        Var uNext = u.add(v.mul(b).sub(u).mul(a * dt));
        Var s = ctx.fire(vNext.add(-vPeak));
        Var r = detachReset ? s.detach() : s;
        return new State(vNext.add(r.mul(vNext.rsub(c))), uNext.add(r.mul(d)), s);
    }

    /** The same update on floats, in the same order, with its partial derivatives, for the fused kernel. */
    FusedTwoVariable.Rule rule() {
        float adt = a * dt;
        return new FusedTwoVariable.Rule(c, b * c, vPeak, c, d, !detachReset) {
            float vNext(float v, float u, float in) {
                return v + dt * (0.04f * (v * v) + 5f * v + 140f - u + in);
            }

            float wNext(float v, float u) {
                return u + adt * (b * v - u);
            }

            float dvdv(float v, float u) {
                return 1f + dt * (0.08f * v + 5f);
            }

            float dvdw(float v, float u) {
                return -dt;
            }

            float dvdi(float v, float u) {
                return dt;
            }

            float dwdv(float v, float u) {
                return adt * b;
            }

            float dwdw(float v, float u) {
                return 1f - adt;
            }
        };
    }
}
