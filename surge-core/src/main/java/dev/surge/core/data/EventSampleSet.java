package dev.surge.core.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Samples stored as spike events (time step, input unit), e.g. Randman, SHD, N-MNIST after binning. Several events
 * in the same bin and unit add up (the value is a count, usually 0 or 1).
 */
public final class EventSampleSet implements SampleSet {
    private final int steps;
    private final int inputs;
    private final int classes;
    private final int[] labels;
    private final int[][] times;
    private final int[][] units;
    /** Whether each sample's events are sorted by time step and then unit. */
    private final boolean[] sorted;

    /**
     * @param times per sample, the time step of each event (in {@code 0..steps-1})
     * @param units per sample, the input unit of each event (in {@code 0..inputs-1})
     */
    public EventSampleSet(int steps, int inputs, int classes, int[] labels, int[][] times, int[][] units) {
        if (labels.length != times.length || labels.length != units.length) {
            throw new IllegalArgumentException("labels, times and units must have one entry per sample: "
                    + labels.length + ", " + times.length + ", " + units.length);
        }
        for (int s = 0; s < labels.length; s++) {
            if (labels[s] < 0 || labels[s] >= classes) {
                throw new IllegalArgumentException("sample " + s + ": label " + labels[s] + " outside 0.." + (classes - 1));
            }
            if (times[s].length != units[s].length) {
                throw new IllegalArgumentException("sample " + s + ": " + times[s].length + " times but "
                        + units[s].length + " units");
            }
            for (int e = 0; e < times[s].length; e++) {
                if (times[s][e] < 0 || times[s][e] >= steps || units[s][e] < 0 || units[s][e] >= inputs) {
                    throw new IllegalArgumentException("sample " + s + ", event " + e + ": (t=" + times[s][e] + ", unit="
                            + units[s][e] + ") outside [0," + steps + ")×[0," + inputs + ")");
                }
            }
        }
        this.steps = steps;
        this.inputs = inputs;
        this.classes = classes;
        this.labels = labels;
        this.times = times;
        this.units = units;
        this.sorted = new boolean[labels.length];
        for (int s = 0; s < labels.length; s++) {
            boolean ok = true;
            for (int e = 1; e < times[s].length && ok; e++) {
                ok = times[s][e - 1] < times[s][e] || times[s][e - 1] == times[s][e] && units[s][e - 1] <= units[s][e];
            }
            sorted[s] = ok;
        }
    }

    @Override
    public int[][] sortedEvents(int index) {
        return sorted[index] ? new int[][] {times[index], units[index]} : null;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int inputs() {
        return inputs;
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    /** Number of events of a sample. */
    public int events(int index) {
        return times[index].length;
    }

    @Override
    public void write(int index, float[] x, int slot, int batch, SplittableRandom rng) {
        int[] ts = times[index];
        int[] us = units[index];
        for (int e = 0; e < ts.length; e++) {
            x[(ts[e] * batch + slot) * inputs + us[e]] += 1f;
        }
    }

    @Override
    public boolean eventBased() {
        return true;
    }

    @Override
    public void writeEvents(int index, EventSink sink, SplittableRandom rng) {
        int[] ts = times[index];
        int[] us = units[index];
        for (int e = 0; e < ts.length; e++) {
            sink.spike(ts[e], us[e]);
        }
    }

    /** The samples at the given indices, as a new set sharing the event arrays. */
    public EventSampleSet subset(int[] indices) {
        int[] l = new int[indices.length];
        int[][] t = new int[indices.length][];
        int[][] u = new int[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            l[i] = labels[indices[i]];
            t[i] = times[indices[i]];
            u[i] = units[indices[i]];
        }
        return new EventSampleSet(steps, inputs, classes, l, t, u);
    }

    @Override
    public String toString() {
        return "EventSampleSet[" + size() + " samples, T=" + steps + ", inputs=" + inputs + ", classes=" + classes
                + ", labels " + Arrays.stream(labels).distinct().count() + " distinct]";
    }
}
