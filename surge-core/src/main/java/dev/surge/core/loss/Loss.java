package dev.surge.core.loss;

import dev.surge.core.autograd.Var;
import dev.surge.core.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Losses on the last layer's output {@code out [T, B, C]}, averaged over the batch unless said otherwise.
 *
 * <ul>
 *   <li>{@code ce_max_membrane}: cross-entropy of {@code max_t out_t};</li>
 *   <li>{@code ce_mean_membrane}: cross-entropy of {@code mean_t out_t};</li>
 *   <li>{@code ce_last_membrane}: cross-entropy of the mean of {@code out_t} over the last {@code window} steps (all
 *       of them when T is shorter): a decision read at the end of a trial, after a delay;</li>
 *   <li>{@code ce_count}: cross-entropy of the spike counts {@code Σ_t out_t};</li>
 *   <li>{@code mse_count}: mean over {@code [B, C]} of {@code (Σ_t out_t − target)²}, target {@code on_rate·T} for
 *       the true class and {@code off_rate·T} for the others;</li>
 *   <li>{@code ce_first_spike}: cross-entropy of {@code −t_first}, where {@code f_t = s_t·Π_{t'<t}(1 − s_{t'})} and
 *       {@code t_first = Σ_t (t+1)·f_t + (T+1)·Π_t(1 − s_t)} (differentiable through the spikes);</li>
 *   <li>{@code temporal_margin}: mean over the batch and the C−1 wrong classes k of
 *       {@code relu(t_first[y] − t_first[k] + margin)};</li>
 *   <li>{@code van_rossum}: {@code d_t = γ·d_{t−1} + (out_t − target_t)}, loss {@code Σ_t Σ d_t² / (T·B·C)}.</li>
 * </ul>
 */
public sealed interface Loss {

    /** The scalar loss. */
    Var apply(Var out, Targets targets);

    /**
     * Each sample's loss {@code [B]}, whose mean over the batch is {@link #apply}: what a score-function estimator
     * weights each sample's log-probability by, and what an exact expectation sums per spike pattern.
     */
    Var perSample(Var out, Targets targets);

    /** The name used in configs and case files. */
    String name();

    List<String> NAMES = List.of("ce_max_membrane", "ce_mean_membrane", "ce_last_membrane", "ce_count", "mse_count",
            "ce_first_spike", "temporal_margin", "van_rossum");

    record CeMaxMembrane() implements Loss {
        @Override
        public Var apply(Var out, Targets y) {
            return out.max(0, false).crossEntropy(y.classes());
        }

        @Override
        public Var perSample(Var out, Targets y) {
            return crossEntropyRows(out.max(0, false), y.classes());
        }

        @Override
        public String name() {
            return "ce_max_membrane";
        }
    }

    record CeLastMembrane(int window) implements Loss {
        public CeLastMembrane {
            if (window <= 0) {
                throw new IllegalArgumentException("ce_last_membrane: window must be a positive number of steps, got "
                        + window);
            }
        }

        /** The steps read: the last {@code window} of {@code steps}. */
        public int from(int steps) {
            return Math.max(0, steps - window);
        }

        @Override
        public Var apply(Var out, Targets y) {
            return last(out).crossEntropy(y.classes());
        }

        @Override
        public Var perSample(Var out, Targets y) {
            return crossEntropyRows(last(out), y.classes());
        }

        private Var last(Var out) {
            int steps = out.dim(0);
            return out.slice(0, from(steps), steps).mean(0, false);
        }

        @Override
        public String name() {
            return "ce_last_membrane";
        }
    }

    record CeMeanMembrane() implements Loss {
        @Override
        public Var apply(Var out, Targets y) {
            return out.mean(0, false).crossEntropy(y.classes());
        }

        @Override
        public Var perSample(Var out, Targets y) {
            return crossEntropyRows(out.mean(0, false), y.classes());
        }

        @Override
        public String name() {
            return "ce_mean_membrane";
        }
    }

    record CeCount() implements Loss {
        @Override
        public Var apply(Var out, Targets y) {
            return out.sum(0, false).crossEntropy(y.classes());
        }

        @Override
        public Var perSample(Var out, Targets y) {
            return crossEntropyRows(out.sum(0, false), y.classes());
        }

        @Override
        public String name() {
            return "ce_count";
        }
    }

    record MseCount(float onRate, float offRate) implements Loss {
        @Override
        public Var apply(Var out, Targets y) {
            return errors(out, y).mean();
        }

        @Override
        public Var perSample(Var out, Targets y) {
            return errors(out, y).mean(1, false);
        }

        private Var errors(Var out, Targets y) {
            int[] sh = out.shape();
            int b = sh[1];
            int c = sh[2];
            Tensor target = Tensor.full(offRate * sh[0], b, c);
            int[] cls = y.classes();
            checkClasses(cls, b, c);
            for (int i = 0; i < b; i++) {
                target.data()[i * c + cls[i]] = onRate * sh[0];
            }
            return out.sum(0, false).sub(out.tape().constant(target)).square();
        }

        @Override
        public String name() {
            return "mse_count";
        }
    }

    record CeFirstSpike() implements Loss {
        @Override
        public Var apply(Var out, Targets y) {
            return firstSpikeTimes(out).neg().crossEntropy(y.classes());
        }

        @Override
        public Var perSample(Var out, Targets y) {
            return crossEntropyRows(firstSpikeTimes(out).neg(), y.classes());
        }

        @Override
        public String name() {
            return "ce_first_spike";
        }
    }

    record TemporalMargin(float margin) implements Loss {
        @Override
        public Var apply(Var out, Targets y) {
            Var hinge = hinges(out, y);
            int[] sh = hinge.shape();
            return hinge.sum().mul(1f / (sh[0] * (sh[1] - 1)));
        }

        @Override
        public Var perSample(Var out, Targets y) {
            Var hinge = hinges(out, y);
            return hinge.sum(1, false).mul(1f / (hinge.shape()[1] - 1));
        }

        /** {@code relu(t_first[y] − t_first[k] + margin)} for the wrong classes, 0 for the right one: {@code [B, C]}. */
        private Var hinges(Var out, Targets y) {
            Var tf = firstSpikeTimes(out);
            int[] sh = tf.shape();
            int b = sh[0];
            int c = sh[1];
            if (c < 2) {
                throw new IllegalArgumentException("temporal_margin needs at least 2 classes, got " + c);
            }
            int[] cls = y.classes();
            checkClasses(cls, b, c);
            Tensor onehot = Tensor.zeros(b, c);
            Tensor wrong = Tensor.ones(b, c);
            for (int i = 0; i < b; i++) {
                onehot.data()[i * c + cls[i]] = 1f;
                wrong.data()[i * c + cls[i]] = 0f;
            }
            var tape = out.tape();
            Var right = tf.mul(tape.constant(onehot)).sum(1, true);
            return right.sub(tf).add(margin).relu().mul(tape.constant(wrong));
        }

        @Override
        public String name() {
            return "temporal_margin";
        }
    }

    record VanRossum(float gamma) implements Loss {
        @Override
        public Var apply(Var out, Targets y) {
            int[] sh = out.shape();
            check(out, y);
            Var diff = out.sub(out.tape().constant(y.spikes()));
            Var d = null;
            Var total = null;
            for (int t = 0; t < sh[0]; t++) {
                Var e = diff.select(0, t);
                d = d == null ? e : d.mul(gamma).add(e);
                Var sq = d.square().sum();
                total = total == null ? sq : total.add(sq);
            }
            return total.mul(1f / ((float) sh[0] * sh[1] * sh[2]));
        }

        @Override
        public Var perSample(Var out, Targets y) {
            int[] sh = out.shape();
            return squaredTraces(out, y).sum(1, false).mul(1f / ((float) sh[0] * sh[2]));
        }

        private static void check(Var out, Targets y) {
            int[] sh = out.shape();
            if (y.spikes() == null) {
                throw new IllegalArgumentException("van_rossum needs target spikes of shape " + Arrays.toString(sh));
            }
            if (!Arrays.equals(y.spikes().shape(), sh)) {
                throw new IllegalArgumentException("van_rossum: target spikes " + Arrays.toString(y.spikes().shape())
                        + " do not match the output " + Arrays.toString(sh));
            }
        }

        /** {@code Σ_t d_t²} per sample and channel, {@code [B, C]}. */
        private Var squaredTraces(Var out, Targets y) {
            int[] sh = out.shape();
            check(out, y);
            Var diff = out.sub(out.tape().constant(y.spikes()));
            Var d = null;
            Var total = null;
            for (int t = 0; t < sh[0]; t++) {
                Var e = diff.select(0, t);
                d = d == null ? e : d.mul(gamma).add(e);
                Var sq = d.square();
                total = total == null ? sq : total.add(sq);
            }
            return total;
        }

        @Override
        public String name() {
            return "van_rossum";
        }
    }

    /**
     * First-spike times {@code [B, C]} of spikes {@code [T, B, C]}:
     * {@code t_first = Σ_t (t+1)·s_t·Π_{t'<t}(1 − s_{t'}) + (T+1)·Π_t(1 − s_t)}.
     */
    static Var firstSpikeTimes(Var s) {
        int steps = s.shape()[0];
        Var notYet = null;
        Var acc = null;
        for (int t = 0; t < steps; t++) {
            Var st = s.select(0, t);
            Var f = notYet == null ? st : st.mul(notYet);
            Var term = f.mul((float) (t + 1));
            acc = acc == null ? term : acc.add(term);
            Var silent = st.rsub(1f);
            notYet = notYet == null ? silent : notYet.mul(silent);
        }
        return acc.add(notYet.mul((float) (steps + 1)));
    }

    /** Cross-entropy of each row of {@code logits [B, C]} against its class: {@code [B]}. */
    private static Var crossEntropyRows(Var logits, int[] cls) {
        int[] sh = logits.shape();
        checkClasses(cls, sh[0], sh[1]);
        Tensor onehot = Tensor.zeros(sh[0], sh[1]);
        for (int i = 0; i < sh[0]; i++) {
            onehot.data()[i * sh[1] + cls[i]] = 1f;
        }
        return logits.logSoftmax(1).mul(logits.tape().constant(onehot)).sum(1, false).neg();
    }

    private static void checkClasses(int[] cls, int b, int c) {
        if (cls.length != b) {
            throw new IllegalArgumentException(cls.length + " targets for a batch of " + b);
        }
        for (int k : cls) {
            if (k < 0 || k >= c) {
                throw new IllegalArgumentException("target class " + k + " outside 0.." + (c - 1));
            }
        }
    }

    /**
     * A loss by name with its parameters ({@code on_rate}, {@code off_rate}, {@code margin}, {@code gamma},
     * {@code window}).
     */
    static Loss of(String name, java.util.function.ToDoubleFunction<String> param) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "ce_max_membrane" -> new CeMaxMembrane();
            case "ce_mean_membrane" -> new CeMeanMembrane();
            case "ce_last_membrane" -> {
                double w = param.applyAsDouble("window");
                if (!(w >= 1) || w != Math.rint(w) || w > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("ce_last_membrane: window must be a positive whole number of "
                            + "steps, got " + w);
                }
                yield new CeLastMembrane((int) w);
            }
            case "ce_count" -> new CeCount();
            case "mse_count" -> new MseCount((float) param.applyAsDouble("on_rate"),
                    (float) param.applyAsDouble("off_rate"));
            case "ce_first_spike" -> new CeFirstSpike();
            case "temporal_margin" -> new TemporalMargin((float) param.applyAsDouble("margin"));
            case "van_rossum" -> new VanRossum((float) param.applyAsDouble("gamma"));
            default -> throw new IllegalArgumentException("unknown loss '" + name + "'; known: "
                    + String.join(", ", NAMES));
        };
    }

}
