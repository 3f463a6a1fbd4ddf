/**
 * Losses on membranes, spike counts and spike times ({@link dev.surge.core.loss.Loss}, sealed, one record per
 * loss with its formula), spike regularisers ({@link dev.surge.core.loss.Regularizer}) and the targets they compare
 * with ({@link dev.surge.core.loss.Targets}).
 *
 * <p>May import: {@code autograd}, {@code tensor}.
 */
package dev.surge.core.loss;
