package dev.surge.core.data;

import java.util.SplittableRandom;

/**
 * A labelled set of samples that become input sequences {@code [T, B, inputs]} one batch at a time. Samples may be
 * stored compactly (events, pixels) and are encoded only when written into a batch.
 */
public interface SampleSet {
    /** Number of samples. */
    int size();

    /** Input width (neurons or channels per time step). */
    int inputs();

    /** Time steps T of every sample. */
    int steps();

    /** Number of classes; labels are in {@code 0..classes()-1}. */
    int classes();

    /** The class of sample {@code index}. */
    int label(int index);

    /**
     * Writes sample {@code index} into slot {@code slot} of a row-major {@code [T, batch, inputs]} array that the
     * caller has zeroed: element {@code (t, slot, i)} is at {@code (t·batch + slot)·inputs + i}.
     *
     * @param rng randomness for stochastic encoders; the caller seeds it per (epoch, sample) so that results do not
     *            depend on batch composition or thread count
     */
    void write(int index, float[] x, int slot, int batch, SplittableRandom rng);

    /**
     * Whether every input of this set is a count of spike events, so that {@link #writeEvents} can list it instead of
     * {@link #write} filling floats; the trainer then never expands the input to {@code [T, B, inputs]} floats.
     */
    default boolean eventBased() {
        return false;
    }

    /**
     * Lists sample {@code index}'s events: {@code sink.spike(t, i)} once per unit of its input at (step t, input i),
     * in any order. Only for sets whose {@link #eventBased()} is true; the values written by {@link #write} must be
     * exactly these counts.
     */
    default void writeEvents(int index, EventSink sink, SplittableRandom rng) {
        throw new UnsupportedOperationException(getClass().getName() + " does not list its inputs as events");
    }

    /**
     * Sample {@code index}'s events as {@code {times, inputs}}, sorted by time step and then input, when this set keeps
     * them so and they do not depend on the random stream of {@link #writeEvents}; else null (the caller then uses
     * {@link #writeEvents}). The arrays are the set's own: callers must not modify them.
     */
    default int[][] sortedEvents(int index) {
        return null;
    }

    /**
     * Width of the spike trains this set's samples must produce (the output neurons of a {@code van_rossum} run), or
     * 0 when its targets are class labels only.
     */
    default int targetOutputs() {
        return 0;
    }

    /**
     * Writes sample {@code index}'s target spike train into slot {@code slot} of a row-major
     * {@code [T, batch, targetOutputs()]} array the caller has zeroed: element {@code (t, slot, c)} is at
     * {@code (t·batch + slot)·targetOutputs() + c}. Only for sets whose {@link #targetOutputs()} is positive.
     */
    default void writeTarget(int index, float[] y, int slot, int batch) {
        throw new UnsupportedOperationException(getClass().getName() + " has no target spike trains");
    }

    /** Receives a sample's spike events. */
    @FunctionalInterface
    interface EventSink {
        void spike(int step, int input);
    }
}
