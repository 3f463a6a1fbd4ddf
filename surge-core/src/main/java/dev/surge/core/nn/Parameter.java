package dev.surge.core.nn;

import dev.surge.core.tensor.Tensor;

/**
 * A trainable tensor with its accumulated gradient. The name is the PyTorch-style local name
 * ({@code W}, {@code b}, {@code V}, {@code beta}, {@code threshold}, {@code stp.U}).
 */
public final class Parameter {
    private final String name;
    private final Tensor value;
    private final Tensor grad;

    public Parameter(String name, Tensor value) {
        this.name = name;
        this.value = value;
        this.grad = Tensor.zeros(value.shape());
    }

    public String name() {
        return name;
    }

    /** The value, updated in place by optimizers. */
    public Tensor value() {
        return value;
    }

    /** The gradient accumulated since the last {@link #zeroGrad()}. */
    public Tensor grad() {
        return grad;
    }

    public void zeroGrad() {
        grad.fill(0f);
    }

    /** Copies {@code t} into the value; shapes must agree. */
    public void set(Tensor t) {
        if (!t.sameShape(value)) {
            throw new IllegalArgumentException("parameter " + name + ": shape " + java.util.Arrays.toString(t.shape())
                    + " does not match " + java.util.Arrays.toString(value.shape()));
        }
        System.arraycopy(t.data(), 0, value.data(), 0, value.size());
    }
}
