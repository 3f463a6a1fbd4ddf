package dev.surge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code surge diagnose} on a trained run: a JSON line per spiking layer, the findings, the plot; bad input. */
class DiagnoseCommandTest {

    @Test
    void reportsEachSpikingLayerAndItsFindings(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        var t = TrainCommandTest.run(TrainCommandTest.QUICK, "--epochs", "1", "--model", "ff-deep", "--out",
                run.toString());
        assertEquals(0, t.code(), t.err());
        var r = GoldenCommandTest.run("diagnose", "--run", run.toString(), "--batch", "4", "--json");
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(3, r.outLines().size(), "two spiking layers and the summary: " + r.out());
        for (int i = 0; i < 2; i++) {
            JsonNode l = GoldenCommandTest.JSON.readTree(r.outLines().get(i));
            assertEquals(i, l.get("layer").asInt());
            assertEquals(30, l.get("error_norm_by_lag").size(), "one norm per step (T = 30)");
            double active = l.get("active_fraction").asDouble();
            assertTrue(active >= 0 && active <= 1, l.toString());
        }
        JsonNode s = GoldenCommandTest.JSON.readTree(r.outLines().get(2));
        assertTrue(s.get("findings").size() >= 1, s.toString());
        assertTrue(s.get("readout_gradient_norms").has("2"), s.toString());
        var table = GoldenCommandTest.run("diagnose", "--run", run.toString(), "--batch", "4", "--plot-dir",
                dir.resolve("plots").toString());
        assertEquals(0, table.code(), table.err());
        for (String png : java.util.List.of("diagnose.png", "diagnose_layer0.png", "diagnose_layer1.png")) {
            assertTrue(Files.size(dir.resolve("plots").resolve(png)) > 0, png);
        }

        var bad = GoldenCommandTest.run("diagnose", "--run", dir.resolve("none").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("is not a finished run directory (no config.json)"), bad.err());
        var zero = GoldenCommandTest.run("diagnose", "--run", run.toString(), "--batch", "0");
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("--batch must be positive"), zero.err());
    }
}
