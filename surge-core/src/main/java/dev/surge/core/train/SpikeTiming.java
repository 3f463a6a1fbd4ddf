package dev.surge.core.train;

import dev.surge.core.autograd.Tape;
import dev.surge.core.data.SampleSet;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.Network;
import dev.surge.core.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * How precisely output spike trains reproduce target ones. Per sample and output neuron, each target spike (in time
 * order) is matched to the nearest output spike of the same neuron within {@code ±tolerance} steps that no earlier
 * target spike took (the earlier one on a tie); then
 * <ul>
 *   <li>{@code hitRate}: matched target spikes / target spikes;</li>
 *   <li>{@code exactRate}: target spikes with an output spike at exactly their step / target spikes;</li>
 *   <li>{@code timingError}: the mean |Δt| in steps over the matched pairs (NaN when none matched);</li>
 *   <li>{@code extraRate}: output spikes left unmatched / target spikes.</li>
 * </ul>
 *
 * @param targetSpikes all target spikes counted
 * @param outputSpikes all output spikes counted
 * @param matched      matched pairs
 * @param exact        target spikes with an output spike at the same step
 * @param absError     the sum of |Δt| over the matched pairs
 */
public record SpikeTiming(long targetSpikes, long outputSpikes, long matched, long exact, long absError) {

    /** No spikes yet. */
    public static final SpikeTiming NONE = new SpikeTiming(0, 0, 0, 0, 0);

    public double hitRate() {
        return targetSpikes == 0 ? Double.NaN : (double) matched / targetSpikes;
    }

    public double exactRate() {
        return targetSpikes == 0 ? Double.NaN : (double) exact / targetSpikes;
    }

    public double timingError() {
        return matched == 0 ? Double.NaN : (double) absError / matched;
    }

    public double extraRate() {
        return targetSpikes == 0 ? Double.NaN : (double) (outputSpikes - matched) / targetSpikes;
    }

    /** The counts of both. */
    public SpikeTiming plus(SpikeTiming o) {
        return new SpikeTiming(targetSpikes + o.targetSpikes, outputSpikes + o.outputSpikes, matched + o.matched,
                exact + o.exact, absError + o.absError);
    }

    /** Compares {@code out} with {@code target}, both {@code [T, B, C]} of 0/1 spikes. */
    public static SpikeTiming of(Tensor out, Tensor target, int tolerance) {
        int[] sh = out.shape();
        if (sh.length != 3 || !java.util.Arrays.equals(sh, target.shape())) {
            throw new IllegalArgumentException("spike timing: output " + java.util.Arrays.toString(sh)
                    + " and target " + java.util.Arrays.toString(target.shape()) + " must both be [T, B, C]");
        }
        if (tolerance < 0) {
            throw new IllegalArgumentException("spike timing: tolerance must be >= 0, got " + tolerance);
        }
        int steps = sh[0];
        int bc = sh[1] * sh[2];
        float[] o = out.data();
        float[] y = target.data();
        long targets = 0;
        long outputs = 0;
        long matched = 0;
        long exact = 0;
        long err = 0;
        boolean[] used = new boolean[steps];
        for (int j = 0; j < bc; j++) {
            java.util.Arrays.fill(used, false);
            for (int t = 0; t < steps; t++) {
                if (o[t * bc + j] != 0f) {
                    outputs++;
                }
            }
            for (int t = 0; t < steps; t++) {
                if (y[t * bc + j] == 0f) {
                    continue;
                }
                targets++;
                if (o[t * bc + j] != 0f) {
                    exact++;
                }
                for (int d = 0; d <= tolerance; d++) {
                    int hit = -1;
                    if (t - d >= 0 && !used[t - d] && o[(t - d) * bc + j] != 0f) {
                        hit = t - d;
                    } else if (d > 0 && t + d < steps && !used[t + d] && o[(t + d) * bc + j] != 0f) {
                        hit = t + d;
                    }
                    if (hit >= 0) {
                        used[hit] = true;
                        matched++;
                        err += d;
                        break;
                    }
                }
            }
        }
        return new SpikeTiming(targets, outputs, matched, exact, err);
    }

    /**
     * Runs {@code net} on every sample of {@code set} (which must have target spike trains of the output's width) in
     * batches of up to 64, and compares its output spikes with the targets.
     */
    public static SpikeTiming evaluate(Network net, SampleSet set, Backend backend, int tolerance) {
        int c = set.targetOutputs();
        if (c <= 0) {
            throw new IllegalArgumentException("spike timing: " + set + " has no target spike trains");
        }
        SpikeTiming total = NONE;
        int steps = set.steps();
        int batch = 64;
        for (int lo = 0; lo < set.size(); lo += batch) {
            int b = Math.min(batch, set.size() - lo);
            float[] x = new float[steps * b * set.inputs()];
            int[] idx = new int[b];
            for (int i = 0; i < b; i++) {
                idx[i] = lo + i;
                set.write(lo + i, x, i, b, new SplittableRandom(lo + i));
            }
            Tensor out = net.forward(new Tape().constant(Tensor.of(x, steps, b, set.inputs())), backend).output()
                    .value();
            Tensor target = Trainer.targets(set, idx, 0, new int[b]).spikes();
            total = total.plus(of(out, target, tolerance));
        }
        return total;
    }
}
