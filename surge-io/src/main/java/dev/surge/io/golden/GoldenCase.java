package dev.surge.io.golden;

import dev.surge.core.loss.Loss;
import dev.surge.core.loss.Regularizer;
import dev.surge.core.loss.Targets;
import dev.surge.core.nn.LayerSpec;
import dev.surge.core.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * One reference gradient case (format: {@code shared/golden/FORMAT.md}): a small network, its parameters and input,
 * a loss, and the loss, spike counts and gradients an independent float64 implementation computed.
 *
 * @param source where the case was read from (for messages)
 */
public record GoldenCase(String source, String name, int steps, int batch, int inputs, Tensor input,
                         List<LayerSpec> layers, Map<String, Tensor> params, Loss loss, Targets targets,
                         List<Regularizer> regularizers, OptimizerSpec optimizer, boolean inputGrad,
                         Expected expected) {

    /**
     * Whether some spiking layer has escape noise: then {@link Expected#loss} and {@link Expected#grads} are the
     * exact expected loss and its gradient (FORMAT.md, "Stochastic cases").
     */
    public boolean stochastic() {
        for (LayerSpec l : layers) {
            if (l instanceof dev.surge.core.nn.SpikingSpec s && s.stochastic() != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * An optimizer run: {@code steps} full steps on the same batch.
     *
     * @param type adam, adamw or sgd
     */
    public record OptimizerSpec(String type, float lr, float beta1, float beta2, float eps, float momentum,
                                float weightDecay, int steps) {
    }

    /**
     * The reference results.
     *
     * @param spikeCounts per layer, spikes summed over T and B per neuron, or null for non-spiking layers
     * @param losses      with an optimizer: the loss before each step
     * @param paramsAfter with an optimizer: the parameters after the last step
     */
    public record Expected(double loss, Map<String, Tensor> grads, Tensor inputGrad, List<Tensor> spikeCounts,
                           Tensor outputSumOverTime, double[] losses, Map<String, Tensor> paramsAfter,
                           Double minMargin) {
    }
}
