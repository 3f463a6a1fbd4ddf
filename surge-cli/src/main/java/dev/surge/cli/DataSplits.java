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

    static final java.util.List<String> NAMES = java.util.List.of("randman", "fashion-mnist", "mnist", "shd", "ssc",
            "nmnist");

    /** Default T per dataset. */
    static int defaultSteps(String dataset, String encoding) {
        if (encoding != null && encoding.equals("delta")) {
            return 28;
        }
        return switch (dataset) {
            case "fashion-mnist", "mnist" -> 25;
            default -> 100;
        };
    }

    static DataSplits load(String dataset, int steps, String encoding, Path dataDir, boolean download,
                           long dataSeed, Consumer<String> log) throws IOException {
        switch (dataset) {
            case "randman" -> {
                if (encoding != null) {
                    throw new IllegalArgumentException("--encoding does not apply to randman (its spikes are the data)");
                }
                EventSampleSet all = Randman.generate(new Randman.Config(10, 20, steps, 1, 2.0, 1000, 1, dataSeed));
                int n = all.size();
                int nTrain = n * 8 / 10;
                int nVal = n / 10;
                return new DataSplits(dataset, all.subset(range(0, nTrain)), all.subset(range(nTrain, nTrain + nVal)),
                        all.subset(range(nTrain + nVal, n)));
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
            case "shd", "ssc", "nmnist" -> throw new IllegalArgumentException("--dataset " + dataset
                    + ": the reader is not wired into 'surge train' yet");
            default -> throw new IllegalArgumentException("unknown dataset '" + dataset + "'; known: "
                    + String.join(", ", NAMES));
        }
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }
}
