package dev.surge.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.data.EventSampleSet;
import dev.surge.core.data.SampleSet;
import dev.surge.core.loss.Loss;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.Parameter;
import dev.surge.core.nn.ReadoutSpec;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The BPTT trainer: it learns, it is deterministic per thread count, and it stops on NaN naming where. */
class TrainerTest {

    /** Two classes: 40 inputs, class 0 fires the first 20 early, class 1 the last 20 late. */
    static EventSampleSet twoClasses(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] labels = new int[n];
        int[][] times = new int[n][];
        int[][] units = new int[n][];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            times[i] = new int[10];
            units[i] = new int[10];
            for (int e = 0; e < 10; e++) {
                times[i][e] = labels[i] == 0 ? rng.nextInt(10) : 10 + rng.nextInt(10);
                units[i][e] = labels[i] * 20 + rng.nextInt(20);
            }
        }
        return new EventSampleSet(20, 40, 2, labels, times, units);
    }

    /** What a test does to sample {@code i} after the base set wrote it into slot {@code slot} of the batch. */
    @FunctionalInterface
    interface WriteHook {
        void after(int i, float[] x, int slot, int batch);
    }

    /** {@code base}, with {@code hook} applied to every sample it writes (as floats: the view lists no events). */
    static SampleSet afterWrite(EventSampleSet base, WriteHook hook) {
        return new SampleSet() {
            public int size() { return base.size(); }
            public int inputs() { return base.inputs(); }
            public int steps() { return base.steps(); }
            public int classes() { return base.classes(); }
            public int label(int i) { return base.label(i); }

            public void write(int i, float[] x, int slot, int batch, SplittableRandom rng) {
                base.write(i, x, slot, batch, rng);
                hook.after(i, x, slot, batch);
            }
        };
    }

    static Network net() {
        return Network.create(40, List.of(SpikingSpec.lif(16).withRecurrent(true), ReadoutSpec.of(2, 0.9f)), 3);
    }

    static float[] weights(Network n) {
        List<Float> all = new ArrayList<>();
        for (Parameter p : n.parameters().values()) {
            for (float v : p.value().data()) {
                all.add(v);
            }
        }
        float[] r = new float[all.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = all.get(i);
        }
        return r;
    }

    static float[] train(int threads, long seed, int epochs, SampleSet data) {
        Network n = net();
        try (Trainer t = new Trainer(n, Adam.adam(new ArrayList<>(n.parameters().values()), 1e-2f),
                new Trainer.Config(16, seed, threads, Backend.FUSED, new Loss.CeMaxMembrane(), List.of(), 1f))) {
            for (int e = 0; e < epochs; e++) {
                t.trainEpoch(data, e, null);
            }
        }
        return weights(n);
    }

    @Test
    void learnsAnEasyTwoClassTask() {
        EventSampleSet data = twoClasses(200, 1);
        Network n = net();
        try (Trainer t = new Trainer(n, Adam.adam(new ArrayList<>(n.parameters().values()), 1e-2f),
                new Trainer.Config(20, 1, 2, Backend.FUSED, new Loss.CeMaxMembrane(), List.of(), 0f))) {
            double before = t.evaluate(data).loss();
            for (int e = 0; e < 10; e++) {
                t.trainEpoch(data, e, null);
            }
            Trainer.Stats after = t.evaluate(twoClasses(100, 2));
            assertTrue(after.loss() < before, before + " -> " + after.loss());
            assertTrue(after.accuracy() > 0.95, "held-out accuracy " + after.accuracy());
            assertEquals(100, after.samples());
            assertTrue(after.rates()[0] >= 0 && Double.isNaN(after.rates()[1]), "rates: spiking layer, then readout");
        }
    }

    @Test
    void sameSeedAndThreadCountGiveIdenticalWeights() {
        EventSampleSet data = twoClasses(64, 5);
        assertArrayEquals(train(2, 7, 2, data), train(2, 7, 2, data));
        assertArrayEquals(train(1, 7, 2, data), train(1, 7, 2, data));
        assertFalse(java.util.Arrays.equals(train(2, 7, 2, data), train(2, 8, 2, data)),
                "the seed drives the sample order");
    }

    @Test
    void epochOrderIsAPermutationThatDependsOnSeedAndEpoch() {
        int[] p = Trainer.permutation(1, 0, 50);
        int[] sorted = p.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 0; i < 50; i++) {
            assertEquals(i, sorted[i]);
        }
        assertArrayEquals(p, Trainer.permutation(1, 0, 50));
        assertNotEquals(java.util.Arrays.toString(p), java.util.Arrays.toString(Trainer.permutation(1, 1, 50)));
    }

    @Test
    void nonFiniteInputStopsTrainingNamingLayerAndStep() {
        SampleSet poisoned = afterWrite(twoClasses(32, 3),
                (i, x, slot, batch) -> x[(5 * batch + slot) * 40 + 3] = Float.NaN); // t = 5, input 3
        Network n = net();
        try (Trainer t = new Trainer(n, Adam.adam(new ArrayList<>(n.parameters().values()), 1e-2f),
                new Trainer.Config(16, 1, 1, Backend.FUSED, new Loss.CeMaxMembrane(), List.of(), 0f))) {
            var e = assertThrows(TrainingDivergedException.class, () -> t.trainEpoch(poisoned, 0, null));
            assertTrue(e.getMessage().contains("in the input of sample") && e.getMessage().contains("at time step 5, input 3"),
                    e.getMessage());
        }
    }

    /** {@code base} without its events: the trainer fills and scans floats, as for an image set. */
    static SampleSet asFloats(EventSampleSet base) {
        return afterWrite(base, (i, x, slot, batch) -> { });
    }

    /** {@code base} with each (step, input) event kept once, so that every input value is 0 or 1. */
    static EventSampleSet withoutRepeats(EventSampleSet base) {
        int[] labels = new int[base.size()];
        int[][] times = new int[base.size()][];
        int[][] units = new int[base.size()][];
        for (int i = 0; i < base.size(); i++) {
            java.util.TreeSet<Integer> seen = new java.util.TreeSet<>();
            base.writeEvents(i, (t, u) -> seen.add(t * base.inputs() + u), null);
            times[i] = seen.stream().mapToInt(e -> e / base.inputs()).toArray();
            units[i] = seen.stream().mapToInt(e -> e % base.inputs()).toArray();
            labels[i] = base.label(i);
        }
        return new EventSampleSet(base.steps(), base.inputs(), base.classes(), labels, times, units);
    }

    /** Weights after two epochs of a net whose first layer (64 outputs) is wide enough for event-driven products. */
    static float[] trainWide(SampleSet data, dev.surge.core.tensor.Kernels.Products products) {
        dev.surge.core.tensor.Kernels.Products before = dev.surge.core.tensor.Kernels.products();
        dev.surge.core.tensor.Kernels.setProducts(products);
        try {
            Network n = Network.create(40, List.of(SpikingSpec.lif(64), ReadoutSpec.of(2, 0.9f)), 4L);
            try (Trainer t = new Trainer(n, Adam.adam(new ArrayList<>(n.parameters().values()), 1e-2f),
                    new Trainer.Config(16, 3, 2, Backend.FUSED, new Loss.CeMaxMembrane(), List.of(), 1f))) {
                for (int e = 0; e < 2; e++) {
                    t.trainEpoch(data, e, null);
                }
            }
            return weights(n);
        } finally {
            dev.surge.core.tensor.Kernels.setProducts(before);
        }
    }

    @Test
    void eventInputGivesTheSameWeightsAsTheFloatInputItStandsFor() {
        // 0/1 inputs: the events listed by the set are the entries the scan of the floats finds, in the same order
        EventSampleSet ones = withoutRepeats(twoClasses(64, 11));
        for (var products : dev.surge.core.tensor.Kernels.Products.values()) {
            assertArrayEquals(trainWide(asFloats(ones), products), trainWide(ones, products), 0f, products.name());
        }
        // repeated events are counts (value 2, ...): on the dense path they expand to exactly the floats write gives
        EventSampleSet repeats = twoClasses(64, 11);
        assertNotEquals(ones.events(0) + ones.events(1) + ones.events(2),
                repeats.events(0) + repeats.events(1) + repeats.events(2), "the test data has no repeated events");
        assertArrayEquals(trainWide(asFloats(repeats), dev.surge.core.tensor.Kernels.Products.DENSE),
                trainWide(repeats, dev.surge.core.tensor.Kernels.Products.DENSE), 0f);
    }

    /** {@code base} with each sample's events (repeats kept) sorted by step and input, or reversed (unsorted). */
    static EventSampleSet ordered(EventSampleSet base, boolean sorted) {
        int[] labels = new int[base.size()];
        int[][] times = new int[base.size()][];
        int[][] units = new int[base.size()][];
        for (int i = 0; i < base.size(); i++) {
            List<int[]> ev = new ArrayList<>();
            base.writeEvents(i, (t, u) -> ev.add(new int[] {t, u}), null);
            ev.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
            if (!sorted) {
                java.util.Collections.reverse(ev);
            }
            times[i] = ev.stream().mapToInt(e -> e[0]).toArray();
            units[i] = ev.stream().mapToInt(e -> e[1]).toArray();
            labels[i] = base.label(i);
        }
        return new EventSampleSet(base.steps(), base.inputs(), base.classes(), labels, times, units);
    }

    @Test
    void sortedEventsAreListedRowByRowWithTheSameResultAsTheGeneralPath() {
        // sorted samples are copied run by run into the rows; reversed ones go through the sort of SpikeRows.fromEntries
        EventSampleSet base = twoClasses(64, 13);
        EventSampleSet sorted = ordered(base, true);
        EventSampleSet reversed = ordered(base, false);
        assertNotNull(sorted.sortedEvents(0));
        assertNull(reversed.sortedEvents(0));
        assertNull(base.sortedEvents(0), "twoClasses draws its events unsorted");
        for (var products : dev.surge.core.tensor.Kernels.Products.values()) {
            assertArrayEquals(trainWide(reversed, products), trainWide(sorted, products), 0f, products.name());
        }
    }

    @Test
    void recyclingArraysBetweenBatchesChangesNoNumber() {
        // big enough for the pooled sizes (Arena.MIN_POOLED elements): T·B·N = 20·64·128 = 163 840 per chunk
        EventSampleSet data = twoClasses(256, 9);
        float[][] weights = new float[2][];
        double[] losses = new double[2];
        for (int run = 0; run < 2; run++) {
            dev.surge.core.tensor.Arena.setEnabled(run == 0);
            try {
                Network n = Network.create(40, List.of(dev.surge.core.nn.SpikingSpec.lif(128).withRecurrent(true),
                        dev.surge.core.nn.ReadoutSpec.of(2, 0.9f)), 5L);
                try (Trainer t = new Trainer(n, Adam.adam(new ArrayList<>(n.parameters().values()), 1e-2f),
                        new Trainer.Config(128, 1, 2, Backend.FUSED, new Loss.CeMaxMembrane(), List.of(), 0f))) {
                    for (int e = 0; e < 3; e++) {
                        losses[run] += t.trainEpoch(data, e, null).loss();
                    }
                    losses[run] += t.evaluate(data).loss();
                }
                weights[run] = n.parameters().get("layers.0.V").value().data().clone();
            } finally {
                dev.surge.core.tensor.Arena.setEnabled(true);
            }
        }
        assertEquals(losses[1], losses[0], 0.0);
        assertArrayEquals(weights[1], weights[0], 0f);
    }

    @Test
    void aFailedBatchReturnsOnlyAfterEveryChunkStopped() {
        // Input buffers are reused from batch to batch, so a chunk still running after its batch failed could
        // overwrite the input of whatever the caller runs next. The first chunk (the first 16 samples of the
        // epoch's order) fails at once on a NaN; the second one takes 300 ms to write its last sample.
        EventSampleSet base = twoClasses(32, 3);
        int[] order = Trainer.permutation(1, 0, 32);
        java.util.Set<Integer> first = new java.util.HashSet<>();
        for (int k = 0; k < 16; k++) {
            first.add(order[k]);
        }
        java.util.concurrent.atomic.AtomicBoolean slowChunkDone = new java.util.concurrent.atomic.AtomicBoolean();
        SampleSet poisoned = afterWrite(base, (i, x, slot, batch) -> {
            if (first.contains(i)) {
                x[slot * 40] = Float.NaN;
            } else if (slot == batch - 1) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                slowChunkDone.set(true);
            }
        });
        Network n = net();
        try (Trainer t = new Trainer(n, Adam.adam(new ArrayList<>(n.parameters().values()), 1e-2f),
                new Trainer.Config(32, 1, 2, Backend.FUSED, new Loss.CeMaxMembrane(), List.of(), 0f))) {
            assertThrows(TrainingDivergedException.class, () -> t.trainEpoch(poisoned, 0, null));
            assertTrue(slowChunkDone.get(), "trainEpoch returned while the other chunk was still writing its input");
        }
    }

    @Test
    void nonFiniteWeightsStopTrainingNamingTheLayerWhoseOutputBroke() {
        Network n = net();
        n.parameters().get("layers.1.W").value().data()[0] = Float.POSITIVE_INFINITY;
        n.parameters().get("layers.1.W").value().data()[1] = Float.NEGATIVE_INFINITY;
        // an event-driven product skips the weights of silent inputs; a non-finite bias reaches the output on any path
        n.parameters().get("layers.1.b").value().data()[0] = Float.POSITIVE_INFINITY;
        try (Trainer t = new Trainer(n, Adam.adam(new ArrayList<>(n.parameters().values()), 1e-2f),
                new Trainer.Config(16, 1, 1, Backend.FUSED, new Loss.CeMaxMembrane(), List.of(), 0f))) {
            var e = assertThrows(TrainingDivergedException.class, () -> t.trainEpoch(twoClasses(32, 4), 0, null));
            assertTrue(e.getMessage().contains("in the output of layer 1 at time step")
                    && e.getMessage().contains("(epoch 1, batch 1)"), e.getMessage());
        }
    }

    @Test
    void schedulesFollowTheirFormulas() {
        assertEquals(1f, new Schedule.Cosine().lr(1f, 0, 10), 1e-6);
        assertEquals(0.5f, new Schedule.Cosine().lr(1f, 5, 10), 1e-6);
        assertEquals(0.25f, new Schedule.Step(2, 0.5f).lr(1f, 5, 10), 1e-6);
        assertEquals(0.3f, Schedule.parse("constant").lr(0.3f, 7, 10));
        assertThrows(IllegalArgumentException.class, () -> Schedule.parse("step:x"));
    }

    @Test
    void clippingBoundsTheGlobalGradientNorm() {
        Parameter a = new Parameter("a", dev.surge.core.tensor.Tensor.zeros(2));
        Parameter b = new Parameter("b", dev.surge.core.tensor.Tensor.zeros(1));
        a.grad().data()[0] = 3f;
        a.grad().data()[1] = 0f;
        b.grad().data()[0] = 4f;
        Trainer.clip(List.of(a, b), 1f);
        double norm = Math.sqrt(a.grad().data()[0] * a.grad().data()[0] + b.grad().data()[0] * b.grad().data()[0]);
        assertEquals(1.0, norm, 1e-5);
        assertEquals(4.0 / 3.0, b.grad().data()[0] / (double) a.grad().data()[0], 1e-5, "direction is kept");
    }
}
