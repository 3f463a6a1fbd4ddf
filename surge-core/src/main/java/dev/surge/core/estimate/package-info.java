/**
 * Gradient estimators for networks with stochastic (escape-noise) layers, and the lab that measures them: the
 * {@link dev.surge.core.estimate.Estimator} family (surrogate, stochastic surrogate, straight-through, concrete,
 * REINFORCE with and without a baseline), the exact gradient of the expected loss by enumerating every spike pattern
 * ({@link dev.surge.core.estimate.ExactGradient}), {@link dev.surge.core.estimate.EstimatorLab} (bias, variance and
 * cost of each estimator against a reference), and {@link dev.surge.core.estimate.EstimatorRule}, which trains with any
 * estimator through the trainer's learning-rule seam.
 *
 * <p>May import: {@code dev.surge.core.train} and the packages below it; nothing outside {@code surge-core}.
 */
package dev.surge.core.estimate;
