/**
 * Reverse-mode automatic differentiation: the {@link dev.surge.core.autograd.Tape} (a Wengert list of backward
 * closures, one per forward/backward pass), {@link dev.surge.core.autograd.Var}, the op set with each op's forward
 * and backward side by side ({@link dev.surge.core.autograd.Ops}), and {@link dev.surge.core.autograd.GradCheck},
 * which checks any function of {@code Var}s against finite differences.
 *
 * <p>May import: {@code tensor} and {@code surrogate} (for the spike op).
 */
package dev.surge.core.autograd;
