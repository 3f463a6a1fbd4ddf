package dev.surge.core.surrogate;

import java.util.List;
import java.util.Locale;

/**
 * The derivative used in place of the Heaviside step's on the backward pass. The forward pass of a spike is
 * always {@code H(x) = 1 if x > 0 else 0}; a surrogate only decides {@code σ'(x)}.
 *
 * <p>Every family has one parameter, its scale {@code k}, with the convention of snnTorch and of the golden
 * reference cases. All families and their formulas are in this file:
 *
 * <table>
 *   <caption>surrogate derivatives</caption>
 *   <tr><th>name</th><th>σ'(x)</th></tr>
 *   <tr><td>sigmoid</td><td>k·sig(kx)·(1 − sig(kx))</td></tr>
 *   <tr><td>fast_sigmoid</td><td>1 / (1 + k·|x|)²</td></tr>
 *   <tr><td>atan</td><td>(k/2) / (1 + (π/2·k·x)²)</td></tr>
 *   <tr><td>rectangle</td><td>1 if |x| &lt; k/2 else 0</td></tr>
 *   <tr><td>triangle</td><td>max(0, 1 − |x|/k)</td></tr>
 *   <tr><td>gaussian</td><td>exp(−x²/(2k²)) / (√(2π)·k)</td></tr>
 *   <tr><td>straight_through</td><td>1</td></tr>
 * </table>
 *
 * <p>{@link #custom} takes any user-supplied derivative.
 */
public sealed interface Surrogate {

    /** {@code σ'(x)}. */
    float derivative(float x);

    /** The family name as used on the command line and in case files, e.g. {@code fast_sigmoid}. */
    String name();

    /** The scale parameter {@code k} (1 where the family has none). */
    float scale();

    /** The names accepted by {@link #of}. */
    List<String> NAMES = List.of("sigmoid", "fast_sigmoid", "atan", "rectangle", "triangle", "gaussian",
            "straight_through");

    /**
     * The surrogate of a family by name (case-insensitive; {@code superspike} is an alias of fast_sigmoid,
     * {@code ste} of straight_through).
     *
     * @throws IllegalArgumentException naming the unknown family or the bad scale
     */
    static Surrogate of(String name, float scale) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        if (!n.equals("straight_through") && !n.equals("ste") && !(scale > 0 && Float.isFinite(scale))) {
            throw new IllegalArgumentException("surrogate " + name + ": scale must be a positive number, got " + scale);
        }
        return switch (n) {
            case "sigmoid" -> new Sigmoid(scale);
            case "fast_sigmoid", "superspike" -> new FastSigmoid(scale);
            case "atan", "arctan" -> new Atan(scale);
            case "rectangle", "rect" -> new Rectangle(scale);
            case "triangle" -> new Triangle(scale);
            case "gaussian" -> new Gaussian(scale);
            case "straight_through", "ste" -> new StraightThrough();
            default -> throw new IllegalArgumentException("unknown surrogate '" + name + "'; known: "
                    + String.join(", ", NAMES));
        };
    }

    /** Parses {@code NAME} or {@code NAME:SCALE}; without a scale the family's usual default is used. */
    static Surrogate parse(String spec) {
        int c = spec.indexOf(':');
        String name = c < 0 ? spec : spec.substring(0, c);
        float scale;
        if (c < 0) {
            scale = defaultScale(name);
        } else {
            try {
                scale = Float.parseFloat(spec.substring(c + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("surrogate '" + spec + "': scale '" + spec.substring(c + 1)
                        + "' is not a number");
            }
        }
        return of(name, scale);
    }

    /** snnTorch's defaults: sigmoid 25, fast_sigmoid 25, atan 2, rectangle 1, triangle 1, gaussian 0.5. */
    static float defaultScale(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "sigmoid", "fast_sigmoid", "superspike" -> 25f;
            case "atan", "arctan" -> 2f;
            case "gaussian" -> 0.5f;
            default -> 1f;
        };
    }

    /** A user-supplied derivative. */
    static Surrogate custom(String name, DerivativeFunction derivative) {
        return new Custom(name, derivative);
    }

    /** A surrogate derivative as a function. */
    @FunctionalInterface
    interface DerivativeFunction {
        float apply(float x);
    }

    /** {@code σ'(x) = k·sig(kx)·(1 − sig(kx))}: derivative of the logistic function of slope k. */
    record Sigmoid(float scale) implements Surrogate {
        @Override
        public float derivative(float x) {
            double s = 1.0 / (1.0 + Math.exp(-scale * (double) x));
            return (float) (scale * s * (1 - s));
        }

        @Override
        public String name() {
            return "sigmoid";
        }
    }

    /** {@code σ'(x) = 1 / (1 + k·|x|)²} (SuperSpike, Zenke &amp; Ganguli 2018). */
    record FastSigmoid(float scale) implements Surrogate {
        @Override
        public float derivative(float x) {
            float d = 1f + scale * Math.abs(x);
            return 1f / (d * d);
        }

        @Override
        public String name() {
            return "fast_sigmoid";
        }
    }

    /** {@code σ'(x) = (k/2) / (1 + (π/2·k·x)²)}: derivative of {@code atan(π/2·k·x)/π + 1/2}. */
    record Atan(float scale) implements Surrogate {
        @Override
        public float derivative(float x) {
            double u = Math.PI / 2 * scale * x;
            return (float) (scale / 2.0 / (1 + u * u));
        }

        @Override
        public String name() {
            return "atan";
        }
    }

    /** {@code σ'(x) = 1 if |x| < k/2 else 0}. */
    record Rectangle(float scale) implements Surrogate {
        @Override
        public float derivative(float x) {
            return Math.abs(x) < scale / 2f ? 1f : 0f;
        }

        @Override
        public String name() {
            return "rectangle";
        }
    }

    /** {@code σ'(x) = max(0, 1 − |x|/k)}. */
    record Triangle(float scale) implements Surrogate {
        @Override
        public float derivative(float x) {
            return Math.max(0f, 1f - Math.abs(x) / scale);
        }

        @Override
        public String name() {
            return "triangle";
        }
    }

    /** {@code σ'(x) = exp(−x²/(2k²)) / (√(2π)·k)}: the normal density with standard deviation k. */
    record Gaussian(float scale) implements Surrogate {
        @Override
        public float derivative(float x) {
            double k = scale;
            return (float) (Math.exp(-(double) x * x / (2 * k * k)) / (Math.sqrt(2 * Math.PI) * k));
        }

        @Override
        public String name() {
            return "gaussian";
        }
    }

    /** {@code σ'(x) = 1}: the straight-through estimator. */
    record StraightThrough() implements Surrogate {
        @Override
        public float derivative(float x) {
            return 1f;
        }

        @Override
        public String name() {
            return "straight_through";
        }

        @Override
        public float scale() {
            return 1f;
        }
    }

    /** A user-supplied derivative, named for messages and reports. */
    record Custom(String name, DerivativeFunction fn) implements Surrogate {
        @Override
        public float derivative(float x) {
            return fn.apply(x);
        }

        @Override
        public float scale() {
            return 1f;
        }
    }
}
