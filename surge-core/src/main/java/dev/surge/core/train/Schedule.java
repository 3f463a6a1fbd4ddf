package dev.surge.core.train;

import java.util.Locale;

/** Learning rate per epoch {@code e = 0..E-1} from the base rate. */
public sealed interface Schedule {
    float lr(float base, int epoch, int epochs);

    String describe();

    /** The same rate throughout. */
    record Constant() implements Schedule {
        @Override
        public float lr(float base, int epoch, int epochs) {
            return base;
        }

        @Override
        public String describe() {
            return "constant";
        }
    }

    /** {@code base·(1 + cos(π·e/E))/2}. */
    record Cosine() implements Schedule {
        @Override
        public float lr(float base, int epoch, int epochs) {
            return (float) (base * 0.5 * (1 + Math.cos(Math.PI * epoch / Math.max(1, epochs))));
        }

        @Override
        public String describe() {
            return "cosine";
        }
    }

    /** {@code base·gamma^⌊e/every⌋}. */
    record Step(int every, float gamma) implements Schedule {
        public Step {
            if (every <= 0 || !(gamma > 0)) {
                throw new IllegalArgumentException("step schedule needs every > 0 and gamma > 0");
            }
        }

        @Override
        public float lr(float base, int epoch, int epochs) {
            return (float) (base * Math.pow(gamma, epoch / every));
        }

        @Override
        public String describe() {
            return "step:" + every + ":" + gamma;
        }
    }

    /** {@code constant}, {@code cosine}, or {@code step:EVERY:GAMMA} (default step:10:0.5). */
    static Schedule parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("constant") || t.equals("none")) {
            return new Constant();
        }
        if (t.equals("cosine")) {
            return new Cosine();
        }
        if (t.startsWith("step")) {
            String[] p = t.split(":");
            try {
                int every = p.length > 1 ? Integer.parseInt(p[1]) : 10;
                float gamma = p.length > 2 ? Float.parseFloat(p[2]) : 0.5f;
                return new Step(every, gamma);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("schedule '" + s + "': expected step:EVERY:GAMMA");
            }
        }
        throw new IllegalArgumentException("unknown schedule '" + s + "'; known: constant, cosine, step:EVERY:GAMMA");
    }
}
