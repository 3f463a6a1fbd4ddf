package dev.surge.data;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Turns a static intensity vector {@code x ∈ [0,1]^n} (an image) into an input sequence over T steps.
 *
 * <ul>
 *   <li>{@code rate}: Bernoulli spikes, {@code P(spike at t) = gain·x_i}, independent over t (seeded);</li>
 *   <li>{@code latency} (linear): one spike at {@code t = round((1 − x_i)·(T − 1))} for {@code x_i > threshold};</li>
 *   <li>{@code latency-log}: one spike at {@code t = round(τ·ln(x_i / (x_i − threshold)))} for {@code x_i > threshold}
 *       if {@code t < T} (SpyTorch's {@code current2firing_time}, τ = T/5 by default);</li>
 *   <li>{@code delta}: the image is scanned row by row (T = rows); channel {@code c} of the first half fires when
 *       pixel c rises by more than {@code threshold} from the previous row, of the second half when it falls;</li>
 *   <li>{@code direct}: the intensities themselves as a constant input current at every step.</li>
 * </ul>
 */
public sealed interface Encoder {

    /**
     * Writes the encoded sample into slot {@code slot} of a zeroed {@code [T, batch, inputs]} array.
     *
     * @param x intensities in [0, 1]
     */
    void encode(float[] x, int steps, float[] out, int slot, int batch, SplittableRandom rng);

    /** Input width produced for images of {@code pixels} values with the given row width. */
    default int inputs(int pixels, int width) {
        return pixels;
    }

    /** The time steps this encoder needs for an image with {@code rows} rows, or -1 if any T works. */
    default int requiredSteps(int rows) {
        return -1;
    }

    /** Whether encoding draws random numbers. */
    default boolean stochastic() {
        return false;
    }

    String name();

    /** Encoders by name: rate, latency, latency-log, delta, direct. */
    static Encoder parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "rate" -> new Rate(1f);
            case "latency", "latency-linear" -> new Latency(0.2f);
            case "latency-log", "log-latency" -> new LogLatency(0.2f, -1f);
            case "delta" -> new Delta(0.1f, 28);
            case "direct", "current" -> new Direct();
            default -> throw new IllegalArgumentException("unknown encoding '" + name
                    + "'; known: rate, latency, latency-log, delta, direct");
        };
    }

    /** Bernoulli rate code with {@code P = gain·x}. */
    record Rate(float gain) implements Encoder {
        @Override
        public void encode(float[] x, int steps, float[] out, int slot, int batch, SplittableRandom rng) {
            int n = x.length;
            for (int t = 0; t < steps; t++) {
                int base = (t * batch + slot) * n;
                for (int i = 0; i < n; i++) {
                    if (x[i] > 0 && rng.nextDouble() < gain * x[i]) {
                        out[base + i] = 1f;
                    }
                }
            }
        }

        @Override
        public boolean stochastic() {
            return true;
        }

        @Override
        public String name() {
            return "rate";
        }
    }

    /** One spike at {@code round((1 − x)·(T − 1))}, brighter is earlier; nothing at or below the threshold. */
    record Latency(float threshold) implements Encoder {
        @Override
        public void encode(float[] x, int steps, float[] out, int slot, int batch, SplittableRandom rng) {
            int n = x.length;
            for (int i = 0; i < n; i++) {
                if (x[i] > threshold) {
                    int t = Math.round((1f - x[i]) * (steps - 1));
                    out[(t * batch + slot) * n + i] = 1f;
                }
            }
        }

        @Override
        public String name() {
            return "latency";
        }
    }

    /** One spike at {@code round(τ·ln(x/(x − threshold)))} if before T; τ = T/5 when given as -1. */
    record LogLatency(float threshold, float tau) implements Encoder {
        @Override
        public void encode(float[] x, int steps, float[] out, int slot, int batch, SplittableRandom rng) {
            int n = x.length;
            double tu = tau > 0 ? tau : steps / 5.0;
            for (int i = 0; i < n; i++) {
                if (x[i] > threshold) {
                    long t = Math.round(tu * Math.log(x[i] / (x[i] - threshold)));
                    if (t < steps) {
                        out[((int) t * batch + slot) * n + i] = 1f;
                    }
                }
            }
        }

        @Override
        public String name() {
            return "latency-log";
        }
    }

    /** Row-scan delta modulation with ON and OFF channels; T is the number of rows. */
    record Delta(float threshold, int width) implements Encoder {
        @Override
        public void encode(float[] x, int steps, float[] out, int slot, int batch, SplittableRandom rng) {
            int rows = x.length / width;
            int n = 2 * width;
            for (int r = 0; r < Math.min(rows, steps); r++) {
                int base = (r * batch + slot) * n;
                for (int c = 0; c < width; c++) {
                    float prev = r > 0 ? x[(r - 1) * width + c] : 0f;
                    float d = x[r * width + c] - prev;
                    if (d > threshold) {
                        out[base + c] = 1f;
                    } else if (d < -threshold) {
                        out[base + width + c] = 1f;
                    }
                }
            }
        }

        @Override
        public int inputs(int pixels, int w) {
            return 2 * w;
        }

        @Override
        public int requiredSteps(int rows) {
            return rows;
        }

        @Override
        public String name() {
            return "delta";
        }
    }

    /** The intensities as a constant current at every step. */
    record Direct() implements Encoder {
        @Override
        public void encode(float[] x, int steps, float[] out, int slot, int batch, SplittableRandom rng) {
            int n = x.length;
            for (int t = 0; t < steps; t++) {
                System.arraycopy(x, 0, out, (t * batch + slot) * n, n);
            }
        }

        @Override
        public String name() {
            return "direct";
        }
    }
}
