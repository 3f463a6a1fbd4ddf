package dev.surge.core.autograd;

import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.Tensor;

/**
 * A tensor value on a {@link Tape}, with its gradient after {@link Tape#backward}. The op methods record onto
 * the variable's tape; the math of each op and its backward rule are in {@link Ops}.
 */
public final class Var {
    private final Tape tape;
    private final Tensor value;
    private final boolean requiresGrad;
    private Tensor grad;

    Var(Tape tape, Tensor value, boolean requiresGrad) {
        this.tape = tape;
        this.value = value;
        this.requiresGrad = requiresGrad;
    }

    public Tape tape() {
        return tape;
    }

    public Tensor value() {
        return value;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The gradient after backward; zeros if no gradient reached this variable. */
    public Tensor grad() {
        return grad != null ? grad : Tensor.zeros(value.shape());
    }

    Tensor gradOrNull() {
        return grad;
    }

    /** The gradient buffer, allocated on first use; only for variables that require a gradient. */
    float[] gradData() {
        if (grad == null) {
            grad = Tensor.zeros(value.shape());
        }
        return grad.data();
    }

    /**
     * The gradient buffer for an op that writes every element of it, when this variable has no gradient yet: a new
     * array whose contents are arbitrary (not zeroed). Callers check {@link #gradOrNull()} first.
     */
    float[] freshGradToOverwrite() {
        if (grad != null) {
            throw new IllegalStateException("this variable already has a gradient");
        }
        grad = Tensor.of(dev.surge.core.tensor.Arena.floatsToOverwrite(value.size()), value.shape());
        return grad.data();
    }

    /** Adds {@code g} (same size) into this variable's gradient, if it requires one. Used by custom ops. */
    public void accumulate(float[] g) {
        if (!requiresGrad) {
            return;
        }
        float[] d = gradData();
        for (int i = 0; i < d.length; i++) {
            d[i] += g[i];
        }
    }

    /**
     * Like {@link #accumulate}, for a fresh array that the caller hands over and never touches again: when this
     * variable has no gradient yet, {@code g} becomes it without a copy.
     */
    public void accumulateOwned(float[] g) {
        if (requiresGrad && grad == null && g.length == value.size()) {
            grad = Tensor.of(g, value.shape());
        } else {
            accumulate(g);
        }
    }

    public int[] shape() {
        return value.shape();
    }

    public int dim(int axis) {
        return value.dim(axis);
    }

    public int rank() {
        return value.rank();
    }

    public float item() {
        return value.item();
    }

    // ---- elementwise binary (NumPy broadcasting) ----
    public Var add(Var o) { return Ops.add(this, o); }
    public Var sub(Var o) { return Ops.sub(this, o); }
    public Var mul(Var o) { return Ops.mul(this, o); }
    public Var div(Var o) { return Ops.div(this, o); }
    public Var pow(Var exponent) { return Ops.pow(this, exponent); }

    // ---- with scalars ----
    public Var add(float c) { return Ops.addScalar(this, c); }
    public Var mul(float c) { return Ops.scale(this, c); }
    /** {@code c - this}. */
    public Var rsub(float c) { return Ops.rsub(this, c); }
    public Var pow(float p) { return Ops.pow(this, p); }

    // ---- elementwise unary ----
    public Var neg() { return Ops.neg(this); }
    public Var exp() { return Ops.exp(this); }
    public Var log() { return Ops.log(this); }
    public Var tanh() { return Ops.tanh(this); }
    public Var sigmoid() { return Ops.sigmoid(this); }
    public Var relu() { return Ops.relu(this); }
    public Var softplus() { return Ops.softplus(this); }
    public Var abs() { return Ops.abs(this); }
    public Var square() { return Ops.square(this); }
    public Var sqrt() { return Ops.sqrt(this); }
    public Var clamp(float lo, float hi) { return Ops.clamp(this, lo, hi); }

    /** Heaviside {@code H(x) = [x > 0]} forward, surrogate derivative backward. */
    public Var spike(Surrogate s) { return Ops.spike(this, s); }

    /** The same value as a constant: no gradient flows back through it. */
    public Var detach() { return tape.constant(value); }

    // ---- linear algebra ----
    public Var matmul(Var o) { return Ops.matmul(this, false, o, false); }
    public Var matmul(boolean transThis, Var o, boolean transO) { return Ops.matmul(this, transThis, o, transO); }
    /** {@code this·Wᵀ + b} for this {@code [M, K]}, W {@code [N, K]}, b {@code [N]}. */
    public Var linear(Var w, Var b) { return Ops.linear(this, w, b); }

    // ---- reductions ----
    public Var sum() { return Ops.sumAll(this); }
    public Var mean() { return Ops.meanAll(this); }
    public Var sum(int axis, boolean keepDim) { return Ops.sum(this, axis, keepDim); }
    public Var mean(int axis, boolean keepDim) { return Ops.mean(this, axis, keepDim); }
    public Var max(int axis, boolean keepDim) { return Ops.max(this, axis, keepDim); }

    // ---- shape ----
    public Var reshape(int... shape) { return Ops.reshape(this, shape); }
    public Var transpose(int a, int b) { return Ops.transpose(this, a, b); }
    public Var t() { return Ops.transpose(this, 0, 1); }
    public Var slice(int axis, int start, int end) { return Ops.slice(this, axis, start, end); }
    /** Index {@code i} along {@code axis}, which is removed from the shape. */
    public Var select(int axis, int i) { return Ops.select(this, axis, i); }

    // ---- classification ----
    public Var logSoftmax(int axis) { return Ops.logSoftmax(this, axis); }
    /** Mean cross-entropy of logits {@code [B, C]} against class ids. */
    public Var crossEntropy(int[] targets) { return Ops.crossEntropy(this, targets); }

    @Override
    public String toString() {
        return "Var(" + value + (requiresGrad ? ", grad" : "") + ")";
    }
}
