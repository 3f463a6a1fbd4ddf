package dev.surge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code surge golden}: output lines, summary and exit codes, for good, failing and malformed case files. */
class GoldenCommandTest {
    static final Path CASES = Path.of(System.getProperty("basedir", "."))
            .resolve("../surge-io/src/test/resources/golden").normalize();
    static final ObjectMapper JSON = new ObjectMapper();

    record Run(int code, String out, String err) {
        List<String> outLines() {
            return Arrays.asList(out.strip().split("\\R"));
        }

        List<String> errLines() {
            return err.isBlank() ? List.of() : Arrays.asList(err.strip().split("\\R"));
        }
    }

    static Run run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.run(args, new PrintWriter(o, true), new PrintWriter(e, true));
        return new Run(code, o.toString(), e.toString());
    }

    static ObjectNode readCase(String name) throws Exception {
        return (ObjectNode) JSON.readTree(CASES.resolve(name).toFile());
    }

    @Test
    void everyPublicCasePassesThroughTheCommand() {
        Run r = run("golden", CASES.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> lines = r.outLines();
        assertEquals(36, lines.size(), r.out());
        assertTrue(lines.subList(0, 35).stream().allMatch(l -> l.startsWith("PASS ")), r.out());
        assertEquals("35 passed, 0 failed", lines.get(35));
        assertTrue(r.errLines().isEmpty(), r.err());
    }

    @Test
    void aWrongExpectationFailsWithWhatDiffersAndByHowMuch(@TempDir Path dir) throws Exception {
        ObjectNode c = readCase("surrogate_atan.json");
        c.put("name", "atan_wrong_grad");
        ArrayNode data = (ArrayNode) c.at("/expected/grads/layers.0.W/data");
        data.set(0, data.get(0).asDouble() + 1.0);
        Path f = dir.resolve("wrong.json");
        JSON.writeValue(f.toFile(), c);
        Run r = run("golden", "--backend", "fused", f.toString(), CASES.resolve("alif.json").toString());
        assertEquals(1, r.code(), r.out() + r.err());
        List<String> lines = r.outLines();
        assertTrue(lines.get(0).startsWith("FAIL atan_wrong_grad: gradient of layers.0.W: relative error "),
                lines.get(0));
        assertEquals("PASS alif", lines.get(1));
        assertEquals("1 passed, 1 failed", lines.get(2));
    }

    @Test
    void aWrongExpectedGradientOfAStochasticCaseFails(@TempDir Path dir) throws Exception {
        ObjectNode c = readCase("stochastic_recurrent.json");
        c.put("name", "stochastic_wrong");
        ArrayNode data = (ArrayNode) c.at("/expected/expected_grads/layers.0.V/data");
        data.set(0, data.get(0).asDouble() * 1.05 + 1e-3);
        Path f = write(dir, "wrong.json", c);
        Run r = run("golden", f.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.outLines().get(0).startsWith("FAIL stochastic_wrong: ")
                && r.outLines().get(0).contains("expected gradient of layers.0.V: relative error "), r.out());
        ObjectNode bad = readCase("stochastic_lif_readout.json");
        ((ObjectNode) bad.at("/layers/0/stochastic")).put("noise", "gauss");
        Path g = write(dir, "bad_noise.json", bad);
        Run rb = run("golden", g.toString());
        assertEquals(2, rb.code(), rb.out() + rb.err());
        assertLine(rb.errLines(), g, "field 'layers[0].stochastic.noise': stochastic: unknown noise 'gauss'");
    }

    @Test
    void malformedFilesGetOneLineNamingFileAndFieldAndTheRestAreStillEvaluated(@TempDir Path dir) throws Exception {
        Path trunc = dir.resolve("trunc.json");
        Files.writeString(trunc, "{\"name\": \"x\", ");
        ObjectNode badSurrogate = readCase("surrogate_atan.json");
        ((ObjectNode) badSurrogate.at("/layers/0/surrogate")).put("name", "bogus");
        Path surr = write(dir, "surr.json", badSurrogate);
        ObjectNode missing = readCase("surrogate_atan.json");
        ((ObjectNode) missing.get("params")).remove("layers.1.b");
        Path miss = write(dir, "missing.json", missing);
        ObjectNode shape = readCase("surrogate_atan.json");
        ((ArrayNode) shape.at("/params/layers.0.W/shape")).set(1, JSON.getNodeFactory().numberNode(23));
        Path sh = write(dir, "shape.json", shape);
        ObjectNode layer = readCase("surrogate_atan.json");
        ((ObjectNode) layer.at("/layers/1")).put("type", "conv2d");
        Path lay = write(dir, "layer.json", layer);
        ObjectNode loss = readCase("surrogate_atan.json");
        ((ObjectNode) loss.get("loss")).put("type", "hinge");
        Path lo = write(dir, "loss.json", loss);
        ObjectNode noField = readCase("surrogate_atan.json");
        ((ObjectNode) noField.at("/layers/0")).remove("threshold");
        Path nf = write(dir, "nofield.json", noField);

        Run r = run("golden", trunc.toString(), surr.toString(), CASES.resolve("alif.json").toString(),
                miss.toString(), sh.toString(), lay.toString(), lo.toString(), nf.toString(),
                dir.resolve("absent.json").toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(List.of("PASS alif", "1 passed, 0 failed, 8 malformed or unsupported"), r.outLines());
        List<String> err = r.errLines();
        assertEquals(8, err.size(), r.err());
        assertLine(err, trunc, "not valid JSON");
        assertLine(err, surr, "field 'layers[0].surrogate.name': unknown surrogate 'bogus'");
        assertLine(err, miss, "field 'params.layers.1.b': missing");
        assertLine(err, sh, "field 'params.layers.0.W.shape': expected shape [16, 24], got [16, 23]");
        assertLine(err, lay, "field 'layers[1].type': unknown layer type 'conv2d'");
        assertLine(err, lo, "field 'loss.type': unknown loss 'hinge'");
        assertLine(err, nf, "field 'layers[0].threshold': missing");
        assertLine(err, dir.resolve("absent.json"), "no such file");
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(r.err().contains("Exception"), "no exception class names: " + r.err());
    }

    @Test
    void badBackendOptionIsAUsageError() {
        Run r = run("golden", "--backend", "gpu", CASES.resolve("alif.json").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--backend must be fused, composed or both, not 'gpu'"), r.err());
    }

    private static void assertLine(List<String> err, Path file, String text) {
        String want = "ERROR " + file + ": " + text;
        assertTrue(err.stream().anyMatch(l -> l.startsWith(want)), "expected a line starting with\n  " + want
                + "\nin\n  " + String.join("\n  ", err));
    }

    private static Path write(Path dir, String name, ObjectNode n) throws Exception {
        Path f = dir.resolve(name);
        JSON.writeValue(f.toFile(), n);
        return f;
    }
}
