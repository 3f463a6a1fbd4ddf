package dev.surge.cli;

import dev.surge.core.nn.Layer;
import dev.surge.core.nn.Network;
import java.util.Locale;

/** Estimates the memory of a BPTT step before training and refuses runs that cannot fit. */
final class MemoryCheck {
    private MemoryCheck() {
    }

    /**
     * Bytes for one batch: the input, and per layer its currents, outputs, membranes, spikes and their gradients
     * (about 6 floats per neuron and step), for every chunk in flight, plus the parameters with gradients and
     * optimizer moments.
     */
    static long estimate(Network net, int steps, int batch, int inputs) {
        long perSample = (long) steps * inputs * 4;
        for (Layer l : net.layers()) {
            perSample += (long) steps * l.spec().out() * 4 * 6;
        }
        long params = 0;
        for (var p : net.parameters().values()) {
            params += p.value().size();
        }
        return perSample * batch + params * 4 * 5;
    }

    static void require(Network net, int steps, int batch, int threads, int inputs) {
        long need = estimate(net, steps, batch, inputs);
        long max = Runtime.getRuntime().maxMemory();
        if (need > max * 0.8) {
            long perSample = Math.max(1, (need - estimate(net, steps, 0, inputs)) / Math.max(1, batch));
            long fit = (long) (max * 0.6) / perSample;
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "this run needs about %.1f GiB per batch but the JVM may use %.1f GiB; use --batch-size %d or "
                            + "fewer --time-steps, or give Java more memory (SURGE_JAVA_OPTS=-Xmx...)",
                    need / 1073741824.0, max / 1073741824.0, Math.max(1, fit)));
        }
    }
}
