package dev.surge.core.optim;

import dev.surge.core.nn.Parameter;
import java.util.List;

/**
 * Updates parameters in place from their accumulated gradients, with PyTorch's update rules. Optimizer state
 * (momentum buffers, moment estimates) is kept per parameter, in the order given at construction.
 */
public sealed interface Optimizer permits Sgd, Adam {

    /** One update of every parameter from its current gradient. */
    void step();

    /**
     * {@link #step()} with the element-wise work split into {@code parts} tasks, which {@code runAll} runs (on a
     * thread pool, say) and waits for. Every element gets the same arithmetic as in {@link #step()}, so the result does
     * not depend on the split. By default the whole step is one task.
     */
    default void step(java.util.function.Consumer<List<Runnable>> runAll, int parts) {
        runAll.accept(List.of(this::step));
    }

    /** The parameters this optimizer updates. */
    List<Parameter> parameters();

    /** Current learning rate. */
    float learningRate();

    /** Sets the learning rate (for schedules). */
    void setLearningRate(float lr);

    /**
     * The optimizer's internal state as tensors (moment estimates, momentum buffers, step count), keyed by
     * parameter position, e.g. {@code m.0}, {@code v.0}, {@code step}; with {@link #loadState} it resumes a run bit
     * for bit.
     */
    java.util.Map<String, dev.surge.core.tensor.Tensor> state();

    /** Restores a state from {@link #state}; shapes must match the parameters. */
    void loadState(java.util.Map<String, dev.surge.core.tensor.Tensor> state);

    /** Zeroes every parameter's gradient. */
    default void zeroGrad() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
    }
}
