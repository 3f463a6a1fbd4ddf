package dev.surge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * E-prop's memory does not grow with the sequence: on the evidence task (the alif preset, the decision read over the
 * last 15 steps), each run in a JVM of its own with a 160 MB heap, e-prop's peak live heap at T = 8000 is within 1.3
 * times that at T = 1000, while BPTT at T = 8000 does not fit at all (the memory check refuses it).
 */
class EpropMemoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HEAP = 160L << 20;

    private record Result(int code, String out, String err) {
    }

    private static Result train(Path out, String rule, int steps) throws Exception {
        List<String> args = new ArrayList<>(List.of("train", "--rule", rule, "--time-steps", Integer.toString(steps),
                "--dataset", "evidence", "--evidence", "cue=10,gap=5,recall=15,samples=64,validation=64,test=64",
                "--batch-size", "64", "--epochs", "1", "--threads", "1", "--no-plots", "--json", "--out",
                out.toString()));
        Process p = ChildJvm.builder(ChildJvm.command(HEAP, args)).start();
        String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String e = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), o, e);
    }

    private static double peakHeap(Result r) throws Exception {
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        JsonNode j = JSON.readTree(lines[lines.length - 1]);
        return j.get("peak_heap_mb").asDouble();
    }

    @Test
    void epropPeakHeapIsFlatInTWhileBpttRunsOutOfMemory(@TempDir Path tmp) throws Exception {
        double short1k = peakHeap(train(tmp.resolve("e1k"), "eprop", 1000));
        double long8k = peakHeap(train(tmp.resolve("e8k"), "eprop", 8000));
        assertTrue(long8k <= 1.3 * short1k, "e-prop peak heap " + short1k + " MB at T=1000, " + long8k
                + " MB at T=8000");
        Result bptt = train(tmp.resolve("b8k"), "bptt", 8000);
        assertEquals(2, bptt.code(), "BPTT at T=8000 should not fit in " + (HEAP >> 20) + " MB: " + bptt.out());
        assertTrue(bptt.err().contains("this run needs about"), "refused by the memory check: " + bptt.err());
        System.out.printf("e-prop peak live heap: %.1f MB at T=1000, %.1f MB at T=8000%n", short1k, long8k);
    }
}
