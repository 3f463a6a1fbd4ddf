package dev.surge.cli;

import dev.surge.core.testing.Fuzz;
import dev.surge.io.FormatException;
import dev.surge.io.JsonFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;

/**
 * Fuzzing of a run's {@code config.json} as {@code surge train --resume} and {@code surge eval} read it: mutations
 * of a valid configuration are accepted or refused with a one-line {@link FormatException} naming the file.
 */
@Tag("fuzz")
class RunFilesFuzzTest {
    static final Path DIR;
    static final List<byte[]> CONFIGS;

    static {
        try {
            DIR = Files.createTempDirectory("surge-fuzz-cli");
            CONFIGS = List.of(("{\"dataset\":\"randman\",\"model\":\"recurrent\",\"epochs\":60,\"batch_size\":32,"
                    + "\"lr\":0.005,\"time_steps\":100,\"surrogate\":\"fast_sigmoid:25\",\"loss\":\"ce_max_membrane\","
                    + "\"optimizer\":\"adam\",\"weight_decay\":0.0,\"schedule\":\"cosine\",\"clip\":0.0,\"patience\":0,"
                    + "\"seed\":1,\"data_seed\":42,\"threads\":2,\"backend\":\"fused\",\"limit\":0,"
                    + "\"randman\":\"classes=10 units=20 dim=1 alpha=2 samples=1000 spikes=1\","
                    + "\"regularize\":[\"homeostasis:0.02:10\"]}").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Property
    void runConfigurations(@ForAll long key) throws IOException {
        byte[] b = Fuzz.mutate(key, CONFIGS);
        Path f = DIR.resolve("config.json");
        Files.write(f, b);
        Throwable t = Fuzz.check(Fuzz.describe(key, b), b.length,
                () -> TrainCommand.RunConfig.fromJson(f, JsonFiles.readObject(f), null, null), FormatException.class);
        if (t != null && !t.getMessage().startsWith(f.toString())) {
            throw new AssertionError("the message must name the file: " + t.getMessage());
        }
    }
}
