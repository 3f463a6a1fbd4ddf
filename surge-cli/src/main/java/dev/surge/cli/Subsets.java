package dev.surge.cli;

import dev.surge.core.data.SampleSet;
import java.util.SplittableRandom;

/** Views of sample sets. */
final class Subsets {
    private Subsets() {
    }

    /** The first {@code n} samples of {@code s}. */
    static SampleSet first(SampleSet s, int n) {
        int size = Math.min(n, s.size());
        return new SampleSet() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public int inputs() {
                return s.inputs();
            }

            @Override
            public int steps() {
                return s.steps();
            }

            @Override
            public int classes() {
                return s.classes();
            }

            @Override
            public int label(int index) {
                return s.label(index);
            }

            @Override
            public void write(int index, float[] x, int slot, int batch, SplittableRandom rng) {
                s.write(index, x, slot, batch, rng);
            }

            @Override
            public boolean eventBased() {
                return s.eventBased();
            }

            @Override
            public void writeEvents(int index, EventSink sink, SplittableRandom rng) {
                s.writeEvents(index, sink, rng);
            }

            @Override
            public int[][] sortedEvents(int index) {
                return s.sortedEvents(index);
            }

            @Override
            public int targetOutputs() {
                return s.targetOutputs();
            }

            @Override
            public void writeTarget(int index, float[] y, int slot, int batch) {
                s.writeTarget(index, y, slot, batch);
            }
        };
    }
}
