/**
 * Optimizers that update {@link dev.surge.core.nn.Parameter}s from their gradients, with PyTorch's update rules:
 * SGD with momentum and weight decay, Adam and AdamW ({@link dev.surge.core.optim.Optimizer}). They do not care
 * where the gradients came from, so every learning rule reuses them. Order of use: {@code zeroGrad}, fill the
 * gradients, {@code step}; the state (moments, step count) is saved and restored for resuming.
 *
 * <p>May import: {@code nn} (for {@code Parameter}), {@code tensor}.
 */
package dev.surge.core.optim;
