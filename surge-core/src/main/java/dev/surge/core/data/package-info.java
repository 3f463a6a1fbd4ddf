/**
 * The sample-set abstraction the trainer reads: {@link dev.surge.core.data.SampleSet} (dense or event-based
 * samples, written into a batch with a per-sample random generator) and the in-memory
 * {@link dev.surge.core.data.EventSampleSet}. Readers of file formats live in {@code surge-data}.
 *
 * <p>May import: the JDK only.
 */
package dev.surge.core.data;
