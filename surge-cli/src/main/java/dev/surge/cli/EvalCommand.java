package dev.surge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.Network;
import dev.surge.core.optim.Adam;
import dev.surge.core.train.MemoryModel;
import dev.surge.core.train.Trainer;
import dev.surge.io.JsonFiles;
import dev.surge.io.golden.GoldenFormatException;
import dev.surge.io.golden.GoldenReader;
import dev.surge.io.safetensors.Safetensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code surge eval --run DIR}: test accuracy of a saved model, on its own dataset or another one. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Report the test accuracy of a trained model.",
        footer = {"", "Exit status: 0 done, 2 bad input (missing or damaged run directory, unknown dataset)."})
final class EvalCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--run", required = true, description = "A run directory written by 'surge train'.")
    Path run;

    @Option(names = "--dataset", description = "Evaluate on this dataset instead of the one trained on.")
    String dataset;

    @Option(names = "--data-dir", description = "Where dataset files are (searched first).")
    Path dataDir;

    @Option(names = "--no-download", description = "Never download datasets.")
    boolean noDownload;

    @Option(names = "--threads", description = "Worker threads (default: the number of cores).")
    Integer threads;

    @Option(names = "--json", description = "Print one JSON line with the results.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (String f : List.of("config.json", "model.json", "model.safetensors")) {
            if (!Files.isRegularFile(run.resolve(f))) {
                throw new IllegalArgumentException("--run " + run + " is not a finished run directory (no " + f + ")");
            }
        }
        JsonNode cfg = JsonFiles.readObject(run.resolve("config.json"));
        GoldenReader.ModelFile model;
        try {
            model = GoldenReader.readModel(run.resolve("model.json"));
        } catch (GoldenFormatException e) {
            throw new IOException(e.getMessage());
        }
        String ds = dataset != null ? dataset : cfg.path("dataset").asText();
        if (!DataSplits.NAMES.contains(ds)) {
            throw new IllegalArgumentException("unknown --dataset '" + ds + "'; known: " + String.join(", ", DataSplits.NAMES));
        }
        String encoding = cfg.hasNonNull("encoding") ? cfg.get("encoding").asText() : null;
        DataSplits data = DataSplits.load(ds, cfg.path("time_steps").asInt(), encoding, dataDir, !noDownload,
                cfg.path("data_seed").asLong(), cfg.hasNonNull(ds) ? cfg.get(ds).asText() : null,
                m -> err.println("surge: " + m));
        if (model.inputs() > 0 && model.inputs() != data.test().inputs()) {
            throw new IllegalArgumentException("the model takes " + model.inputs() + " inputs but " + ds + " has "
                    + data.test().inputs());
        }
        TrainCommand.RunConfig rc = TrainCommand.RunConfig.fromJson(run.resolve("config.json"), cfg, null, null);
        int th = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (th <= 0 || th > Trainer.MAX_THREADS) {
            throw new IllegalArgumentException("--threads must be between 1 and " + Trainer.MAX_THREADS + ", got " + th);
        }
        MemoryModel.require(data.test().inputs(), model.layers(), data.test().steps(),
                Math.max(1, Math.min(rc.batchSize(), data.test().size())), th,
                MemoryModel.inputBytesPerSample(data.test()), null);
        Network net = Network.create(data.test().inputs(), model.layers(), 0L);
        Path weights = run.resolve("model.safetensors");
        RunDirectory.loadParameters(net, Safetensors.read(weights), weights);
        Trainer.Stats st;
        // the run's seed: stochastic layers draw their evaluation spikes from it, as the run's own test did
        try (Trainer t = new Trainer(net, Adam.adam(List.of(), 0f), new Trainer.Config(rc.batchSize(), rc.seed(), th,
                rc.backendEnum(), rc.lossFunction(), List.of(), 0f))) {
            st = t.evaluate(data.test());
        }
        // target spike trains: the van Rossum distance and how precisely the spikes land, as train reports them
        dev.surge.core.train.SpikeTiming tm = data.test().targetOutputs() > 0
                ? dev.surge.core.train.SpikeTiming.evaluate(net, data.test(), rc.backendEnum(),
                        TrainCommand.TIMING_TOLERANCE) : null;
        if (json) {
            ObjectNode o = JSON.createObjectNode();
            o.put("run_dir", run.toString());
            o.put("dataset", ds);
            if (tm != null) {
                TrainCommand.putTiming(o, st.loss(), tm);
            } else {
                o.put("test_accuracy", st.accuracy());
                o.put("test_loss", st.loss());
            }
            o.put("samples", st.samples());
            out.println(JSON.writeValueAsString(o));
        } else if (tm != null) {
            out.println(String.format(Locale.ROOT, "van Rossum distance %.4f on %d %s samples; %s", st.loss(),
                    st.samples(), ds, TrainCommand.timingText(tm)));
        } else {
            out.println(String.format(Locale.ROOT, "test accuracy %.2f%% (loss %.4f) on %d %s samples", 100 * st.accuracy(),
                    st.loss(), st.samples(), ds));
        }
        return 0;
    }
}
