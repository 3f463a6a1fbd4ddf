package dev.surge.core.neuron;

/**
 * Tsodyks–Markram short-term plasticity on a layer's input spikes z, per presynaptic neuron, with
 * {@code u_0 = U}, {@code r_0 = 1}:
 * <pre>
 *   u⁺  = u_{t−1} + U·(1 − u_{t−1})·z_t
 *   x̃_t = u⁺·r_{t−1}·z_t                           (transmitted in place of x_t)
 *   r_t = r_{t−1} + (1 − r_{t−1})·dt/τ_d − u⁺·r_{t−1}·z_t
 *   u_t = u⁺ + (U − u⁺)·dt/τ_f
 * </pre>
 *
 * @param learnU make U the per-presynaptic parameter {@code stp.U}
 */
public record StpSpec(float u, float tauF, float tauD, float dt, boolean learnU) {
    public StpSpec {
        if (!(tauF > 0) || !(tauD > 0) || !(dt > 0)) {
            throw new IllegalArgumentException("stp: tau_f, tau_d and dt must be positive, got tau_f=" + tauF
                    + " tau_d=" + tauD + " dt=" + dt);
        }
    }
}
