package dev.surge.adjoint;

/** What the design minimises. */
public sealed interface Objective {
    /** A short name: inverse or drag. */
    String name();

    /**
     * Inverse design: {@code J = ½ Δx Σ_i (u_i − u*_i)²}, with {@code u*} the solution at a target design (see
     * {@link FlowProblem#inverse}).
     */
    record Inverse(double[] target) implements Objective {
        public Inverse {
            target = target.clone();
        }

        @Override
        public double[] target() {
            return target.clone();
        }

        /** The target without a copy, for the solver's loops. */
        double[] view() {
            return target;
        }

        @Override
        public String name() {
            return "inverse";
        }
    }

    /**
     * "Drag": the dissipation {@code ∫ (ν + ν_t) u_x² dx} (a sum over cell faces, the boundary faces weighted by
     * Δx/2) plus {@code γ‖α‖²}.
     */
    record Drag(double gamma) implements Objective {
        public Drag {
            if (!(gamma >= 0) || Double.isInfinite(gamma)) {
                throw new IllegalArgumentException("gamma must be a finite number >= 0, not " + gamma);
            }
        }

        @Override
        public String name() {
            return "drag";
        }
    }
}
