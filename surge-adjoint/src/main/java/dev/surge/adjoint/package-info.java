/**
 * Adjoint design optimisation through a steady flow model whose eddy viscosity is clipped at zero: the surrogate
 * idea outside neuroscience. {@link FlowProblem} (steady viscous Burgers with a shear-activated, clipped eddy
 * viscosity, finite volumes, Newton with pseudo-transient continuation), {@link Clip} (how {@code max(0, ·)} is
 * treated: hard, surrogate, softplus or SU2-style projection), {@link Objective} (inverse design, dissipation),
 * the discrete adjoint ({@link FlowProblem#gradient}), {@link Tridiagonal}, {@link Lbfgs}, and
 * {@link GradientChecks} (central finite differences, step sweeps, Taylor remainders, line scans).
 *
 * <p>Double precision throughout. May import: {@code java.*} only (the module stands on its own; the CLI sits above
 * it).
 */
package dev.surge.adjoint;
