package dev.surge.core.train;

import dev.surge.core.data.SampleSet;
import dev.surge.core.loss.Loss;
import dev.surge.core.loss.Regularizer;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.Network;
import dev.surge.core.optim.Optimizer;
import dev.surge.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a network for a number of epochs: learning-rate schedule, validation after every epoch, early stopping,
 * the NaN guard ({@link TrainingDivergedException}), the memory check, listeners for progress, metrics and
 * checkpoints, and resuming where an earlier run stopped. The per-batch work (chunks on threads, the learning rule,
 * gradient sums in a fixed order, clipping, the optimizer step) is {@link Trainer}'s.
 *
 * <pre>{@code
 * try (Training training = new Training(net, Adam.adam(params, 5e-3f))
 *         .loss(new Loss.CeMaxMembrane()).epochs(60).batchSize(32).schedule(new Schedule.Cosine())) {
 *     Training.Result r = training.fit(train, validation);
 *     Trainer.Stats test = training.evaluate(testSet);
 * }
 * }</pre>
 *
 * <p>Order of use: configure, {@link #fit} once, {@link #evaluate} as often as needed, {@link #close}. The same
 * seed, thread count and data give the same weights bit for bit, also across a {@link #resume}.
 */
public final class Training implements AutoCloseable {
    /** Why {@link #fit} returned. */
    public enum Stop {
        /** every epoch ran */
        COMPLETED,
        /** {@link #patience} epochs passed without a better validation accuracy */
        EARLY_STOP,
        /** {@link #stopAfter} epochs in total ran */
        STOPPED_AFTER
    }

    /**
     * The outcome of {@link #fit}.
     *
     * @param history               every epoch's report in this call
     * @param stop                  why it ended
     * @param bestValidationAccuracy the best validation accuracy of the run (resumed epochs included), or −1
     * @param bestEpoch             the epoch (1-based, resumed epochs included) of that accuracy, or 0
     * @param epochs                epochs the run has trained in total
     * @param trainSeconds          training time of the run so far
     */
    public record Result(List<TrainingListener.EpochReport> history, Stop stop, double bestValidationAccuracy,
                         int bestEpoch, int epochs, double trainSeconds) {
    }

    private final Network net;
    private final Optimizer optimizer;
    private Loss loss = new Loss.CeMaxMembrane();
    private List<Regularizer> regularizers = List.of();
    private LearningRule rule = LearningRule.bptt();
    private Schedule schedule = new Schedule.Constant();
    private Backend backend = Backend.FUSED;
    private int epochs = 10;
    private int batchSize = 32;
    private long seed = 1;
    private int threads = 1;
    private float clip = 0;
    private int patience = 0;
    private int stopAfter = 0;
    private String batchOption = "batchSize";
    private float baseLearningRate = Float.NaN;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private List<Double> resumedValidation = List.of();
    private double previousSeconds = 0;
    private boolean keepBest = false;
    private Map<String, Tensor> best = null;
    private Trainer trainer;

    /** Training of {@code net} by {@code optimizer}, whose learning rate is the schedule's base rate. */
    public Training(Network net, Optimizer optimizer) {
        if (net == null || optimizer == null) {
            throw new IllegalArgumentException("training: network and optimizer are required");
        }
        this.net = net;
        this.optimizer = optimizer;
    }

    public Training loss(Loss l) {
        loss = l;
        return this;
    }

    /** Regularisers added to the loss (e.g. {@code Regularizer.Homeostasis} on a spiking layer). */
    public Training regularizers(List<Regularizer> r) {
        regularizers = List.copyOf(r);
        return this;
    }

    /** How gradients are obtained; {@link LearningRule#bptt()} by default. */
    public Training rule(LearningRule r) {
        rule = r;
        return this;
    }

    /** The learning rate of each epoch as a function of the optimizer's initial rate; constant by default. */
    public Training schedule(Schedule s) {
        schedule = s;
        return this;
    }

    public Training backend(Backend b) {
        backend = b;
        return this;
    }

    /** The base rate the schedule scales; the optimizer's rate when {@link #fit} starts, unless set. */
    public Training learningRate(float base) {
        baseLearningRate = base;
        return this;
    }

    /** Epochs in total (10 by default). */
    public Training epochs(int n) {
        epochs = n;
        return this;
    }

    public Training batchSize(int n) {
        batchSize = n;
        return this;
    }

    /** Seed of the sample order, the encoders' randomness and the forward pass's random stream. */
    public Training seed(long s) {
        seed = s;
        return this;
    }

    /** Threads that split each batch (1 by default); results depend on the count, not on scheduling. */
    public Training threads(int n) {
        threads = n;
        return this;
    }

    /** Global gradient-norm clip; 0 (the default) for none. */
    public Training clip(float maxNorm) {
        clip = maxNorm;
        return this;
    }

    /** Stop after this many epochs without a better validation accuracy; 0 (the default) never. */
    public Training patience(int epochsWithoutGain) {
        patience = epochsWithoutGain;
        return this;
    }

    /** Stop once this many epochs in total have run (to continue later); 0 (the default) for no such stop. */
    public Training stopAfter(int totalEpochs) {
        stopAfter = totalEpochs;
        return this;
    }

    /** The name of the batch-size setting in the memory check's advice (a command-line option, say). */
    public Training batchSizeName(String name) {
        batchOption = name;
        return this;
    }

    /**
     * When {@code true}, {@link #fit} ends with the network holding the parameters of the epoch with the best
     * validation accuracy (the first such epoch) instead of the last epoch's; the optimizer state stays the last
     * epoch's, so a {@link #resume} continues from the last epoch. Needs a validation set.
     */
    public Training keepBest(boolean on) {
        keepBest = on;
        return this;
    }

    /**
     * The parameters (by name, copies) of the best validation epoch so far, or {@code null} before one; kept only
     * with {@link #keepBest}. A listener's {@code epochDone} sees the epoch it reports already counted.
     */
    public Map<String, Tensor> bestParameters() {
        return best == null ? null : Collections.unmodifiableMap(best);
    }

    public Training listener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /**
     * Continue a run whose parameters and optimizer state the caller has restored: it trained
     * {@code validationAccuracies.size()} epochs with those validation accuracies (for early stopping) in
     * {@code seconds} seconds.
     */
    public Training resume(List<Double> validationAccuracies, double seconds) {
        resumedValidation = List.copyOf(validationAccuracies);
        previousSeconds = seconds;
        return this;
    }

    /**
     * With {@link #keepBest} and {@link #resume}: the parameters of the best validation epoch among the resumed ones
     * (as {@link #bestParameters} gave them), so that the best is still known after the resume.
     */
    public Training resumeBest(Map<String, Tensor> parameters) {
        best = parameters == null ? null : copyOf(parameters);
        return this;
    }

    private static Map<String, Tensor> copyOf(Map<String, Tensor> p) {
        Map<String, Tensor> c = new LinkedHashMap<>();
        for (var e : p.entrySet()) {
            c.put(e.getKey(), e.getValue().copy());
        }
        return c;
    }

    private Map<String, Tensor> snapshot() {
        Map<String, Tensor> c = new LinkedHashMap<>();
        for (var e : net.parameters().entrySet()) {
            c.put(e.getKey(), e.getValue().value().copy());
        }
        return c;
    }

    /** The trainer behind this training, created on first use. */
    public Trainer trainer() {
        if (trainer == null) {
            trainer = new Trainer(net, optimizer, new Trainer.Config(batchSize, seed, threads, backend, loss,
                    regularizers, clip, rule));
        }
        return trainer;
    }

    /**
     * Trains on {@code train}, validating on {@code validation} (may be null) after every epoch.
     *
     * @throws TrainingDivergedException at the first NaN or infinity, naming where; the listeners have seen every
     *                                   epoch before it
     * @throws IllegalArgumentException  when the run would not fit the heap ({@link MemoryModel}), or the data do
     *                                   not fit the network
     */
    public Result fit(SampleSet train, SampleSet validation) {
        if (epochs <= 0) {
            throw new IllegalArgumentException("training: epochs must be positive, got " + epochs);
        }
        if (train.size() == 0) {
            throw new IllegalArgumentException("training: the training set is empty");
        }
        MemoryModel.require(rule.bytesPerSample(net, train.steps(), MemoryModel.inputBytesPerSample(train)),
                MemoryModel.parameters(net), Math.min(batchSize, train.size()), threads, batchOption);
        if (patience > 0 && validation == null) {
            throw new IllegalArgumentException("training: early stopping (patience " + patience
                    + ") needs a validation set");
        }
        if (keepBest && validation == null) {
            throw new IllegalArgumentException("training: keeping the best epoch needs a validation set");
        }
        Trainer t = trainer();
        float baseLr = Float.isNaN(baseLearningRate) ? optimizer.learningRate() : baseLearningRate;
        double bestAcc = -1;
        int bestEpoch = 0;
        int sinceBest = 0;
        for (int i = 0; i < resumedValidation.size(); i++) {
            double v = resumedValidation.get(i);
            if (v > bestAcc) {
                bestAcc = v;
                bestEpoch = i + 1;
                sinceBest = 0;
            } else {
                sinceBest++;
            }
        }
        double trainSeconds = previousSeconds;
        List<TrainingListener.EpochReport> history = new ArrayList<>();
        Stop stop = Stop.COMPLETED;
        int batches = Trainer.batches(train.size(), batchSize);
        int epoch = resumedValidation.size();
        for (; epoch < epochs; epoch++) {
            if (stopAfter > 0 && epoch >= stopAfter) {
                stop = Stop.STOPPED_AFTER;
                break;
            }
            if (patience > 0 && sinceBest >= patience) {
                stop = Stop.EARLY_STOP;
                break;
            }
            optimizer.setLearningRate(schedule.lr(baseLr, epoch, epochs));
            for (TrainingListener l : listeners) {
                l.epochStarted(epoch + 1, epochs, batches);
            }
            long e0 = System.nanoTime();
            Trainer.Stats tr = t.trainEpoch(train, epoch, (b, n, lossValue, acc, rate) -> {
                for (TrainingListener l : listeners) {
                    l.batchDone(b, n, lossValue, acc, rate);
                }
            });
            double secs = (System.nanoTime() - e0) / 1e9;
            trainSeconds += secs;
            Trainer.Stats va = validation != null ? t.evaluate(validation) : null;
            TrainingListener.EpochReport report = new TrainingListener.EpochReport(epoch + 1,
                    optimizer.learningRate(), tr, va, secs, trainSeconds);
            history.add(report);
            if (va != null && va.accuracy() > bestAcc) {
                bestAcc = va.accuracy();
                bestEpoch = epoch + 1;
                sinceBest = 0;
                if (keepBest) {
                    best = snapshot();
                }
            } else {
                sinceBest++;
            }
            for (TrainingListener l : listeners) {
                l.epochDone(report);
            }
        }
        if (keepBest && best != null) {
            for (var e : net.parameters().entrySet()) {
                Tensor v = best.get(e.getKey());
                if (v == null) {
                    throw new IllegalStateException("training: the best epoch's parameters lack '" + e.getKey() + "'");
                }
                e.getValue().set(v);
            }
        }
        return new Result(List.copyOf(history), stop, bestAcc, bestEpoch, epoch, trainSeconds);
    }

    /** Loss, accuracy, spike rates and synaptic operations on {@code data}, without training. */
    public Trainer.Stats evaluate(SampleSet data) {
        return trainer().evaluate(data);
    }

    @Override
    public void close() {
        if (trainer != null) {
            trainer.close();
        }
    }
}
