package dev.surge.core.autograd;

import dev.surge.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A Wengert list for reverse-mode automatic differentiation.
 *
 * <p>Every op on {@link Var}s whose result depends on a variable that requires a gradient appends one node: the
 * output and a closure that, given the output's gradient, adds the input gradients (vector-Jacobian products).
 * {@link #backward(Var)} runs the closures in reverse order. A tape is used for one forward/backward pass and then
 * dropped; it holds no global state and is not thread-safe.
 */
public final class Tape {
    /** Adds the input gradients of one op, given the gradient of its output. */
    @FunctionalInterface
    public interface Backward {
        void apply(Tensor gradOut);
    }

    private record Node(Var out, Backward fn) {
    }

    private final List<Node> nodes = new ArrayList<>();
    private boolean done;

    /** A leaf variable; its gradient is available after {@link #backward} if {@code requiresGrad}. */
    public Var leaf(Tensor value, boolean requiresGrad) {
        return new Var(this, value, requiresGrad);
    }

    /** A leaf that receives a gradient. */
    public Var param(Tensor value) {
        return leaf(value, true);
    }

    /** A leaf that does not receive a gradient. */
    public Var constant(Tensor value) {
        return leaf(value, false);
    }

    public Var constant(float value) {
        return leaf(Tensor.scalar(value), false);
    }

    /**
     * Records the result of an op. The output requires a gradient if any input does; only then is the closure kept.
     * Custom ops (fused kernels, user-defined functions) use this to join the tape.
     */
    public Var record(Tensor out, Backward fn, Var... inputs) {
        boolean req = false;
        for (Var v : inputs) {
            if (v.tape() != this) {
                throw new IllegalArgumentException("an input of this op belongs to another tape");
            }
            req |= v.requiresGrad();
        }
        Var o = new Var(this, out, req);
        if (req) {
            nodes.add(new Node(o, fn));
        }
        return o;
    }

    /** Number of recorded nodes. */
    public int size() {
        return nodes.size();
    }

    /** Back-propagates from a scalar output (seed 1). */
    public void backward(Var out) {
        if (out.value().size() != 1) {
            throw new IllegalArgumentException("backward(out) needs a scalar output, got shape "
                    + java.util.Arrays.toString(out.shape()) + "; pass a seed gradient instead");
        }
        backward(out, Tensor.ones(out.shape()));
    }

    /** Back-propagates from {@code out} with the given output gradient. May be called once per tape. */
    public void backward(Var out, Tensor seed) {
        if (done) {
            throw new IllegalStateException("backward was already run on this tape; record a new forward pass");
        }
        if (!seed.sameShape(out.value())) {
            throw new IllegalArgumentException("seed gradient shape " + java.util.Arrays.toString(seed.shape())
                    + " differs from output shape " + java.util.Arrays.toString(out.shape()));
        }
        done = true;
        if (!out.requiresGrad()) {
            return;
        }
        out.accumulate(seed.data());
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            Tensor g = n.out().gradOrNull();
            if (g != null) {
                n.fn().apply(g);
            }
        }
    }
}
