package dev.surge.cli;

import static dev.surge.cli.TrainCommandTest.assertOneLineError;
import static dev.surge.cli.TrainCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.surge.core.train.MemoryModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code surge bench}: the JSON line of a workload, its child JVM's heap and one-line errors for bad options. */
class BenchCommandTest {

    @Test
    void jsonLineHasTimesMemoryAndTheSgemmReferenceForW1() throws Exception {
        TrainCommandTest.Run r = run(List.of("bench", "--workload", "W1", "--steps", "2", "--warmup", "0",
                "--warmup-seconds", "0", "--json", "--step-times"));
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, r.out());
        JsonNode j = TrainCommandTest.JSON.readTree(lines[0]);
        assertEquals("W1", j.get("workload").asText());
        double median = j.get("ms_median").asDouble();
        double min = j.get("ms_min").asDouble();
        assertTrue(min > 0 && min <= median, j.toString());
        assertTrue(j.get("peak_rss_mb").asDouble() > 0, j.toString());
        assertTrue(j.get("peak_heap_mb").asDouble() > 0, j.toString());
        assertTrue(j.get("sgemm_gflops").asDouble() > 0, j.toString());
        assertEquals(0, j.get("warmup").asInt(), j.toString());
        assertTrue(j.get("warmup_jit_idle").isNull(), "no warm-up, so the JIT was not watched: " + j);
        // --step-times: every timed step, whose smallest and middle values are ms_min and ms_median
        JsonNode steps = j.get("ms_steps");
        assertEquals(2, steps.size(), j.toString());
        double s0 = steps.get(0).asDouble();
        double s1 = steps.get(1).asDouble();
        assertEquals(Math.min(s0, s1), min, 1e-3, j.toString());
        assertEquals((s0 + s1) / 2, median, 2e-3, j.toString());
        // dense-equivalent rate = 3 · 2·T·B·(in·hidden + hidden·out) / median time
        double flops = 3.0 * 2 * 100 * 64 * (700.0 * 256 + 256.0 * 20);
        assertEquals(flops / (median / 1e3) / 1e9, j.get("dense_equiv_gflops").asDouble(),
                1e-3 * j.get("dense_equiv_gflops").asDouble() + 1e-3);
        // the workload ran in a child JVM whose heap was sized from its memory estimate
        BenchCommand b = new BenchCommand();
        b.threads = 2;
        long heap = MemoryModel.heapFor(b.estimate(BenchCommand.WORKLOADS.get(0)));
        assertEquals(heap / 1048576.0, j.get("max_heap_mb").asDouble(), 2.0, j.toString());
    }

    @Test
    void unknownWorkloadAndImpossibleCountsAreOneLineErrors() {
        assertOneLineError(run(List.of("bench", "--workload", "W9")), 2, "--workload must be W1, W2, W3, W4 or all");
        assertOneLineError(run(List.of("bench", "--steps", "0")), 2, "--steps must be positive");
        assertOneLineError(run(List.of("bench", "--threads", "0")), 2, "--threads must be positive");
        assertOneLineError(run(List.of("bench", "--backend", "gpu")), 2, "--backend must be fused or composed");
        assertOneLineError(run(List.of("bench", "--warmup-seconds", "-1")), 2, "--warmup-seconds must be between 0");
    }

    @Test
    void workloadsMatchTheIssueTable() {
        var w = BenchCommand.WORKLOADS;
        assertEquals(List.of("W1", "W2", "W3", "W4"), w.stream().map(dev.surge.core.train.Workload::id).toList());
        assertTrue(w.get(1).recurrent() && !w.get(0).recurrent());
        assertEquals(1000, w.get(3).steps());
        assertEquals(16, w.get(3).batch());
        assertEquals(0.20, w.get(2).density());
        assertEquals(1000, w.get(2).hidden());
    }
}
