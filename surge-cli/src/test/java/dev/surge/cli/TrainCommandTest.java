package dev.surge.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code surge train}: the run directory, determinism, resume, and one-line errors for bad input. */
class TrainCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** A small, quick Randman run. */
    static final List<String> QUICK = List.of("train", "--time-steps", "30", "--limit", "300", "--batch-size", "50",
            "--threads", "2", "--no-plots");

    record Run(int code, String out, String err) {
    }

    static Run run(List<String> base, String... more) {
        List<String> args = new ArrayList<>(base);
        args.addAll(Arrays.asList(more));
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(o, true), new PrintWriter(e, true));
        return new Run(code, o.toString(), e.toString());
    }

    static void assertOneLineError(Run r, int code, String text) {
        assertEquals(code, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(text), "expected '" + text + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(r.err().contains("Exception"), "no exception class names: " + r.err());
    }

    @Test
    void runWritesConfigMetricsModelPlotsAndAFinalJsonLine(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        List<String> withPlots = new ArrayList<>(QUICK);
        withPlots.remove("--no-plots");
        Run r = run(withPlots, "--epochs", "2", "--out", dir.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode res = JSON.readTree(r.out().strip());
        assertTrue(res.get("test_accuracy").asDouble() >= 0 && res.get("test_accuracy").asDouble() <= 1);
        assertTrue(res.get("train_seconds").asDouble() > 0);
        assertEquals(2, res.get("epochs").asInt());
        for (String f : List.of("config.json", "model.json", "metrics.jsonl", "model.safetensors",
                "checkpoint.safetensors", "result.json", "learning_curves.png", "raster.png", "membrane.png")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        List<String> metrics = Files.readAllLines(dir.resolve("metrics.jsonl"));
        assertEquals(2, metrics.size());
        JsonNode m = JSON.readTree(metrics.get(1));
        for (String k : List.of("loss", "accuracy", "val_loss", "val_accuracy", "spike_rate", "synops_per_sample")) {
            assertTrue(m.has(k), k + " in " + m);
        }
        var tensors = dev.surge.io.safetensors.Safetensors.read(dir.resolve("model.safetensors"));
        assertEquals(List.of("layers.0.V", "layers.0.W", "layers.0.b", "layers.1.W", "layers.1.b"),
                new ArrayList<>(tensors.keySet()));
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp files left");
        }
    }

    @Test
    void sameSeedAndThreadsGiveTheSameWeightsBitForBit(@TempDir Path tmp) throws Exception {
        assertEquals(0, run(QUICK, "--epochs", "2", "--out", tmp.resolve("a").toString()).code());
        assertEquals(0, run(QUICK, "--epochs", "2", "--out", tmp.resolve("b").toString()).code());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a/model.safetensors")),
                Files.readAllBytes(tmp.resolve("b/model.safetensors")));
        assertEquals(0, run(QUICK, "--epochs", "2", "--seed", "2", "--out", tmp.resolve("c").toString()).code());
        assertFalse(Arrays.equals(Files.readAllBytes(tmp.resolve("a/model.safetensors")),
                Files.readAllBytes(tmp.resolve("c/model.safetensors"))), "another seed must give other weights");
    }

    @Test
    void aResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne(@TempDir Path tmp) throws Exception {
        Path whole = tmp.resolve("whole");
        Path parts = tmp.resolve("parts");
        assertEquals(0, run(QUICK, "--epochs", "3", "--out", whole.toString()).code());
        Run first = run(QUICK, "--epochs", "3", "--stop-after", "1", "--out", parts.toString());
        assertEquals(0, first.code(), first.err());
        assertEquals(1, Files.readAllLines(parts.resolve("metrics.jsonl")).size());
        Run rest = run(List.of("train"), "--resume", "--out", parts.toString());
        assertEquals(0, rest.code(), rest.err());
        assertTrue(rest.err().contains("resuming"), rest.err());
        assertArrayEquals(Files.readAllBytes(whole.resolve("model.safetensors")),
                Files.readAllBytes(parts.resolve("model.safetensors")));
        assertEquals(Files.readAllLines(whole.resolve("metrics.jsonl")).size(),
                Files.readAllLines(parts.resolve("metrics.jsonl")).size());
    }

    @Test
    void stochasticRunsWithAnEstimatorResumeBitExactAndEvaluateAsTrained(@TempDir Path tmp) throws Exception {
        List<String> sto = new ArrayList<>(QUICK);
        sto.addAll(List.of("--stochastic", "20", "--estimator", "reinforce_baseline", "--regularize", "none"));
        Path whole = tmp.resolve("whole");
        Path parts = tmp.resolve("parts");
        Run w = run(sto, "--epochs", "3", "--out", whole.toString(), "--json");
        assertEquals(0, w.code(), w.err());
        assertEquals(0, run(sto, "--epochs", "3", "--stop-after", "1", "--out", parts.toString()).code());
        Run rest = run(List.of("train"), "--resume", "--out", parts.toString());
        assertEquals(0, rest.code(), rest.err());
        assertArrayEquals(Files.readAllBytes(whole.resolve("model.safetensors")),
                Files.readAllBytes(parts.resolve("model.safetensors")),
                "the baseline restarts each epoch, so a resumed run repeats the uninterrupted one");
        JsonNode cfg = JSON.readTree(whole.resolve("config.json").toFile());
        assertEquals("reinforce_baseline", cfg.get("estimator").asText());
        assertEquals(20.0, cfg.get("stochastic").asDouble());
        var layers = dev.surge.io.golden.GoldenReader.readModel(whole.resolve("model.json")).layers();
        assertEquals(dev.surge.core.neuron.EscapeNoise.sigmoid(20f),
                ((dev.surge.core.nn.SpikingSpec) layers.get(0)).stochastic());
        Run e = run(List.of("eval", "--run", whole.toString(), "--json"));
        assertEquals(0, e.code(), e.err());
        assertEquals(JSON.readTree(w.out().strip()).get("test_accuracy").asDouble(),
                JSON.readTree(e.out().strip()).get("test_accuracy").asDouble());
        // another estimator on the same seed draws the same spikes but follows another gradient
        Run other = run(sto.subList(0, QUICK.size()), "--stochastic", "20", "--estimator", "stochastic_surrogate",
                "--regularize", "none", "--epochs", "3", "--out", tmp.resolve("other").toString());
        assertEquals(0, other.code(), other.err());
        assertFalse(Arrays.equals(Files.readAllBytes(whole.resolve("model.safetensors")),
                Files.readAllBytes(tmp.resolve("other/model.safetensors"))));
    }

    @Test
    void badEstimatorOptionsGetOneLineBeforeAnythingIsWritten(@TempDir Path tmp) {
        Path out = tmp.resolve("never");
        assertOneLineError(run(List.of("train"), "--estimator", "exact"), 2, "'exact' enumerates spike patterns");
        assertOneLineError(run(List.of("train"), "--estimator", "dropout"), 2, "unknown estimator 'dropout'");
        assertOneLineError(run(List.of("train"), "--stochastic", "0"), 2, "--stochastic must be a positive");
        assertOneLineError(run(QUICK, "--epochs", "1", "--stochastic", "5", "--estimator", "reinforce", "--out",
                out.toString()), 2, "the homeostasis penalty (randman's default) is not a sum of per-sample terms");
        assertOneLineError(run(QUICK, "--epochs", "1", "--estimator", "Reinforce_Baseline", "--regularize", "none",
                "--out", out.toString()), 2,
                "'reinforce_baseline' needs every spiking layer to be stochastic, but layer 0 has no escape noise");
        assertFalse(Files.exists(out), "nothing may be written for a refused run");
    }

    @Test
    void epropTrainsResumesBitExactlyAndRefusesWhatItCannotTrain(@TempDir Path tmp) throws Exception {
        Path whole = tmp.resolve("whole");
        List<String> eprop = new ArrayList<>(QUICK);
        eprop.set(eprop.indexOf("300"), "1000");
        eprop.addAll(List.of("--lr", "0.02", "--rule", "eprop"));
        Run w = run(eprop, "--epochs", "5", "--json", "--out", whole.toString());
        assertEquals(0, w.code(), w.err());
        double acc = JSON.readTree(w.out().strip()).get("test_accuracy").asDouble();
        assertTrue(acc > 0.15, "e-prop learns randman above chance (0.1; BPTT reaches 0.34 here): " + acc);
        assertEquals("eprop", JSON.readTree(whole.resolve("config.json").toFile()).get("rule").asText());
        Path parts = tmp.resolve("parts");
        assertEquals(0, run(eprop, "--epochs", "5", "--stop-after", "2", "--out", parts.toString()).code());
        Run rest = run(List.of("train"), "--resume", "--out", parts.toString());
        assertEquals(0, rest.code(), rest.err());
        assertArrayEquals(Files.readAllBytes(whole.resolve("model.safetensors")),
                Files.readAllBytes(parts.resolve("model.safetensors")));
        Run random = run(eprop, "--feedback", "random", "--epochs", "5", "--out", tmp.resolve("random").toString());
        assertEquals(0, random.code(), random.err());
        assertFalse(Arrays.equals(Files.readAllBytes(whole.resolve("model.safetensors")),
                Files.readAllBytes(tmp.resolve("random/model.safetensors"))));

        Path out = tmp.resolve("never");
        assertOneLineError(run(QUICK, "--rule", "eprop", "--model", "ff-deep", "--out", out.toString()), 2,
                "--rule eprop: e-prop trains one spiking layer followed by a readout; this model has 3 layers");
        assertOneLineError(run(QUICK, "--rule", "eprop", "--feedback", "hebbian", "--out", out.toString()), 2,
                "--feedback: unknown e-prop feedback 'hebbian'; known: symmetric, random");
        assertOneLineError(run(QUICK, "--feedback", "random", "--out", out.toString()), 2,
                "--feedback applies only to --rule eprop");
        assertOneLineError(run(QUICK, "--rule", "eprop", "--estimator", "surrogate", "--out", out.toString()), 2,
                "--rule eprop and --estimator surrogate both choose how gradients are obtained");
        assertOneLineError(run(QUICK, "--rule", "rtrl", "--out", out.toString()), 2,
                "--rule: unknown learning rule 'rtrl'; known: bptt, eprop");
        assertOneLineError(run(QUICK, "--rule", "eprop", "--stochastic", "5", "--out", out.toString()), 2,
                "layer 0: e-prop does not support escape noise");
        assertFalse(Files.exists(out), "nothing may be written for a refused run");
    }

    @Test
    void evidenceTaskTrainsEvaluatesAndRefusesBadSettings(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ev");
        Run r = run(List.of("train"), "--dataset", "evidence", "--evidence", "cues=1,cue=10,gap=5,recall=15",
                "--evidence", "samples=1024", "--time-steps", "60", "--epochs", "8", "--threads", "2", "--rule", "eprop",
                "--no-plots", "--json", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode res = JSON.readTree(r.out().strip());
        assertTrue(res.get("test_accuracy").asDouble() > 0.9, "one cue, a short delay: " + res);
        assertTrue(res.get("peak_heap_mb").asDouble() > 0, res.toString());
        JsonNode cfg = JSON.readTree(dir.resolve("config.json").toFile());
        assertEquals("ce_last_membrane:15", cfg.get("loss").asText());
        assertEquals("cues=1,cue=10,gap=5,recall=15,rate=0.04,noise=0.01,samples=1024,validation=256,test=1024",
                cfg.get("evidence").asText());
        Run e = run(List.of("eval"), "--run", dir.toString(), "--json");
        assertEquals(0, e.code(), e.err());
        assertEquals(res.get("test_accuracy").asDouble(), JSON.readTree(e.out().strip()).get("test_accuracy").asDouble());

        assertOneLineError(run(List.of("train"), "--dataset", "evidence", "--evidence", "colour=2"), 2,
                "--evidence: unknown key 'colour'");
        assertOneLineError(run(List.of("train"), "--dataset", "evidence", "--time-steps", "1000"), 2,
                "evidence: --time-steps 1000 leaves no delay after 7 cues of 150 steps and a recall of 150; use at "
                        + "least 1201");
        assertOneLineError(run(List.of("train"), "--evidence", "cues=3"), 2, "--evidence applies only to --dataset "
                + "evidence");
        assertOneLineError(run(List.of("train"), "--loss", "ce_last_membrane"), 2,
                "--loss: ce_last_membrane needs its window of steps: ce_last_membrane:STEPS");
        assertOneLineError(run(List.of("train"), "--loss", "ce_count:3"), 2,
                "--loss: 'ce_count:3': only ce_last_membrane takes a value");
    }

    @Test
    void raceIsWonByTheFirstSpike(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("race");
        Run r = run(List.of("train"), "--dataset", "race", "--race", "samples=512,validation=64,test=256", "--epochs",
                "5", "--threads", "2", "--no-plots", "--json", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode res = JSON.readTree(r.out().strip());
        assertTrue(res.get("test_accuracy").asDouble() > 0.7, r.out());
        assertTrue(res.get("first_spike_margin").asDouble() > 0, "the right output fires first on average: " + res);
        assertEquals("temporal_margin", JSON.readTree(dir.resolve("config.json").toFile()).get("loss").asText());
        assertOneLineError(run(List.of("train"), "--dataset", "race", "--race", "channels=1"), 2,
                "race: channels must be at least 2, got 1");
        assertOneLineError(run(List.of("train"), "--race", "channels=3"), 2, "--race applies only to --dataset race");
    }

    @Test
    void patternRunsLearnTheTargetRaster(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("pattern");
        Run r = run(List.of("train"), "--dataset", "pattern", "--pattern", "samples=64,validation=8,test=8",
                "--epochs", "40", "--threads", "2", "--json", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode res = JSON.readTree(r.out().strip());
        for (String k : List.of("van_rossum", "hit_rate", "exact_rate", "timing_error_steps", "extra_rate")) {
            assertTrue(res.has(k), k + " in " + res);
        }
        assertFalse(res.has("test_accuracy"), "class accuracy means nothing here: " + res);
        assertEquals(83, res.get("target_spikes").asInt());
        // 40 epochs of 2 batches learn part of the raster; the untrained network hits almost none of it
        assertTrue(res.get("hit_rate").asDouble() > 0.2, res.toString());
        assertTrue(Files.size(dir.resolve("pattern.png")) > 0);
        assertEquals("van_rossum", JSON.readTree(dir.resolve("config.json").toFile()).get("loss").asText());
        Run eval = run(List.of("train"), "--dataset", "pattern", "--pattern", "samples=64,validation=8,test=8",
                "--epochs", "1", "--threads", "2", "--json", "--no-plots", "--force", "--out", dir.toString());
        assertTrue(JSON.readTree(eval.out().strip()).get("hit_rate").asDouble()
                < res.get("hit_rate").asDouble(), "training improved the hit rate");
    }

    @Test
    void badTargetRastersAreOneLine(@TempDir Path tmp) throws Exception {
        Path ragged = tmp.resolve("ragged.txt");
        Files.writeString(ragged, "0101\n011\n");
        assertOneLineError(run(List.of("train"), "--dataset", "pattern", "--target", ragged.toString(), "--out",
                tmp.resolve("a").toString()), 2, ragged + ": line 2 has 3 steps, the rows before it 4");
        Path three = tmp.resolve("three.txt");
        Files.writeString(three, "0100\n0010\n0001\n");
        assertOneLineError(run(List.of("train"), "--dataset", "pattern", "--target", three.toString(),
                "--time-steps", "5", "--out", tmp.resolve("b").toString()), 2,
                "--time-steps 5 does not match the target raster's 4 steps");
        Path model = tmp.resolve("model.json");
        Files.writeString(model, "{\"layers\": [{\"type\": \"lif\", \"out\": 5, \"beta\": 0.9, "
                + "\"threshold\": 1.0, \"reset\": \"subtract\", \"detach_reset\": true, "
                + "\"surrogate\": {\"name\": \"fast_sigmoid\", \"scale\": 25.0}}]}");
        assertOneLineError(run(List.of("train"), "--dataset", "pattern", "--target", three.toString(), "--model",
                model.toString(), "--out", tmp.resolve("c").toString()), 2,
                "the target raster has 3 rows (output neurons) but the last layer of --model " + model + " has 5");
        assertOneLineError(run(List.of("train"), "--dataset", "pattern", "--loss", "ce_count"), 2,
                "--dataset pattern trains to a target raster: its loss is van_rossum, not ce_count");
        assertOneLineError(run(List.of("train"), "--loss", "van_rossum"), 2,
                "--loss van_rossum needs target spike trains, which only --dataset pattern has");
        assertOneLineError(run(List.of("train"), "--target", three.toString()), 2,
                "--target applies only to --dataset pattern");
        for (String d : List.of("a", "b", "c")) {
            assertFalse(Files.exists(tmp.resolve(d).resolve("config.json")), "no run written for a refused one");
        }
    }

    @Test
    void anExistingRunIsNeverOverwrittenWithoutResumeOrForce(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        assertEquals(0, run(QUICK, "--epochs", "1", "--out", dir.toString()).code());
        byte[] before = Files.readAllBytes(dir.resolve("model.safetensors"));
        Run again = run(QUICK, "--epochs", "1", "--seed", "9", "--out", dir.toString());
        assertOneLineError(again, 2, "run directory " + dir + " already exists; use --resume");
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("model.safetensors")));
        Run forced = run(QUICK, "--epochs", "1", "--seed", "9", "--force", "--out", dir.toString());
        assertEquals(0, forced.code(), forced.err());
        assertFalse(Arrays.equals(before, Files.readAllBytes(dir.resolve("model.safetensors"))));
    }

    @Test
    void badOptionsGetOneLineNamingTheOption(@TempDir Path tmp) {
        assertOneLineError(run(List.of("train"), "--dataset", "cifar"), 2, "unknown --dataset 'cifar'");
        assertOneLineError(run(List.of("train"), "--model", "huge"), 2, "--model 'huge' is neither a preset");
        assertOneLineError(run(List.of("train"), "--surrogate", "bogus:3"), 2, "unknown surrogate 'bogus'");
        assertOneLineError(run(List.of("train"), "--surrogate", "atan:x"), 2, "scale 'x' is not a number");
        assertOneLineError(run(List.of("train"), "--epochs", "0"), 2, "--epochs must be positive");
        assertOneLineError(run(List.of("train"), "--lr", "-1"), 2, "--lr must be a positive number");
        assertOneLineError(run(List.of("train"), "--epochs", "many"), 2, "--epochs");
        assertOneLineError(run(List.of("train"), "--resume"), 2, "--resume needs --out");
        assertOneLineError(run(List.of("train"), "--resume", "--out", tmp.toString()), 2, "holds no run to resume");
        assertOneLineError(run(List.of("train"), "--encoding", "morse", "--dataset", "mnist"), 2, "unknown encoding");
        assertOneLineError(run(List.of("train"), "--schedule", "wobbly"), 2, "unknown schedule 'wobbly'");
        assertOneLineError(run(List.of("train"), "--randman", "colour=2"), 2, "--randman: unknown key 'colour'");
        assertOneLineError(run(List.of("train"), "--regularize", "rate_l1"), 2, "--regularize 'rate_l1': expected");
        assertOneLineError(run(List.of("train"), "--randman", "classes=1"), 2, "randman: classes must be >= 2");
        assertOneLineError(run(List.of("train"), "--dataset", "mnist", "--randman", "dim=2"), 2,
                "--randman applies only to --dataset randman");
    }

    @Test
    void malformedModelFileNamesTheFileAndField(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("m.json");
        Files.writeString(model, "{\"layers\": [{\"type\": \"lif\", \"out\": 8, \"beta\": 0.9, \"threshold\": 1,"
                + " \"reset\": \"sideways\", \"surrogate\": {\"name\": \"atan\"}}, {\"type\": \"li\", \"out\": 10, \"beta\": 0.9}]}");
        Run r = run(QUICK, "--epochs", "1", "--model", model.toString(), "--out", tmp.resolve("run").toString());
        assertOneLineError(r, 2, model + ": field 'layers[0].reset': unknown reset 'sideways'");
    }

    @Test
    void badNeuronModelsInAModelFileGetOneLineNamingTheModelAndField(@TempDir Path tmp) throws Exception {
        String readout = ", {\"type\": \"li\", \"out\": 10, \"beta\": 0.9}]}";
        String[][] cases = {
            {"{\"layers\": [{\"type\": \"hodgkin_huxley\", \"out\": 8}" + readout,
                "field 'layers[0].type': unknown layer type 'hodgkin_huxley'; known: lif, if, synaptic, alif, "
                        + "izhikevich, adex, li"},
            {"{\"layers\": [{\"type\": \"lif\", \"out\": 8, \"beta\": 0.9, \"reset\": \"zero\","
                    + " \"surrogate\": {\"name\": \"atan\"}}" + readout, "field 'layers[0].threshold': missing"},
            {"{\"layers\": [{\"type\": \"izhikevich\", \"out\": 8, \"dt\": 0,"
                    + " \"surrogate\": {\"name\": \"atan\"}}" + readout,
                "field 'layers[0]': izhikevich: dt must be positive, got 0.0"},
            {"{\"layers\": [{\"type\": \"adex\", \"out\": 8, \"tau_m\": 10, \"reset\": \"zero\","
                    + " \"surrogate\": {\"name\": \"atan\"}}" + readout, "field 'layers[0].reset': unsupported field"},
        };
        for (int i = 0; i < cases.length; i++) {
            Path model = tmp.resolve("m" + i + ".json");
            Files.writeString(model, cases[i][0]);
            Run r = run(QUICK, "--epochs", "1", "--model", model.toString(), "--out", tmp.resolve("r" + i).toString());
            assertOneLineError(r, 2, model + ": " + cases[i][1]);
        }
    }

    @Test
    void izhikevichAndAdexModelFilesTrainAndRoundTripThroughModelJson(@TempDir Path tmp) throws Exception {
        for (String layer : List.of("{\"type\": \"izhikevich\", \"out\": 16, \"surrogate\": {\"name\": "
                + "\"fast_sigmoid\", \"scale\": 0.5}}", "{\"type\": \"adex\", \"out\": 16, \"b\": 0.1, "
                + "\"surrogate\": {\"name\": \"fast_sigmoid\", \"scale\": 5}}")) {
            Path model = tmp.resolve("m.json");
            Files.writeString(model, "{\"layers\": [" + layer + ", {\"type\": \"li\", \"out\": 10, \"beta\": 0.9}]}");
            Path dir = tmp.resolve(layer.contains("adex") ? "adex" : "izh");
            Run r = run(QUICK, "--epochs", "1", "--model", model.toString(), "--out", dir.toString());
            assertEquals(0, r.code(), r.err());
            var saved = dev.surge.io.golden.GoldenReader.readModel(dir.resolve("model.json")).layers();
            assertEquals(TrainCommand.readModelFile(model), saved, "model.json must read back the same layers");
        }
    }

    @Test
    void missingOrCorruptDatasetFilesGetOneLineNamingThem(@TempDir Path tmp) throws Exception {
        String home = System.getProperty("user.home");
        System.setProperty("user.home", tmp.resolve("home").toString());
        try {
            Run r = run(QUICK, "--dataset", "mnist", "--no-download", "--data-dir", tmp.resolve("none").toString(),
                    "--out", tmp.resolve("r1").toString());
            assertOneLineError(r, 2, "MNIST not found; looked in " + tmp.resolve("none"));
            Path d = tmp.resolve("idx");
            Files.createDirectories(d);
            for (String f : dev.surge.data.MnistLike.FILES) {
                Files.write(d.resolve(f), new byte[] {0, 0, 8, 3, 0, 0});
            }
            r = run(QUICK, "--dataset", "mnist", "--no-download", "--data-dir", d.toString(),
                    "--out", tmp.resolve("r2").toString());
            assertOneLineError(r, 2, d.resolve("train-images-idx3-ubyte") + ": truncated in the header");
            r = run(QUICK, "--dataset", "shd", "--data-dir", tmp.resolve("none").toString(),
                    "--out", tmp.resolve("r3").toString());
            assertOneLineError(r, 2, "shd: shd_train.h5 not found");
        } finally {
            System.setProperty("user.home", home);
        }
    }

    @Test
    void divergenceStopsWithAMessageNamingWhereAndKeepsTheLastGoodCheckpoint(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        // a step of 3e38 pushes weights to the edge of float range; the next batch overflows to infinity
        Run r = run(QUICK, "--epochs", "2", "--lr", "3e38", "--optimizer", "sgd", "--out", dir.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("training diverged: non-finite value") && r.err().contains("in the output of layer")
                && r.err().contains("at time step") && r.err().contains("(epoch 1, batch 2)"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertTrue(Files.isRegularFile(dir.resolve("config.json")));
        assertFalse(Files.exists(dir.resolve("checkpoint.safetensors")), "no epoch completed, so no checkpoint");
    }

    @Test
    void evalReportsTheSameTestAccuracyAsTheRunAndRejectsDamagedRuns(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        Run r = run(QUICK, "--epochs", "2", "--out", dir.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        double trained = JSON.readTree(r.out().strip()).get("test_accuracy").asDouble();
        Run e = run(List.of("eval", "--run", dir.toString(), "--json"));
        assertEquals(0, e.code(), e.err());
        assertEquals(trained, JSON.readTree(e.out().strip()).get("test_accuracy").asDouble());

        assertOneLineError(run(List.of("eval", "--run", tmp.resolve("nothing").toString())), 2,
                "is not a finished run directory (no config.json)");
        byte[] model = Files.readAllBytes(dir.resolve("model.safetensors"));
        Files.write(dir.resolve("model.safetensors"), Arrays.copyOf(model, 20));
        assertOneLineError(run(List.of("eval", "--run", dir.toString())), 2, dir.resolve("model.safetensors").toString());
    }

    @Test
    void keepBestEndsWithTheBestValidationEpochAndResumesBitExactly(@TempDir Path tmp) throws Exception {
        Path whole = tmp.resolve("whole");
        List<String> args = new ArrayList<>(QUICK);
        args.addAll(List.of("--keep-best", "--lr", "0.05", "--epochs", "5"));
        Run r = run(args, "--out", whole.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode result = JSON.readTree(r.out().strip());
        List<String> lines = Files.readAllLines(whole.resolve("metrics.jsonl"));
        int best = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (JSON.readTree(lines.get(i)).get("val_accuracy").asDouble()
                    > JSON.readTree(lines.get(best)).get("val_accuracy").asDouble()) {
                best = i;
            }
        }
        assertEquals(best + 1, result.get("best_epoch").asInt(), String.join("\n", lines));
        assertEquals("best", result.get("weights").asText());
        var model = dev.surge.io.safetensors.Safetensors.read(whole.resolve("model.safetensors"));
        var checkpoint = dev.surge.io.safetensors.Safetensors.read(whole.resolve("checkpoint.safetensors"));
        for (var e : model.entrySet()) {
            assertArrayEquals(checkpoint.get("best." + e.getKey()).data(), e.getValue().data(), e.getKey());
        }
        Run e = run(List.of("eval", "--run", whole.toString(), "--json"));
        assertEquals(0, e.code(), e.err());
        assertEquals(result.get("test_accuracy").asDouble(),
                JSON.readTree(e.out().strip()).get("test_accuracy").asDouble());

        Path parts = tmp.resolve("parts");
        Run first = run(args, "--stop-after", "3", "--out", parts.toString());
        assertEquals(0, first.code(), first.err());
        assertOneLineError(run(List.of("train", "--resume", "--out", parts.toString(), "--keep-best=false")), 2,
                "--keep-best");
        Run rest = run(List.of("train", "--resume", "--out", parts.toString()));
        assertEquals(0, rest.code(), rest.err());
        assertArrayEquals(Files.readAllBytes(whole.resolve("model.safetensors")),
                Files.readAllBytes(parts.resolve("model.safetensors")));
        var resumed = dev.surge.io.safetensors.Safetensors.read(parts.resolve("checkpoint.safetensors"));
        assertEquals(checkpoint.keySet(), resumed.keySet());
        for (var t : checkpoint.entrySet()) {
            assertArrayEquals(t.getValue().data(), resumed.get(t.getKey()).data(), t.getKey());
        }
        assertOneLineError(run(List.of("train", "--dataset", "pattern", "--keep-best", "--out",
                tmp.resolve("p").toString())), 2, "--keep-best");
    }
}
