package dev.surge.adjoint;


/**
 * Design optimisation: L-BFGS over α with the objective from a steady solve and the gradient from the discrete
 * adjoint. Each solve starts from the previous converged state (falling back to the linear profile), so a run is a
 * deterministic sequence of solves.
 */
public final class Design {
    private Design() {
    }

    /** The optimiser's result and the state at its last iterate. */
    public record Outcome(Lbfgs.Result result, FlowProblem.State state) {
    }

    public static Outcome optimize(FlowProblem p, Objective obj, double[] start, Lbfgs lbfgs) {
        double[][] warm = {null};
        Lbfgs.Function f = (x, g) -> {
            FlowProblem.State st = warm[0] == null ? p.solve(x) : GradientChecks.solveNear(p, x, warm[0]);
            warm[0] = st.u();
            double[] grad = p.gradient(st, obj);
            System.arraycopy(grad, 0, g, 0, g.length);
            return p.objective(st, obj);
        };
        Lbfgs.Result r = lbfgs.minimize(f, start);
        FlowProblem.State end = warm[0] == null ? p.solve(r.x()) : GradientChecks.solveNear(p, r.x(), warm[0]);
        return new Outcome(r, end);
    }
}
