package dev.surge.core.nn;

import dev.surge.core.autograd.Ops;
import dev.surge.core.autograd.Var;
import dev.surge.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * All-to-all synapses {@code I = x·Wᵀ + b} with {@code W [out, in]} and {@code b [out]}, over all time steps in one
 * product ({@link Ops#linear}, which picks the event-driven or the BLAS kernel by the input's density). W is drawn
 * as PyTorch's {@code nn.Linear} draws it, {@code U(−1/√in, 1/√in)}; b starts at zero, because a constant bias
 * {@code b} drives a leaky membrane to {@code b/(1 − β)} (20·b at β = 0.95), which would make spiking neurons fire
 * tonically whatever the input.
 */
public record Dense(int inputs, int outputs) implements Projection {
    public Dense {
        if (inputs <= 0 || outputs <= 0) {
            throw new IllegalArgumentException("dense projection: inputs and outputs must be positive, got "
                    + inputs + " and " + outputs);
        }
    }

    @Override
    public Map<String, Tensor> initialParameters(SplittableRandom rng) {
        float bound = (float) (1.0 / Math.sqrt(inputs));
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("W", Tensor.uniform(rng, -bound, bound, outputs, inputs));
        m.put("b", Tensor.zeros(outputs));
        return m;
    }

    @Override
    public Var apply(Var x, Function<String, Var> param) {
        return Ops.linear(x, param.apply("W"), param.apply("b"));
    }

    @Override
    public long fanOut() {
        return outputs;
    }
}
