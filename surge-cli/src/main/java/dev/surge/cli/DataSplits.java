package dev.surge.cli;

import dev.surge.core.data.EventSampleSet;
import dev.surge.core.data.SampleSet;
import dev.surge.data.Encoder;
import dev.surge.data.ImageSampleSet;
import dev.surge.data.MnistLike;
import dev.surge.data.Randman;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Train, validation and test sets of a named dataset. */
record DataSplits(String name, SampleSet train, SampleSet validation, SampleSet test) {

    static final java.util.List<String> NAMES = java.util.List.of("randman", "evidence", "race", "pattern",
            "fashion-mnist", "mnist", "shd", "ssc", "nmnist");


    /** Default T per dataset. */
    static int defaultSteps(String dataset, String encoding) {
        if (encoding != null && encoding.equals("delta")) {
            return 28;
        }
        return switch (dataset) {
            case "fashion-mnist", "mnist" -> 25;
            case "evidence" -> 2250;
            case "race" -> 50;
            default -> 100;
        };
    }

    /**
     * Canonical text of Randman parameters ({@code classes=10,units=20,dim=1,alpha=2.0,samples=1000,spikes=1}) from
     * {@code --randman} entries over the defaults.
     */
    static String randmanSpec(java.util.Map<String, String> given) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("classes", "10");
        m.put("units", "20");
        m.put("dim", "1");
        m.put("alpha", "2.0");
        m.put("samples", "1000");
        m.put("spikes", "1");
        if (given != null) {
            for (var e : given.entrySet()) {
                if (!m.containsKey(e.getKey())) {
                    throw new IllegalArgumentException("--randman: unknown key '" + e.getKey() + "'; known: "
                            + String.join(", ", m.keySet()));
                }
                m.put(e.getKey(), e.getValue());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (var e : m.entrySet()) {
            sb.append(sb.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
        }
        randmanConfig(sb.toString(), 1, 0); // validates
        return sb.toString();
    }

    /**
     * Canonical text of the evidence task's parameters ({@code cues=7,cue=100,gap=50,recall=150,rate=0.04,noise=0.01,
     * samples=2048,validation=256,test=1024}) from {@code --evidence} entries over the defaults.
     */
    static String evidenceSpec(java.util.Map<String, String> given) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("cues", "7");
        m.put("cue", "100");
        m.put("gap", "50");
        m.put("recall", "150");
        m.put("rate", "0.04");
        m.put("noise", "0.01");
        m.put("samples", "2048");
        m.put("validation", "256");
        m.put("test", "1024");
        if (given != null) {
            for (var e : given.entrySet()) {
                if (!m.containsKey(e.getKey())) {
                    throw new IllegalArgumentException("--evidence: unknown key '" + e.getKey() + "'; known: "
                            + String.join(", ", m.keySet()));
                }
                m.put(e.getKey(), e.getValue());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (var e : m.entrySet()) {
            sb.append(sb.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
        }
        evidenceConfig(sb.toString(), Integer.MAX_VALUE, 0); // validates
        return sb.toString();
    }

    /** The evidence task of {@code spec} at T = {@code steps}; a bad value is one line naming it. */
    static dev.surge.data.Evidence.Config evidenceConfig(String spec, int steps, long seed) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        for (String kv : spec.split(",")) {
            String[] p = kv.split("=", 2);
            m.put(p[0], p.length > 1 ? p[1] : "");
        }
        try {
            for (String k : java.util.List.of("validation", "test")) {
                if (m.containsKey(k) && Integer.parseInt(m.get(k)) <= 0) {
                    throw new IllegalArgumentException("--evidence: " + k + " must be a positive number of samples");
                }
            }
            return new dev.surge.data.Evidence.Config(Integer.parseInt(m.get("cues")), Integer.parseInt(m.get("cue")),
                    Integer.parseInt(m.get("gap")), Integer.parseInt(m.get("recall")), steps,
                    Double.parseDouble(m.get("rate")), Double.parseDouble(m.get("noise")),
                    Integer.parseInt(m.get("samples")), seed);
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("--evidence " + spec + ": every value must be a number (cues, cue, "
                    + "gap, recall and samples whole)");
        }
    }

    /**
     * Canonical text of the race's parameters ({@code channels=2,rate=0.1,gap=0.8,samples=2048,validation=256,
     * test=1024}) from {@code --race} entries over the defaults.
     */
    static String raceSpec(java.util.Map<String, String> given) {
        String spec = merge("--race", "channels=2,rate=0.1,gap=0.8,samples=2048,validation=256,test=1024", given);
        raceConfig(spec, 1, 0); // validates
        return spec;
    }

    /**
     * {@code defaults} ({@code k=v,...}) with the {@code given} entries of {@code option} in place of theirs, in the
     * defaults' order; an unknown key is one line naming it.
     */
    private static String merge(String option, String defaults, java.util.Map<String, String> given) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String kv : defaults.split(",")) {
            String[] p = kv.split("=", 2);
            m.put(p[0], p[1]);
        }
        if (given != null) {
            for (var e : given.entrySet()) {
                if (!m.containsKey(e.getKey())) {
                    throw new IllegalArgumentException(option + ": unknown key '" + e.getKey() + "'; known: "
                            + String.join(", ", m.keySet()));
                }
                m.put(e.getKey(), e.getValue());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (var e : m.entrySet()) {
            sb.append(sb.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    /**
     * Canonical text of the pattern task's parameters ({@code inputs=50,rate=0.05,noise=0.002,samples=256,
     * validation=32,test=64,target=builtin}) from {@code --pattern} entries and {@code --target} (a raster file,
     * stored by its absolute path) over the defaults.
     */
    static String patternSpec(java.util.Map<String, String> given, Path target) {
        java.util.Map<String, String> g = given == null ? new java.util.HashMap<>() : new java.util.HashMap<>(given);
        if (g.containsKey("target")) {
            throw new IllegalArgumentException("--pattern: give the target raster with --target FILE");
        }
        if (target != null) {
            String abs = target.toAbsolutePath().normalize().toString();
            if (abs.contains(",") || abs.contains("=")) {
                throw new IllegalArgumentException("--target " + target + ": the path may not contain ',' or '='");
            }
            g.put("target", abs);
        }
        return merge("--pattern", "inputs=50,rate=0.05,noise=0.002,samples=256,validation=32,test=64,target=builtin",
                g);
    }

    /** The target raster of a pattern spec: the built-in one or the file's. */
    static dev.surge.data.Pattern.Raster patternTarget(String spec) throws IOException {
        String target = keys(spec).get("target");
        return target == null || target.equals("builtin") ? dev.surge.data.Pattern.builtin()
                : dev.surge.data.Pattern.read(Path.of(target));
    }

    /** The pattern task of {@code spec} with the raster {@code target}; a bad value is one line naming it. */
    static dev.surge.data.Pattern.Config patternConfig(String spec, dev.surge.data.Pattern.Raster target, long seed) {
        java.util.Map<String, String> m = keys(spec);
        try {
            for (String k : java.util.List.of("validation", "test")) {
                if (Integer.parseInt(m.get(k)) <= 0) {
                    throw new IllegalArgumentException("--pattern: " + k + " must be a positive number of samples");
                }
            }
            return new dev.surge.data.Pattern.Config(target, Integer.parseInt(m.get("inputs")),
                    Double.parseDouble(m.get("rate")), Double.parseDouble(m.get("noise")),
                    Integer.parseInt(m.get("samples")), seed, seed);
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("--pattern " + spec + ": inputs, rate, noise and the sizes must be "
                    + "numbers (inputs and the sizes whole)");
        }
    }

    /** The race of {@code spec} at T = {@code steps}, with its validation and test sizes. */
    static dev.surge.data.Race.Config raceConfig(String spec, int steps, long seed) {
        java.util.Map<String, String> m = keys(spec);
        try {
            for (String k : java.util.List.of("validation", "test")) {
                if (Integer.parseInt(m.get(k)) <= 0) {
                    throw new IllegalArgumentException("--race: " + k + " must be a positive number of samples");
                }
            }
            return new dev.surge.data.Race.Config(Integer.parseInt(m.get("channels")), steps,
                    Double.parseDouble(m.get("rate")), Double.parseDouble(m.get("gap")),
                    Integer.parseInt(m.get("samples")), seed);
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("--race " + spec + ": every value must be a number (channels and the "
                    + "sizes whole)");
        }
    }

    private static java.util.Map<String, String> keys(String spec) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        for (String kv : spec.split(",")) {
            String[] p = kv.split("=", 2);
            m.put(p[0], p.length > 1 ? p[1] : "");
        }
        return m;
    }

    static dev.surge.data.Randman.Config randmanConfig(String spec, int steps, long seed) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        for (String kv : spec.split(",")) {
            String[] p = kv.split("=", 2);
            m.put(p[0], p.length > 1 ? p[1] : "");
        }
        try {
            return new dev.surge.data.Randman.Config(Integer.parseInt(m.get("classes")), Integer.parseInt(m.get("units")),
                    steps, Integer.parseInt(m.get("dim")), Double.parseDouble(m.get("alpha")),
                    Integer.parseInt(m.get("samples")), Integer.parseInt(m.get("spikes")), seed);
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("--randman " + spec + ": every value must be a number");
        }
    }

    static DataSplits load(String dataset, int steps, String encoding, Path dataDir, boolean download,
                           long dataSeed, String generator, Consumer<String> log) throws IOException {
        switch (dataset) {
            case "randman" -> {
                if (encoding != null) {
                    throw new IllegalArgumentException("--encoding does not apply to randman (its spikes are the data)");
                }
                Randman.Config rc = randmanConfig(generator != null ? generator : randmanSpec(null), steps, dataSeed);
                // each spike is a (step, unit) pair of ints, twice over while the set is built: refuse before
                // generating what cannot fit
                double bytes = 16.0 * rc.classes() * rc.samplesPerClass() * rc.units() * rc.spikesPerUnit();
                long max = Runtime.getRuntime().maxMemory();
                if (bytes > max / 2.0) {
                    throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                            "randman: %d classes × %d samples × %d units × %d spikes need about %.0f MiB while they "
                                    + "are generated, but the JVM may use %d MiB; use fewer, or give Java more memory",
                            rc.classes(), rc.samplesPerClass(), rc.units(), rc.spikesPerUnit(), bytes / (1 << 20),
                            max >> 20));
                }
                EventSampleSet all = Randman.generate(rc);
                int n = all.size();
                int nTrain = n * 8 / 10;
                int nVal = n / 10;
                return new DataSplits(dataset, all.subset(range(0, nTrain)), all.subset(range(nTrain, nTrain + nVal)),
                        all.subset(range(nTrain + nVal, n)));
            }
            case "evidence" -> {
                if (encoding != null) {
                    throw new IllegalArgumentException("--encoding does not apply to evidence (its spikes are the data)");
                }
                dev.surge.data.Evidence.Config ec = evidenceConfig(generator != null ? generator : evidenceSpec(null),
                        steps, dataSeed);
                java.util.Map<String, String> keys = new java.util.HashMap<>();
                for (String kv : (generator != null ? generator : evidenceSpec(null)).split(",")) {
                    String[] p = kv.split("=", 2);
                    keys.put(p[0], p.length > 1 ? p[1] : "");
                }
                return new DataSplits(dataset, dev.surge.data.Evidence.generate(ec),
                        dev.surge.data.Evidence.generate(ec.with(Integer.parseInt(keys.get("validation")), dataSeed + 1)),
                        dev.surge.data.Evidence.generate(ec.with(Integer.parseInt(keys.get("test")), dataSeed + 2)));
            }
            case "race" -> {
                if (encoding != null) {
                    throw new IllegalArgumentException("--encoding does not apply to race (its spikes are the data)");
                }
                String spec = generator != null ? generator : raceSpec(null);
                dev.surge.data.Race.Config rc = raceConfig(spec, steps, dataSeed);
                java.util.Map<String, String> k = keys(spec);
                return new DataSplits(dataset, dev.surge.data.Race.generate(rc),
                        dev.surge.data.Race.generate(rc.with(Integer.parseInt(k.get("validation")), dataSeed + 1)),
                        dev.surge.data.Race.generate(rc.with(Integer.parseInt(k.get("test")), dataSeed + 2)));
            }
            case "pattern" -> {
                if (encoding != null) {
                    throw new IllegalArgumentException("--encoding does not apply to pattern (its spikes are the data)");
                }
                String spec = generator != null ? generator : patternSpec(null, null);
                dev.surge.data.Pattern.Raster target = patternTarget(spec);
                if (steps != target.steps()) {
                    throw new IllegalArgumentException("pattern: the target raster has " + target.steps()
                            + " steps but the run has " + steps + " (--time-steps)");
                }
                dev.surge.data.Pattern.Config pc = patternConfig(spec, target, dataSeed);
                java.util.Map<String, String> k = keys(spec);
                return new DataSplits(dataset, dev.surge.data.Pattern.generate(pc),
                        dev.surge.data.Pattern.generate(pc.with(Integer.parseInt(k.get("validation")), dataSeed + 1)),
                        dev.surge.data.Pattern.generate(pc.with(Integer.parseInt(k.get("test")), dataSeed + 2)));
            }
            case "fashion-mnist", "mnist" -> {
                MnistLike kind = MnistLike.parse(dataset);
                Path dir = kind.locate(dataDir, download, log);
                MnistLike.Split tr = MnistLike.load(dir, true);
                MnistLike.Split te = MnistLike.load(dir, false);
                Encoder enc = Encoder.parse(encoding == null ? "rate" : encoding);
                int width = tr.images().cols();
                ImageSampleSet train = new ImageSampleSet(tr.images().pixels(), tr.labels(), 10, width, steps, enc);
                ImageSampleSet test = new ImageSampleSet(te.images().pixels(), te.labels(), 10, width, steps, enc);
                int n = train.size();
                int nVal = Math.min(5000, n / 10);
                return new DataSplits(dataset, train.subset(range(0, n - nVal)), train.subset(range(n - nVal, n)), test);
            }
            case "shd", "ssc" -> {
                if (encoding != null) {
                    throw new IllegalArgumentException("--encoding does not apply to " + dataset + " (its spikes are the data)");
                }
                Path trainFile = findFile(dataset, dataset + "_train.h5", dataDir);
                Path testFile = findFile(dataset, dataset + "_test.h5", dataDir);
                int classes = dataset.equals("shd") ? dev.surge.data.ShdReader.SHD_CLASSES
                        : dev.surge.data.ShdReader.SSC_CLASSES;
                log.accept("reading " + trainFile);
                EventSampleSet train = dev.surge.data.ShdReader.read(trainFile, steps,
                        dev.surge.data.ShdReader.DEFAULT_MAX_TIME, dev.surge.data.ShdReader.UNITS, classes, 0);
                EventSampleSet test = dev.surge.data.ShdReader.read(testFile, steps,
                        dev.surge.data.ShdReader.DEFAULT_MAX_TIME, dev.surge.data.ShdReader.UNITS, classes, 0);
                Path validFile = trainFile.resolveSibling(dataset + "_valid.h5");
                if (dataset.equals("ssc") && java.nio.file.Files.isRegularFile(validFile)) {
                    return new DataSplits(dataset, train, dev.surge.data.ShdReader.read(validFile, steps,
                            dev.surge.data.ShdReader.DEFAULT_MAX_TIME, dev.surge.data.ShdReader.UNITS, classes, 0), test);
                }
                return holdOut(dataset, train, test, dataSeed);
            }
            case "nmnist" -> {
                if (encoding != null) {
                    throw new IllegalArgumentException("--encoding does not apply to nmnist (its events are the data)");
                }
                Path root = findFile("nmnist", "Train", dataDir);
                double maxMicros = 300_000;
                EventSampleSet train = dev.surge.data.NMnistReader.read(root, steps, maxMicros, 0);
                EventSampleSet test = dev.surge.data.NMnistReader.read(root.resolveSibling("Test"), steps, maxMicros, 0);
                return holdOut(dataset, train, test, dataSeed);
            }
            default -> throw new IllegalArgumentException("unknown dataset '" + dataset + "'; known: "
                    + String.join(", ", NAMES));
        }
    }

    /** A seeded 10% of the training set as validation (the source files may be ordered by class). */
    static DataSplits holdOut(String name, EventSampleSet train, EventSampleSet test, long seed) {
        int[] p = dev.surge.core.train.Trainer.permutation(seed, -1, train.size());
        int nVal = train.size() / 10;
        return new DataSplits(name, train.subset(java.util.Arrays.copyOfRange(p, nVal, p.length)),
                train.subset(java.util.Arrays.copyOfRange(p, 0, nVal)), test);
    }

    /**
     * A dataset file or folder, looked up in the data directory, {@code $SURGE_DATA}, {@code ~/.cache/surge} (each
     * as is and with the dataset's name appended).
     */
    static Path findFile(String dataset, String name, Path dataDir) throws IOException {
        java.util.List<Path> bases = new java.util.ArrayList<>();
        if (dataDir != null) {
            bases.add(dataDir); // only there: an explicit directory is where the files must be
        } else {
            String env = System.getenv("SURGE_DATA");
            if (env != null && !env.isBlank()) {
                bases.add(Path.of(env));
            }
            bases.add(Path.of(System.getProperty("user.home"), ".cache", "surge"));
        }
        java.util.List<Path> tried = new java.util.ArrayList<>();
        for (Path b : bases) {
            for (Path d : java.util.List.of(b, b.resolve(dataset))) {
                Path f = d.resolve(name);
                tried.add(f);
                if (java.nio.file.Files.exists(f)) {
                    return f;
                }
            }
        }
        String what = switch (dataset) {
            case "shd", "ssc" -> dataset + "_train.h5 and " + dataset + "_test.h5 (the Spiking Heidelberg Datasets)";
            default -> "the N-MNIST folders Train/ and Test/ (one subfolder per digit with .bin files)";
        };
        throw new dev.surge.data.DataFormatException(dataset + ": " + name + " not found; looked in "
                + String.join(", ", tried.stream().map(Path::toString).toList()) + ". Put " + what + " into "
                + Path.of(System.getProperty("user.home"), ".cache", "surge", dataset) + " or pass --data-dir DIR.");
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }
}
