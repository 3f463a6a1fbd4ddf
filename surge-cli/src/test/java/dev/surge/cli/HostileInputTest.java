package dev.surge.cli;

import static dev.surge.cli.TrainCommandTest.JSON;
import static dev.surge.cli.TrainCommandTest.QUICK;
import static dev.surge.cli.TrainCommandTest.assertOneLineError;
import static dev.surge.cli.TrainCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.surge.core.tensor.Tensor;
import dev.surge.io.safetensors.Safetensors;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failures a hostile and clumsy user found (issue 19), each refused with one line and exit 2, or now handled:
 * a regression test per finding.
 */
class HostileInputTest {

    @Test
    void aBatchSizeOfIntMaxTrainsOneBatchInsteadOfNone(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        TrainCommandTest.Run r = run(without(QUICK, "--batch-size"), "--epochs", "1", "--batch-size", "2147483647",
                "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode m = JSON.readTree(Files.readAllLines(dir.resolve("metrics.jsonl")).get(0));
        assertTrue(m.get("loss").asDouble() > 0, "a batch was trained: " + m);
        assertTrue(m.get("synops_per_sample").asDouble() > 0, "spikes were counted: " + m);
    }

    /** {@code args} without the option {@code name} and its value. */
    static List<String> without(List<String> args, String name) {
        List<String> r = new java.util.ArrayList<>(args);
        int i = r.indexOf(name);
        r.remove(i + 1);
        r.remove(i);
        return r;
    }

    /** A JSON document nested {@code depth} arrays deep. */
    static String deep(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    @Test
    void jsonNestedDeeperThanJacksonsLimitIsOneLineNamingTheFile(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("deep.json");
        Files.writeString(model, "{\"layers\": " + deep(2000) + "}");
        TrainCommandTest.Run r = run(QUICK, "--model", model.toString(), "--out", tmp.resolve("r").toString());
        assertOneLineError(r, 2, model + ": not valid JSON");
        assertTrue(r.err().contains("nesting depth"), r.err());
    }

    @Test
    void aGoldenRunWithADeeplyNestedFileStillEvaluatesTheOthersAndPrintsItsSummary(@TempDir Path tmp)
            throws Exception {
        Path cases = tmp.resolve("cases");
        Files.createDirectories(cases);
        Files.writeString(cases.resolve("a-deep.json"), deep(5000));
        Files.copy(Path.of("../surge-io/src/test/resources/golden").resolve(firstCase()),
                cases.resolve("b-real.json"));
        TrainCommandTest.Run r = run(List.of("golden", cases.toString()));
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("ERROR " + cases.resolve("a-deep.json") + ": not valid JSON"), r.err());
        assertTrue(r.out().contains("1 passed, 0 failed, 1 malformed or unsupported"), r.out());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    static String firstCase() throws Exception {
        try (var s = Files.list(Path.of("../surge-io/src/test/resources/golden"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().findFirst()
                    .orElseThrow();
        }
    }

    @Test
    void goldenIntegersOutsideIntAreRefusedNotWrapped(@TempDir Path tmp) throws Exception {
        Path src = Path.of("../surge-io/src/test/resources/golden").resolve(firstCase());
        String text = Files.readString(src).replaceFirst("\"T\"\\s*:\\s*(\\d+)", "\"T\": 4294967321");
        Path f = tmp.resolve("wrap.json");
        Files.writeString(f, text);
        TrainCommandTest.Run r = run(List.of("golden", f.toString()));
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("field 'T': integer 4294967321 is out of range"), r.err());
    }

    @Test
    void anEmptyGoldenDirectoryIsAnErrorNotASuccess(@TempDir Path tmp) throws Exception {
        TrainCommandTest.Run r = run(List.of("golden", tmp.toString()));
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(tmp + ": no .json case files"), r.err());
    }

    @Test
    void threadsHaveAnUpperBound(@TempDir Path tmp) throws Exception {
        assertOneLineError(run(without(QUICK, "--threads"), "--threads", "100000", "--out", tmp.resolve("r").toString()), 2,
                "--threads must be between 1 and 256, got 100000");
        assertOneLineError(run(List.of("bench", "--threads", "100000")), 2, "--threads must be at most 256");
    }

    @Test
    void absurdSizesAreRefusedBeforeTheyAreAllocated(@TempDir Path tmp) throws Exception {
        assertOneLineError(run(QUICK, "--randman", "units=1000000", "--randman", "samples=100000",
                "--out", tmp.resolve("a").toString()), 2, "randman: 10 classes × 100000 samples × 1000000 units");
        Path model = tmp.resolve("huge.json");
        Files.writeString(model, "{\"layers\": [{\"type\": \"lif\", \"out\": 200000, \"beta\": 0.9, \"threshold\": 1,"
                + " \"reset\": \"subtract\", \"recurrent\": true, \"surrogate\": {\"name\": \"atan\"}},"
                + " {\"type\": \"li\", \"out\": 10, \"beta\": 0.9}]}");
        assertOneLineError(run(QUICK, "--model", model.toString(), "--out", tmp.resolve("b").toString()), 2,
                "this run needs");
    }

    @Test
    void aRunKilledBeforeItsFirstCheckpointResumesBitExactlyOrSaysHowToRestart(@TempDir Path tmp)
            throws Exception {
        Path whole = tmp.resolve("whole");
        assertEquals(0, run(QUICK, "--epochs", "2", "--out", whole.toString()).code());
        // the state of a run killed during its first epoch: configuration written, no checkpoint yet
        Path killed = tmp.resolve("killed");
        assertEquals(0, run(QUICK, "--epochs", "2", "--out", killed.toString()).code());
        for (String f : List.of("checkpoint.safetensors", "model.safetensors", "metrics.jsonl", "result.json")) {
            Files.delete(killed.resolve(f));
        }
        assertOneLineError(run(QUICK, "--epochs", "2", "--out", killed.toString()), 2,
                "stopped before its first checkpoint; use --resume to start it again with its saved configuration, "
                        + "or --force to overwrite it");
        TrainCommandTest.Run r = run(List.of("train", "--resume", "--out", killed.toString(), "--no-plots"));
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(Files.readAllBytes(whole.resolve("model.safetensors")),
                Files.readAllBytes(killed.resolve("model.safetensors")), "the restarted run ends where an "
                        + "uninterrupted one does");
    }

    @Test
    void resumeRefusesChangedOptionsAndAcceptsRepeatedOnes(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        assertEquals(0, run(QUICK, "--epochs", "1", "--out", dir.toString()).code());
        assertOneLineError(run(List.of("train", "--resume", "--out", dir.toString(), "--lr", "0.5")), 2,
                "--lr 0.5 differs from its 0.005");
        assertOneLineError(run(List.of("train", "--resume", "--out", dir.toString(), "--batch-size", "7")), 2,
                "--batch-size 7 differs from its 50");
        assertOneLineError(run(List.of("train", "--resume", "--out", dir.toString(), "--seed", "9")), 2,
                "--seed 9 differs from its 1");
        TrainCommandTest.Run same = run(List.of("train", "--resume", "--out", dir.toString(), "--batch-size", "50",
                "--epochs", "2", "--no-plots"));
        assertEquals(0, same.code(), same.err());
    }

    @Test
    void damagedRunFilesAreNamedWithTheirField(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        assertEquals(0, run(QUICK, "--epochs", "1", "--out", dir.toString()).code());
        Path ck = dir.resolve("checkpoint.safetensors");
        Map<String, Tensor> t = Safetensors.read(ck);
        Map<String, String> meta = new LinkedHashMap<>(Safetensors.readMetadata(ck));
        byte[] good = Files.readAllBytes(ck);
        meta.put("epoch", "-3");
        Safetensors.write(ck, t, meta);
        assertOneLineError(run(List.of("train", "--resume", "--out", dir.toString())), 2,
                ck + ": metadata 'epoch' is -3, not a count of epochs");
        Files.write(ck, good);

        Path metrics = dir.resolve("metrics.jsonl");
        String lines = Files.readString(metrics);
        Files.writeString(metrics, "[1, 2]\n");
        assertOneLineError(run(List.of("train", "--resume", "--out", dir.toString())), 2,
                metrics + ": line 1: expected a JSON object, got array");
        Files.writeString(metrics, lines);

        Path config = dir.resolve("config.json");
        String cfg = Files.readString(config);
        Files.writeString(config, cfg.substring(0, cfg.length() / 2));
        assertOneLineError(run(List.of("train", "--resume", "--out", dir.toString())), 2, config + ": not valid JSON");
        assertOneLineError(run(List.of("eval", "--run", dir.toString())), 2, config + ": not valid JSON");
        Files.writeString(config, cfg.replace("\"backend\" : \"fused\"", "\"backend\" : \"gpu\""));
        assertOneLineError(run(List.of("eval", "--run", dir.toString())), 2, config + ": unknown backend 'gpu'");
        Files.writeString(config, cfg);
    }

    @Test
    void aDeletedModelJsonIsWrittenAgainWhenTheRunResumes(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        assertEquals(0, run(QUICK, "--epochs", "1", "--out", dir.toString()).code());
        Files.delete(dir.resolve("model.json"));
        TrainCommandTest.Run r = run(List.of("train", "--resume", "--out", dir.toString(), "--epochs", "2",
                "--no-plots"));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(dir.resolve("model.json")) > 0);
    }

    @Test
    void evalRefusesWeightsThatAreNotFinite(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        assertEquals(0, run(QUICK, "--epochs", "1", "--out", dir.toString()).code());
        Path weights = dir.resolve("model.safetensors");
        Map<String, Tensor> t = new LinkedHashMap<>(Safetensors.read(weights));
        t.get("layers.1.W").data()[3] = Float.NaN;
        Safetensors.write(weights, t, Safetensors.readMetadata(weights));
        assertOneLineError(run(List.of("eval", "--run", dir.toString())), 2,
                weights + ": tensor 'layers.1.W' holds NaN at index 3");
    }

    @Test
    void anExplicitDataDirIsTheOnlyPlaceLookedIn(@TempDir Path tmp) throws Exception {
        Path none = tmp.resolve("none");
        TrainCommandTest.Run r = run(QUICK, "--dataset", "fashion-mnist", "--data-dir", none.toString(),
                "--no-download", "--out", tmp.resolve("r").toString());
        assertOneLineError(r, 2, "Fashion-MNIST not found; looked in " + none + ", " + none.resolve("fashion-mnist")
                + ". Download failed: not downloaded (--no-download)");
    }

    @Test
    void anotherProcessWritingTheRunIsNamedByItsPid(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        Files.createDirectories(dir);
        Path lock = dir.resolve(RunDirectory.LOCK);
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = ch.lock()) {
            Files.writeString(lock, "424242", StandardCharsets.UTF_8);
            assertOneLineError(run(QUICK, "--out", dir.toString()), 2,
                    "run directory " + dir + " is being written by process 424242");
        }
    }

    @Test
    void forceRemovesTempFilesThatAKilledWriterLeft(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        assertEquals(0, run(QUICK, "--epochs", "1", "--out", dir.toString()).code());
        Path stale = dir.resolve(".checkpoint.safetensors.5f3a9c.tmp");
        Files.writeString(stale, "half");
        assertEquals(0, run(QUICK, "--epochs", "1", "--out", dir.toString(), "--force").code());
        assertFalse(Files.exists(stale));
    }

    @Test
    void fileSystemErrorsNameTheFileAndTheReason() {
        assertEquals("/runs/x: permission denied", Main.message(new AccessDeniedException("/runs/x")));
        assertEquals("/runs/y: no such file or directory",
                Main.message(new java.nio.file.NoSuchFileException("/runs/y")));
    }

    @Test
    void benchHelpPrintsNoWarnings() {
        TrainCommandTest.Run r = run(List.of("bench", "--help"));
        assertEquals(0, r.code());
        assertFalse((r.out() + r.err()).contains("WARN"), r.out() + r.err());
        assertTrue(r.out().contains("input density 20%"), r.out());
    }
}
