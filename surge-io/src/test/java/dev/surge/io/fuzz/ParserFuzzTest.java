package dev.surge.io.fuzz;

import dev.surge.core.tensor.Tensor;
import dev.surge.core.testing.Fuzz;
import dev.surge.io.FormatException;
import dev.surge.io.JsonFiles;
import dev.surge.io.golden.GoldenFormatException;
import dev.surge.io.golden.GoldenReader;
import dev.surge.io.safetensors.Safetensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;

/**
 * Fuzzing of surge-io's parsers (golden cases, model files, safetensors, JSON run files) with mutations of valid
 * files: each input is parsed or refused with the parser's own one-line exception, within the allocation bound of
 * {@link Fuzz#check}.
 */
@Tag("fuzz")
class ParserFuzzTest {
    static final Path DIR;
    static final List<byte[]> GOLDEN;
    static final List<byte[]> MODELS;
    static final List<byte[]> SAFETENSORS;
    static final List<byte[]> RUN_JSON;

    static {
        try {
            DIR = Files.createTempDirectory("surge-fuzz-io");
            Path golden = Path.of("src/test/resources/golden");
            GOLDEN = List.of(Files.readAllBytes(golden.resolve("alif.json")),
                    Files.readAllBytes(golden.resolve("adam_5_steps.json")),
                    Files.readAllBytes(golden.resolve("loss_ce_first_spike.json")));
            MODELS = List.of(bytes("{\"inputs\": 20, \"layers\": [{\"type\": \"lif\", \"out\": 8, \"beta\": 0.9,"
                            + " \"threshold\": 1, \"reset\": \"subtract\", \"refractory\": 2, \"recurrent\": true,"
                            + " \"surrogate\": {\"name\": \"atan\", \"scale\": 2}, \"stp\": {\"U\": 0.2, \"tau_f\": 20,"
                            + " \"tau_d\": 50}}, {\"type\": \"li\", \"out\": 10, \"beta\": 0.9, \"learn_beta\": true}]}"),
                    bytes("{\"layers\": [{\"type\": \"izhikevich\", \"out\": 4, \"a\": 0.02, \"dt\": 0.5, \"surrogate\":"
                            + " {\"name\": \"fast_sigmoid\"}}, {\"type\": \"adex\", \"out\": 3, \"tau_m\": 10, \"surrogate\":"
                            + " {\"name\": \"sigmoid\", \"scale\": 4}}, {\"type\": \"alif\", \"out\": 2, \"beta\": 0.9,"
                            + " \"threshold\": 1, \"reset\": \"zero\", \"rho\": 0.9, \"adapt\": 0.1, \"surrogate\":"
                            + " {\"name\": \"triangle\"}}]}"));
            Path st = DIR.resolve("seed.safetensors");
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("layers.0.W", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
            t.put("layers.0.b", Tensor.of(new float[] {0.5f, -1}, 2));
            Safetensors.write(st, t, Map.of("epoch", "3", "format", "pt"));
            SAFETENSORS = List.of(Files.readAllBytes(st));
            RUN_JSON = List.of(bytes("{\"dataset\": \"randman\", \"epochs\": 60, \"batch_size\": 32, \"lr\": 0.005,"
                            + " \"regularize\": [\"homeostasis:0.02:10\"], \"randman\": \"classes=10 units=20\"}"),
                    bytes("{\"epoch\": 1, \"loss\": 0.5, \"spike_rate\": [0.1, null]}\n{\"epoch\": 2, \"loss\": 0.4}\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }


    @Property
    void goldenCases(@ForAll long key) throws IOException {
        Path f = DIR.resolve("case.json");
        byte[] b = Fuzz.writeMutation(f, key, GOLDEN);
        Fuzz.check(Fuzz.describe(key, b), b.length, () -> GoldenReader.read(f), GoldenFormatException.class);
    }

    @Property
    void modelFiles(@ForAll long key) throws IOException {
        Path f = DIR.resolve("model.json");
        byte[] b = Fuzz.writeMutation(f, key, MODELS);
        Fuzz.check(Fuzz.describe(key, b), b.length, () -> GoldenReader.readModel(f), GoldenFormatException.class);
    }

    @Property
    void safetensors(@ForAll long key) throws IOException {
        Path f = DIR.resolve("x.safetensors");
        byte[] b = Fuzz.writeMutation(f, key, SAFETENSORS);
        Fuzz.check(Fuzz.describe(key, b), b.length, () -> {
            Safetensors.read(f);
            Safetensors.readMetadata(f);
        }, FormatException.class);
    }

    @Property
    void runJsonFiles(@ForAll long key) throws IOException {
        Path f = DIR.resolve("run.json");
        byte[] b = Fuzz.writeMutation(f, key, RUN_JSON);
        Fuzz.check(Fuzz.describe(key, b), b.length, () -> JsonFiles.readObject(f), FormatException.class);
        Fuzz.check(Fuzz.describe(key, b), b.length, () -> JsonFiles.readObjectLines(f), FormatException.class);
    }
}
