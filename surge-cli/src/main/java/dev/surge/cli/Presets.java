package dev.surge.cli;

import dev.surge.core.nn.LayerSpec;
import dev.surge.core.nn.ReadoutSpec;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.neuron.Alif;
import dev.surge.core.neuron.Lif;
import dev.surge.core.surrogate.Surrogate;
import java.util.List;
import java.util.Map;

/** Named model architectures for {@code --model}. */
final class Presets {
    private Presets() {
    }

    static final Map<String, String> DESCRIPTIONS = Map.of(
            "recurrent", "inputs → 128 recurrent LIF (β 0.95) → leaky readout (β 0.95)",
            "ff", "inputs → 256 LIF (β 0.9) → leaky readout",
            "ff-512", "inputs → 512 LIF (β 0.9) → leaky readout",
            "ff-wide", "inputs → 1000 LIF (β 0.9) → leaky readout",
            "ff-deep", "inputs → 256 LIF → 256 LIF (β 0.9) → leaky readout",
            "alif", "inputs → 100 recurrent ALIF (β 0.95, θ 0.3, ρ 0.9995, adaptation 0.005) → leaky readout (β 0.95)",
            "lif100", "inputs → 100 recurrent LIF (β 0.95, θ 0.3) → leaky readout (β 0.95)",
            "race", "inputs → 32 LIF (β 0.9) → one spiking LIF output per class (β 0.9): the first to fire wins",
            "pattern", "inputs → 100 recurrent LIF (β 0.95) → one spiking LIF output per target neuron (β 0.9)");

    /** The preset a dataset uses when {@code --model} is not given. */
    static String defaultFor(String dataset) {
        return switch (dataset) {
            case "fashion-mnist", "mnist" -> "ff-512";
            case "nmnist" -> "ff";
            case "evidence" -> "alif";
            case "race" -> "race";
            case "pattern" -> "pattern";
            default -> "recurrent";
        };
    }

    static List<LayerSpec> build(String name, int classes, Surrogate surrogate) {
        SpikingSpec base = SpikingSpec.lif(1).withSurrogate(surrogate);
        return switch (name) {
            case "recurrent" -> List.of(lif(base, 128, 0.95f).withRecurrent(true), ReadoutSpec.of(classes, 0.95f));
            case "ff" -> List.of(lif(base, 256, 0.9f), ReadoutSpec.of(classes, 0.9f));
            case "ff-512" -> List.of(lif(base, 512, 0.9f), ReadoutSpec.of(classes, 0.9f));
            case "ff-wide" -> List.of(lif(base, 1000, 0.9f), ReadoutSpec.of(classes, 0.9f));
            case "ff-deep" -> List.of(lif(base, 256, 0.9f), lif(base, 256, 0.9f), ReadoutSpec.of(classes, 0.9f));
            case "alif" -> List.of(base.withOut(100).withRecurrent(true).withNeuron(new Alif(0.9995f, 0.005f,
                    Lif.DEFAULT.withBeta(0.95f).withThreshold(0.3f))), ReadoutSpec.of(classes, 0.95f));
            case "race" -> List.of(lif(base, 32, 0.9f), lif(base, classes, 0.9f));
            case "pattern" -> List.of(lif(base, 100, 0.95f).withRecurrent(true), lif(base, classes, 0.9f));
            case "lif100" -> List.of(base.withOut(100).withRecurrent(true)
                    .withNeuron(Lif.DEFAULT.withBeta(0.95f).withThreshold(0.3f)), ReadoutSpec.of(classes, 0.95f));
            default -> throw new IllegalArgumentException("unknown model preset '" + name + "'; known: "
                    + String.join(", ", new java.util.TreeSet<>(DESCRIPTIONS.keySet()))
                    + " (or the path of a JSON model file)");
        };
    }

    private static SpikingSpec lif(SpikingSpec base, int n, float beta) {
        return base.withOut(n).withNeuron(Lif.DEFAULT.withBeta(beta));
    }
}
