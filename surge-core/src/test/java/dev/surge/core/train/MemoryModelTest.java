package dev.surge.core.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.data.EventSampleSet;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.SpikingSpec;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The memory estimate before a run: its parts, and a refusal that names a batch size which does fit. */
class MemoryModelTest {

    @Test
    void estimateGrowsByOneSamplesBytesPerBatchElement() {
        Network net = Network.create(50, List.of(SpikingSpec.lif(40), SpikingSpec.lif(10)), 1);
        long params = 50 * 40 + 40 + 40 * 10 + 10; // weights and biases
        assertEquals(params, net.parameters().values().stream().mapToLong(p -> p.value().size()).sum());
        long one = MemoryModel.estimate(net, 30, 2, 1, 1000);
        long two = MemoryModel.estimate(net, 30, 3, 1, 1000);
        assertEquals(30L * 50 * MemoryModel.BYTES_PER_NEURON_STEP + 1000, two - one);
        // a third chunk adds one chunk's parameter-sized buffers
        assertEquals(params * 4 * 3, MemoryModel.estimate(net, 30, 8, 3, 0) - MemoryModel.estimate(net, 30, 8, 2, 0));
    }

    @Test
    void aRecurrentLayerKeepsItsRecurrentProductPerStep() {
        Network net = Network.create(50, List.of(SpikingSpec.lif(40).withRecurrent(true), SpikingSpec.lif(10)), 1);
        long one = MemoryModel.estimate(net, 30, 2, 1, 1000);
        long two = MemoryModel.estimate(net, 30, 3, 1, 1000);
        assertEquals(30L * (40 * MemoryModel.BYTES_PER_RECURRENT_NEURON_STEP + 10 * MemoryModel.BYTES_PER_NEURON_STEP)
                + 1000, two - one);
    }

    @Test
    void eventInputsCountTheirEvents() {
        // two samples with 3 and 5 events: mean 4 events of BYTES_PER_EVENT each
        EventSampleSet set = new EventSampleSet(10, 20, 2, new int[] {0, 1},
                new int[][] {{0, 1, 2}, {0, 0, 3, 4, 9}}, new int[][] {{1, 2, 3}, {0, 0, 5, 6, 19}});
        assertEquals(4 * MemoryModel.BYTES_PER_EVENT, MemoryModel.inputBytesPerSample(set));
    }

    @Test
    void refusalNamesTheMemoryAndABatchSizeThatFits() {
        long max = Runtime.getRuntime().maxMemory();
        Network net = Network.create(700, List.of(SpikingSpec.lif(256), SpikingSpec.lif(20)), 1);
        int steps = 1000;
        long perSample = MemoryModel.estimate(net, steps, 1, 2, 0) - MemoryModel.estimate(net, steps, 0, 2, 0);
        int tooMany = (int) Math.min(Integer.MAX_VALUE, max / perSample + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemoryModel.require(net, steps, tooMany, 2, 0, "--batch-size"));
        assertTrue(e.getMessage().contains("-Xmx"), e.getMessage());
        Matcher m = Pattern.compile("--batch-size (\\d+)").matcher(e.getMessage());
        assertTrue(m.find(), e.getMessage());
        int fit = Integer.parseInt(m.group(1));
        assertTrue(fit >= 1 && fit < tooMany, e.getMessage());
        assertDoesNotThrow(() -> MemoryModel.require(net, steps, fit, 2, 0, "--batch-size"));
        assertThrows(IllegalArgumentException.class, () -> MemoryModel.require(net, steps, fit + 1, 2, 0, "--batch-size"));
        // without a batch option (the bench) the message offers only more memory
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
                () -> MemoryModel.require(net, steps, tooMany, 2, 0, null));
        assertTrue(!b.getMessage().contains("batch-size") && b.getMessage().contains("-Xmx"), b.getMessage());
    }

    @Test
    void heapHasHeadroomAndAFloor() {
        assertEquals(MemoryModel.MIN_HEAP, MemoryModel.heapFor(1 << 20));
        assertEquals((long) (1000L * 1048576 * MemoryModel.HEADROOM), MemoryModel.heapFor(1000L * 1048576));
    }
}
