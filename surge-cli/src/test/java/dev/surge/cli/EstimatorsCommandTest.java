package dev.surge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.surge.core.estimate.Estimator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code surge estimators}: JSON lines, the table and its plot, and one clear line for every kind of bad input. */
class EstimatorsCommandTest {
    private static final Path CASE = GoldenCommandTest.CASES.resolve("stochastic_two_layers_count.json");

    @Test
    void jsonLinesHaveEveryFieldAndReinforceApproachesTheExactGradient() throws Exception {
        var r = GoldenCommandTest.run("estimators", CASE.toString(), "--samples", "3000", "--seed", "4", "--json");
        assertEquals(0, r.code(), r.out() + r.err());
        List<JsonNode> lines = new ArrayList<>();
        for (String l : r.outLines()) {
            lines.add(GoldenCommandTest.JSON.readTree(l));
        }
        assertEquals(7, lines.size(), r.out());
        for (JsonNode n : lines) {
            for (String f : List.of("case", "estimator", "samples", "cosine", "relative_error", "reference", "variance",
                    "ms_per_sample", "gradient")) {
                assertTrue(n.has(f), f + " missing in " + n);
            }
            assertEquals("stochastic_two_layers_count", n.get("case").asText());
            assertEquals("exact", n.get("reference").asText());
            assertEquals(4, n.get("gradient").size(), n.toString());
            assertEquals(12, n.get("gradient").get("layers.0.W").size());
        }
        assertEquals(1.0, lines.get(0).get("cosine").asDouble(), 1e-12);
        JsonNode rb = lines.get(6);
        assertEquals("reinforce_baseline", rb.get("estimator").asText());
        assertTrue(rb.get("cosine").asDouble() > 0.99, rb.toString());
        assertTrue(rb.get("variance").asDouble() > 0, rb.toString());
        assertEquals(0.0, lines.get(1).get("variance").asDouble(), 0.0, "surrogate is deterministic");
    }

    @Test
    void tableModeWritesAPlotPerCase(@TempDir Path dir) {
        var r = GoldenCommandTest.run("estimators", CASE.toString(), "--samples", "50", "--estimators",
                "exact,straight_through", "--plot-dir", dir.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.outLines().get(0).startsWith("case"), r.out());
        assertTrue(r.outLines().get(2).contains("straight_through"), r.out());
        assertTrue(Files.isRegularFile(dir.resolve("estimators_stochastic_two_layers_count.png")), r.out());
    }

    @Test
    void badInputGetsOneLineAndExitTwo(@TempDir Path dir) throws Exception {
        expectError(List.of("estimators", CASE.toString(), "--estimators", "exact,dropout"),
                "unknown estimator 'dropout'");
        expectError(List.of("estimators", CASE.toString(), "--samples", "0"), "--samples must be positive, got 0");
        expectError(List.of("estimators", CASE.toString(), "--reference-samples", "1"),
                "--reference-samples must be at least 2");
        expectError(List.of("estimators", GoldenCommandTest.CASES.resolve("alif.json").toString()),
                "has no stochastic layer");
        Path f = bigCase(dir);
        var r = expectError(List.of("estimators", f.toString(), "--estimators", "exact"), "at most 20");
        assertTrue(r.err().contains(f.toString()) && r.err().contains("has 24"), r.err());
        expectError(List.of("estimators", dir.resolve("missing.json").toString()), "no such file");
    }

    @Test
    void aCaseTooLargeToEnumerateIsMeasuredAgainstALongReinforceRun(@TempDir Path dir) throws Exception {
        var r = GoldenCommandTest.run("estimators", bigCase(dir).toString(), "--estimators", "surrogate,reinforce",
                "--samples", "200", "--reference-samples", "3000", "--json");
        assertEquals(0, r.code(), r.out() + r.err());
        for (String l : r.outLines()) {
            JsonNode n = GoldenCommandTest.JSON.readTree(l);
            assertEquals("reinforce_baseline×3000", n.get("reference").asText(), l);
            assertTrue(n.get("cosine").asDouble() > 0, l);
        }
    }

    @Test
    void aTrainedRunIsMeasuredOnABatchOfItsTestSet(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        var t = TrainCommandTest.run(TrainCommandTest.QUICK, "--epochs", "1", "--stochastic", "20",
                "--regularize", "rate_l1:1", "--out", run.toString());
        assertEquals(0, t.code(), t.err());
        var r = GoldenCommandTest.run("estimators", "--run", run.toString(), "--batch", "2", "--estimators",
                "surrogate,reinforce_baseline", "--samples", "20", "--reference-samples", "40", "--json");
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(2, r.outLines().size(), r.out());
        for (String l : r.outLines()) {
            JsonNode n = GoldenCommandTest.JSON.readTree(l);
            assertEquals("run[2]", n.get("case").asText());
            assertEquals("reinforce_baseline×40", n.get("reference").asText());
            assertTrue(n.get("reference_self_cosine").isNumber(), l);
            assertEquals(5, n.get("gradient").size(), "W, b, V of the hidden layer and W, b of the readout: " + l);
        }
        // without --estimators: every estimator but exact, which cannot enumerate 2^(30·128) patterns
        var all = GoldenCommandTest.run("estimators", "--run", run.toString(), "--batch", "2", "--samples", "5",
                "--reference-samples", "10", "--json");
        assertEquals(0, all.code(), all.out() + all.err());
        assertEquals(Estimator.NAMES.size() - 1, all.outLines().size(), all.out());
        assertTrue(all.outLines().stream().noneMatch(l -> l.contains("\"estimator\":\"exact\"")), all.out());
        expectError(List.of("estimators", "--run", run.toString(), "--estimators", "exact"),
                "'exact' enumerates 2^(stochastic spikes per sample) patterns");
        Path det = dir.resolve("det");
        assertEquals(0, TrainCommandTest.run(TrainCommandTest.QUICK, "--epochs", "1", "--out", det.toString()).code());
        expectError(List.of("estimators", "--run", det.toString()), "the network has no stochastic layer");
        expectError(List.of("estimators"), "give case files or --run DIR");
    }

    /** stochastic_lif_readout widened to 6 hidden neurons: 24 stochastic spikes per sample. */
    private static Path bigCase(Path dir) throws Exception {
        ObjectNode big = GoldenCommandTest.readCase("stochastic_lif_readout.json");
        ((ObjectNode) big.at("/layers/0")).put("out", 6);
        ObjectNode params = (ObjectNode) big.get("params");
        ArrayNode w = params.putObject("layers.0.W").putArray("shape");
        w.add(6).add(6);
        ArrayNode wd = ((ObjectNode) params.get("layers.0.W")).putArray("data");
        for (int i = 0; i < 36; i++) {
            wd.add(0.2 * Math.sin(i + 1.0)); // varied weights, so the neurons fire with varied probabilities
        }
        ObjectNode b = params.putObject("layers.0.b");
        b.putArray("shape").add(6);
        ArrayNode bd = b.putArray("data");
        ObjectNode w1 = params.putObject("layers.1.W");
        w1.putArray("shape").add(2).add(6);
        ArrayNode w1d = w1.putArray("data");
        for (int i = 0; i < 6; i++) {
            bd.add(0.0);
            w1d.add(0.1).add(-0.1);
        }
        ObjectNode ex = (ObjectNode) big.get("expected");
        ex.set("expected_grads", GoldenCommandTest.JSON.createObjectNode());
        for (String k : List.of("layers.0.W", "layers.0.b", "layers.1.W", "layers.1.b")) {
            ((ObjectNode) ex.get("expected_grads")).set(k, params.get(k));
        }
        Path f = dir.resolve("big.json");
        GoldenCommandTest.JSON.writeValue(f.toFile(), big);
        return f;
    }

    private static GoldenCommandTest.Run expectError(List<String> args, String text) {
        var r = GoldenCommandTest.run(args.toArray(String[]::new));
        assertEquals(2, r.code(), args + ": " + r.out() + r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains(text), args + ": " + r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        return r;
    }
}
