package dev.surge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code surge adjoint}: the demonstration's JSON and files, one solve with its check, L-BFGS, bad input. */
class AdjointCommandTest {

    @Test
    void demonstrationRecoversTheTargetAndWritesEveryPlot(@TempDir Path dir) throws Exception {
        var r = GoldenCommandTest.run("adjoint", "--out", dir.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = GoldenCommandTest.JSON.readTree(r.outLines().get(0));
        assertEquals("softplus", o.get("clip").asText());
        assertTrue(o.get("max_alpha_error").asDouble() <= 1e-2, o.toString());
        assertTrue(o.get("objective").asDouble() <= 1e-4 * o.get("initial_objective").asDouble(), o.toString());
        assertTrue(o.get("iterations_to_1e4_reduction").asInt() < 50, o.toString());
        assertTrue(o.get("max_rel_error_start").asDouble() <= 1e-5, o.toString());
        assertTrue(o.get("max_rel_error_optimum").asDouble() <= 1e-5, o.toString());
        for (String name : List.of("flow", "gradient_error", "fd_steps", "taylor", "line", "k_tradeoff", "history")) {
            assertTrue(Files.size(dir.resolve(name + ".png")) > 1000, name + ".png");
            List<String> csv = Files.readAllLines(dir.resolve(name + ".csv"));
            assertTrue(csv.size() > 2, name + ".csv");
        }
        assertEquals("variable,hard,surrogate,softplus,projection",
                Files.readAllLines(dir.resolve("gradient_error.csv")).get(0));
        assertEquals(9, Files.readAllLines(dir.resolve("gradient_error.csv")).size(), "a header and 8 variables");
    }

    @Test
    void solvesOnceAndChecksTheGradient() throws Exception {
        var r = GoldenCommandTest.run("adjoint", "--alpha", "0.4,-0.25,0.15,0.5,-0.5,0.3,-0.1,0.2", "--check",
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = GoldenCommandTest.JSON.readTree(r.outLines().get(0));
        assertEquals(8, o.get("gradient").size());
        JsonNode c = o.get("gradient_check");
        assertEquals(8, c.get("finite_difference").size());
        assertTrue(c.get("max_rel_error").asDouble() <= 1e-5, c.toString());
        for (int j = 0; j < 8; j++) {
            assertEquals(o.get("gradient").get(j).asDouble(), c.get("adjoint").get(j).asDouble(), 0.0);
        }
        // the projection's adjoint does not match its own primal
        var p = GoldenCommandTest.run("adjoint", "--clip", "projection", "--alpha",
                "0.4,-0.25,0.15,0.5,-0.5,0.3,-0.1,0.2", "--check", "--json");
        assertEquals(0, p.code(), p.err());
        assertTrue(GoldenCommandTest.JSON.readTree(p.outLines().get(0)).get("gradient_check").get("max_rel_error")
                .asDouble() > 1e-3, p.out());
    }

    @Test
    void optimisesToAGivenTarget(@TempDir Path dir) throws Exception {
        var r = GoldenCommandTest.run("adjoint", "--optimize", "--target-alpha", "-0.3,0.9,-0.7,0.2,0.5,-1,1,0.05",
                "--json", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode o = GoldenCommandTest.JSON.readTree(r.outLines().get(0));
        assertTrue(o.get("max_alpha_error").asDouble() <= 1e-2, o.toString());
        int to1e4 = o.get("iterations_to_1e4_reduction").asInt();
        assertTrue(to1e4 >= 1 && to1e4 < 50, o.toString());
        assertTrue(Files.size(dir.resolve("flow.png")) > 1000);
        var drag = GoldenCommandTest.run("adjoint", "--optimize", "--objective", "drag", "--json");
        assertEquals(0, drag.code(), drag.err());
        JsonNode d = GoldenCommandTest.JSON.readTree(drag.outLines().get(0));
        assertTrue(d.get("objective").asDouble() < d.get("initial_objective").asDouble() / 10, d.toString());
    }

    @Test
    void badInputGetsOneLineAndExitTwo() {
        String[][] cases = {
            {"--alpha", "1,2", "--alpha: 2 values; the design has 8"},
            {"--target-alpha", "1,2,3,4,5,6,7,8,9", "--target-alpha: 9 values"},
            {"--k", "0", "--k must be a positive number"},
            {"--k", "-3", "--k must be a positive number"},
            {"--clip", "relu", "unknown clip 'relu'"},
            {"--objective", "lift", "--objective must be inverse or drag"},
            {"--alpha", "1e5,0,0,0,0,0,0,0", "Newton did not converge: residual max norm"},
            {"--objective", "drag", "--objective drag needs --alpha, --optimize or --check"},
        };
        for (String[] c : cases) {
            var r = GoldenCommandTest.run("adjoint", c[0], c[1]);
            assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
            assertTrue(r.err().contains(c[2]), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        }
        // an optimisation whose first solve fails names the iteration and the residual
        var o = GoldenCommandTest.run("adjoint", "--optimize", "--alpha", "1e5,0,0,0,0,0,0,0");
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("residual max norm") && o.err().contains("after 400 iterations"), o.err());
    }
}
