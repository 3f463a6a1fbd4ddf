package dev.surge.core.tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A dense float32 tensor stored row-major in a heap {@code float[]}.
 *
 * <p>A spike tensor made by {@link #ofEvents} holds only its active entries ({@link SpikeRows}) until something asks
 * for its {@link #data()}: event-driven products read the events, so an input of spikes is never expanded to floats.
 *
 * <p>The shape is fixed at construction and checked: the backing array always holds exactly
 * {@code product(shape)} elements. Tensors are mutable through {@link #data()} so that kernels can
 * work in place; the autodiff layer never mutates a tensor it did not create.
 */
public final class Tensor {
    private float[] data; // null only for a spike tensor whose values nobody has asked for yet
    private final int[] shape;
    private final SpikeRows events;

    private Tensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
        this.events = null;
    }

    private Tensor(SpikeRows events, int[] shape) {
        this.data = null;
        this.shape = shape;
        this.events = events;
    }

    /**
     * A spike tensor of the given shape whose last axis is the columns of {@code events} and whose other axes, in
     * row-major order, are its rows: element {@code (r, c)} is the number of times {@code c} is listed in row
     * {@code r}. The float values are built only when {@link #data()} is first called.
     */
    public static Tensor ofEvents(SpikeRows events, int... shape) {
        int[] s = shape.clone();
        long n = Shapes.size(s);
        if (s.length == 0 || s[s.length - 1] != events.cols() || n != (long) events.rows() * events.cols()) {
            throw new IllegalArgumentException("shape " + Shapes.str(s) + " does not fit " + events.rows()
                    + " rows of " + events.cols() + " event columns");
        }
        return new Tensor(events, s);
    }

    /** The active entries of a tensor made by {@link #ofEvents} (rows = all axes but the last), else null. */
    public SpikeRows events() {
        return events;
    }

    /** Wraps {@code data} (not copied) as a tensor of the given shape. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = shape.clone();
        long n = Shapes.size(s);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Shapes.str(s) + " needs " + n
                    + " elements but the data has " + data.length);
        }
        return new Tensor(data, s);
    }

    public static Tensor zeros(int... shape) {
        int[] s = shape.clone();
        return new Tensor(Arena.floats(Shapes.checkedSize(s)), s);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value}, new int[0]);
    }

    /** Standard normal entries times {@code std}, from the given generator. */
    public static Tensor randn(SplittableRandom rng, float std, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.data.length; i++) {
            t.data[i] = (float) (gaussian(rng) * std);
        }
        return t;
    }

    /** Uniform entries in {@code [lo, hi)}, from the given generator. */
    public static Tensor uniform(SplittableRandom rng, float lo, float hi, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.data.length; i++) {
            t.data[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
        return t;
    }

    /** Box-Muller normal deviate; deterministic for a given generator state. */
    public static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** The backing array (not a copy). */
    public float[] data() {
        if (data == null) {
            data = events.toDense(); // shared by every reshaped view of the same events
        }
        return data;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[Shapes.axis(axis, shape.length)];
    }

    public int size() {
        return data != null ? data.length : events.rows() * events.cols();
    }

    /** The single value of a tensor with one element. */
    public float item() {
        if (size() != 1) {
            throw new IllegalStateException("item() needs one element, shape is " + Shapes.str(shape));
        }
        return data()[0];
    }

    public float get(int... index) {
        return data()[offset(index)];
    }

    public void set(float value, int... index) {
        data()[offset(index)] = value;
    }

    private int offset(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index of rank " + index.length + " for shape " + Shapes.str(shape));
        }
        int off = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside " + Shapes.str(shape));
            }
            off = off * shape[i] + index[i];
        }
        return off;
    }

    /** Same data (shared), new shape with the same element count; one dimension may be -1. */
    public Tensor reshape(int... newShape) {
        int[] s = Shapes.resolveReshape(shape, newShape);
        if (data == null && s.length > 0 && s[s.length - 1] == events.cols()) {
            return new Tensor(events, s); // still the same rows of events
        }
        return new Tensor(data(), s);
    }

    public Tensor copy() {
        return new Tensor(data().clone(), shape.clone());
    }

    public boolean sameShape(Tensor o) {
        return Arrays.equals(shape, o.shape);
    }

    /** Largest absolute element-wise difference; shapes must agree. */
    public float maxAbsDiff(Tensor o) {
        Shapes.requireSame("maxAbsDiff", shape, o.shape);
        float m = 0;
        float[] a = data();
        float[] b = o.data();
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    public double sum() {
        double s = 0;
        for (float v : data()) {
            s += v;
        }
        return s;
    }

    /** Euclidean norm, accumulated in double. */
    public double norm() {
        double s = 0;
        for (float v : data()) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    /** {@code this += alpha * o}, in place. */
    public void addScaled(Tensor o, float alpha) {
        Shapes.requireSame("addScaled", shape, o.shape);
        float[] d = data();
        float[] od = o.data();
        for (int i = 0; i < d.length; i++) {
            d[i] += alpha * od[i];
        }
    }

    public void fill(float v) {
        Arrays.fill(data(), v);
    }

    /** Matrix product of 2-D tensors, either operand optionally transposed, through the active BLAS. */
    public static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("matmul needs 2-D operands, got " + Shapes.str(a.shape)
                    + " and " + Shapes.str(b.shape));
        }
        int m = transA ? a.shape[1] : a.shape[0];
        int k = transA ? a.shape[0] : a.shape[1];
        int kb = transB ? b.shape[1] : b.shape[0];
        int n = transB ? b.shape[0] : b.shape[1];
        if (k != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + Shapes.str(a.shape)
                    + (transA ? "ᵀ" : "") + " · " + Shapes.str(b.shape) + (transB ? "ᵀ" : ""));
        }
        Tensor c = zeros(m, n);
        Blas.get().sgemm(transA, transB, m, n, k, 1f, a.data(), 0, a.shape[1], b.data(), 0, b.shape[1],
                0f, c.data, 0, n);
        return c;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shapes.str(shape)).append('[');
        float[] data = data();
        int n = Math.min(data.length, 8);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(data[i]);
        }
        if (data.length > n) {
            sb.append(", ...");
        }
        return sb.append(']').toString();
    }
}
