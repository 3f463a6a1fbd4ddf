/**
 * Training: {@link dev.surge.core.train.Training} runs epochs (schedule, validation, early stopping, the NaN guard,
 * listeners for progress, metrics and checkpoints, resume) over {@link dev.surge.core.train.Trainer}, which splits
 * each batch into chunks on threads, asks the {@link dev.surge.core.train.LearningRule} (BPTT by default) for each
 * chunk's gradients of the {@link dev.surge.core.train.Objective}, sums them in a fixed order and steps the
 * optimizer. Also the memory model consulted before a run ({@link dev.surge.core.train.MemoryModel}), learning-rate
 * schedules, the decoding of predictions, and the gradient-flow report ({@link dev.surge.core.train.Diagnosis}).
 *
 * <p>May import: every other package of {@code surge-core}; nothing outside it (no file formats, no CLI).
 */
package dev.surge.core.train;
