package dev.surge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.surge.core.nn.LayerSpec;
import dev.surge.core.nn.Network;
import dev.surge.core.nn.Parameter;
import dev.surge.core.optim.Optimizer;
import dev.surge.core.tensor.Tensor;
import dev.surge.io.AtomicFiles;
import dev.surge.io.FormatException;
import dev.surge.io.JsonFiles;
import dev.surge.io.golden.ModelJson;
import dev.surge.io.safetensors.Safetensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A run directory: {@code config.json}, {@code model.json} (architecture), {@code metrics.jsonl} (one line per
 * epoch), {@code model.safetensors} (parameters, PyTorch-style names), {@code checkpoint.safetensors} (parameters,
 * optimizer state and the epoch, for {@code --resume}), {@code result.json} and PNG plots. Every file is written to a
 * temporary file and renamed into place, so an interrupted run never leaves a damaged file behind.
 */
final class RunDirectory {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> OWN_FILES = List.of("config.json", "model.json", "metrics.jsonl", "model.safetensors",
            "checkpoint.safetensors", "result.json", "learning_curves.png", "raster.png", "membrane.png");

    private final Path dir;
    private double previousSeconds;
    private final Map<String, Tensor> restoredBest = new LinkedHashMap<>();

    private RunDirectory(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    double previousSeconds() {
        return previousSeconds;
    }

    /**
     * Opens a run directory for writing: a new or empty one, one to overwrite ({@code force}), or one to continue
     * ({@code resume}: its config.json, and its checkpoint if an epoch was finished; a run stopped before its first
     * checkpoint starts again from its saved configuration). Takes the directory's lock first, so that two
     * processes never write one run: the second is refused with the holder's PID.
     */
    static RunDirectory open(Path dir, boolean resume, boolean force) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--out " + dir + " exists and is not a directory");
        }
        if (resume) {
            if (!Files.isRegularFile(dir.resolve("config.json"))) {
                throw new IllegalArgumentException("--resume: " + dir + " holds no run to resume (expected "
                        + "config.json, and checkpoint.safetensors once an epoch has finished)");
            }
            RunDirectory run = new RunDirectory(dir);
            run.lock();
            return run;
        }
        Files.createDirectories(dir);
        RunDirectory run = new RunDirectory(dir);
        run.lock();
        boolean empty;
        try (Stream<Path> s = Files.list(dir)) {
            empty = s.allMatch(p -> p.getFileName().toString().equals(LOCK));
        }
        if (!empty) {
            if (!force) {
                boolean started = Files.isRegularFile(dir.resolve("config.json"))
                        && !Files.exists(dir.resolve("checkpoint.safetensors"));
                throw new IllegalArgumentException("run directory " + dir + (started
                        ? " holds a run that stopped before its first checkpoint; use --resume to start it again "
                        + "with its saved configuration, or --force to overwrite it"
                        : " already exists; use --resume to continue it or --force to overwrite it"));
            }
            for (String f : OWN_FILES) {
                Files.deleteIfExists(dir.resolve(f));
            }
            AtomicFiles.deleteStaleTemps(dir);
        }
        return run;
    }

    /** Whether an epoch has finished and been saved (there is a checkpoint to resume from). */
    boolean hasCheckpoint() {
        return Files.isRegularFile(dir.resolve("checkpoint.safetensors"));
    }

    /** The lock file of a run directory; it holds the PID of the process that writes the run. */
    static final String LOCK = ".surge.lock";

    /**
     * Takes the directory's lock for the life of this process (the operating system releases it when the process
     * ends, however it ends). A {@code surge train} child JVM of the process holding the lock may write the run.
     */
    private void lock() throws IOException {
        Path f = dir.resolve(LOCK);
        java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock held;
        try {
            held = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            held = null; // this JVM holds it already (a test running two commands)
        }
        long me = ProcessHandle.current().pid();
        if (held == null) {
            String holder = Files.readString(f, StandardCharsets.UTF_8).strip();
            ch.close();
            long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
            if (holder.equals(Long.toString(parent))) {
                lender = parent; // our parent handed this run to us and holds the lock while it waits
                return;
            }
            if (holder.equals(Long.toString(me))) {
                return; // this very process
            }
            throw new IllegalArgumentException("run directory " + dir + " is being written by process "
                    + (holder.isEmpty() ? "(unknown)" : holder) + "; wait for it to finish or stop it first");
        }
        ch.truncate(0);
        ch.write(java.nio.ByteBuffer.wrap(Long.toString(me).getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
        LOCKS.add(ch); // kept open, so the lock lasts as long as this process
    }

    /** The PID of the parent process that holds this run's lock for us, or 0. */
    private long lender;

    /**
     * Before every write: a child whose parent (the lock's holder) has died no longer owns the run, since another
     * process may have taken the lock since; it stops at once instead of writing (exit status 143, as for SIGTERM).
     */
    private void checkOwner() {
        if (lender != 0 && ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) != lender) {
            Runtime.getRuntime().halt(143);
        }
    }

    private static final List<java.nio.channels.FileChannel> LOCKS = new java.util.concurrent.CopyOnWriteArrayList<>();

    JsonNode readConfig() throws IOException {
        return JsonFiles.readObject(dir.resolve("config.json"));
    }

    void writeConfig(ObjectNode cfg, List<LayerSpec> layers, int inputs) throws IOException {
        checkOwner();
        AtomicFiles.writeString(dir.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg) + "\n");
        writeModel(layers, inputs);
    }

    /**
     * Writes model.json (the architecture every checkpoint carries): at the start of every run, so that a directory
     * that cannot be written, or a deleted model.json, shows before the first epoch rather than after it.
     */
    void writeModel(List<LayerSpec> layers, int inputs) throws IOException {
        checkOwner();
        AtomicFiles.writeString(dir.resolve("model.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(ModelJson.toJson(inputs, layers)) + "\n");
    }

    /** Metrics first, then the checkpoint: a crash in between leaves a metrics line that restore drops. */
    void saveEpoch(Network net, Optimizer opt, ObjectNode line, List<ObjectNode> history, double trainSeconds,
                   Map<String, Tensor> best) throws IOException {
        StringBuilder sb = new StringBuilder();
        checkOwner();
        for (ObjectNode h : history) {
            sb.append(JSON.writeValueAsString(h)).append('\n');
        }
        AtomicFiles.writeString(dir.resolve("metrics.jsonl"), sb.toString());
        Map<String, Tensor> params = values(net);
        writeModelWeights(params);
        Map<String, Tensor> ck = new LinkedHashMap<>(params);
        for (var e : opt.state().entrySet()) {
            ck.put("optimizer." + e.getKey(), e.getValue());
        }
        if (best != null) {
            for (var e : best.entrySet()) {
                ck.put(BEST + e.getKey(), e.getValue());
            }
        }
        Map<String, String> ckMeta = new LinkedHashMap<>();
        ckMeta.put("epoch", Integer.toString(history.size()));
        ckMeta.put("train_seconds", Double.toString(trainSeconds));
        Safetensors.write(dir.resolve("checkpoint.safetensors"), ck, ckMeta);
    }

    /** Prefix of the best validation epoch's parameters in the checkpoint of a {@code --keep-best} run. */
    private static final String BEST = "best.";

    private void writeModelWeights(Map<String, Tensor> params) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("architecture", Files.readString(dir.resolve("model.json"), StandardCharsets.UTF_8).strip());
        Safetensors.write(dir.resolve("model.safetensors"), params, meta);
    }

    /** Writes the network's current parameters as model.safetensors (the checkpoint is left as it is). */
    void saveModel(Network net) throws IOException {
        checkOwner();
        writeModelWeights(values(net));
    }

    private static Map<String, Tensor> values(Network net) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (var e : net.parameters().entrySet()) {
            params.put(e.getKey(), e.getValue().value());
        }
        return params;
    }

    /**
     * The best validation epoch's parameters that the checkpoint {@link #restore} read holds (a {@code --keep-best}
     * run), or {@code null} when it holds none (no validation epoch yet, or no restore).
     */
    Map<String, Tensor> restoredBest() {
        return restoredBest.isEmpty() ? null : restoredBest;
    }

    /** Loads the checkpoint into the network and optimizer; fills {@code history}; returns the epochs done. */
    int restore(Network net, Optimizer opt, List<ObjectNode> history) throws IOException {
        Path ck = dir.resolve("checkpoint.safetensors");
        Map<String, Tensor> t = Safetensors.read(ck);
        Map<String, String> meta = Safetensors.readMetadata(ck);
        int epoch;
        try {
            epoch = Integer.parseInt(meta.getOrDefault("epoch", ""));
            previousSeconds = Double.parseDouble(meta.getOrDefault("train_seconds", "0"));
        } catch (NumberFormatException e) {
            throw new FormatException(ck, "metadata 'epoch' is missing or not a number");
        }
        if (epoch < 0) {
            throw new FormatException(ck, "metadata 'epoch' is " + epoch + ", not a count of epochs");
        }
        if (!(previousSeconds >= 0) || Double.isInfinite(previousSeconds)) {
            throw new FormatException(ck, "metadata 'train_seconds' is " + previousSeconds + ", not a duration");
        }
        loadParameters(net, t, ck);
        Map<String, Tensor> st = new LinkedHashMap<>();
        for (var e : t.entrySet()) {
            if (e.getKey().startsWith("optimizer.")) {
                st.put(e.getKey().substring("optimizer.".length()), e.getValue());
            } else if (e.getKey().startsWith(BEST)) {
                restoredBest.put(e.getKey().substring(BEST.length()), e.getValue());
            }
        }
        try {
            opt.loadState(st);
        } catch (IllegalArgumentException e) {
            throw new IOException(ck + ": " + e.getMessage());
        }
        Path metrics = dir.resolve("metrics.jsonl");
        if (Files.isRegularFile(metrics)) {
            for (ObjectNode line : JsonFiles.readObjectLines(metrics)) {
                if (history.size() < epoch) {
                    history.add(line);
                }
            }
        }
        if (history.size() < epoch) {
            throw new FormatException(ck, "the checkpoint is after epoch " + epoch + " but metrics.jsonl holds "
                    + history.size() + " epochs");
        }
        return epoch;
    }

    /** Copies the network's parameters from {@code tensors} (read from {@code src}), checking names and shapes. */
    static void loadParameters(Network net, Map<String, Tensor> tensors, Path src) throws IOException {
        for (Map.Entry<String, Parameter> e : net.parameters().entrySet()) {
            Tensor v = tensors.get(e.getKey());
            if (v == null) {
                throw new IOException(src + ": missing tensor '" + e.getKey() + "' (was the model changed?)");
            }
            if (!v.sameShape(e.getValue().value())) {
                throw new IOException(src + ": tensor '" + e.getKey() + "' has shape "
                        + java.util.Arrays.toString(v.shape()) + ", the model needs "
                        + java.util.Arrays.toString(e.getValue().value().shape()));
            }
            for (int i = 0; i < v.size(); i++) {
                if (!Float.isFinite(v.data()[i])) {
                    throw new FormatException(src, "tensor '" + e.getKey() + "' holds " + v.data()[i] + " at index "
                            + i + ": the weights are not usable");
                }
            }
            e.getValue().set(v);
        }
    }

    void writeResult(ObjectNode result) throws IOException {
        checkOwner();
        AtomicFiles.writeString(dir.resolve("result.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
    }

    void writeBytes(String name, byte[] bytes) throws IOException {
        checkOwner();
        AtomicFiles.writeAtomically(dir.resolve(name), os -> os.write(bytes));
    }
}
