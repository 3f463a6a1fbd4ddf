package dev.surge.adjoint;

/**
 * The steady solve did not converge: the message names the iteration and the residual. An
 * {@link IllegalArgumentException} because the design (or the constants) given has no solution this solver finds:
 * the command line reports it as bad input.
 */
public final class SolveException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int iteration;
    private final double residual;

    SolveException(String message, int iteration, double residual) {
        super(message);
        this.iteration = iteration;
        this.residual = residual;
    }

    /** The Newton iteration at which the solve gave up. */
    public int iteration() {
        return iteration;
    }

    /** The residual's max norm there. */
    public double residual() {
        return residual;
    }
}
