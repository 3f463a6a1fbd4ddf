package dev.surge.core.autograd;

import dev.surge.core.surrogate.Surrogate;
import dev.surge.core.tensor.Arena;
import dev.surge.core.tensor.Blas;
import dev.surge.core.tensor.Kernels;
import dev.surge.core.tensor.SpikeRows;
import dev.surge.core.tensor.Shapes;
import dev.surge.core.tensor.Tensor;
import java.util.Arrays;

/**
 * The op set: each method computes the forward value and records the vector-Jacobian product. Every op here is
 * checked against central finite differences in {@code OpsGradientTest}.
 */
public final class Ops {
    private Ops() {
    }

    @FunctionalInterface
    interface F1 {
        float apply(float x);
    }

    /** Derivative of a unary op given input x and output y. */
    @FunctionalInterface
    interface D1 {
        float apply(float x, float y);
    }

    @FunctionalInterface
    interface F2 {
        float apply(float a, float b);
    }

    /** Partial derivative of a binary op given inputs a, b and output y. */
    @FunctionalInterface
    interface D2 {
        float apply(float a, float b, float y);
    }

    // ------------------------------------------------------------------ elementwise

    static Var unary(Var x, F1 f, D1 d) {
        float[] xs = x.value().data();
        float[] ys = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            ys[i] = f.apply(xs[i]);
        }
        Tensor out = Tensor.of(ys, x.shape());
        return x.tape().record(out, g -> {
            if (!x.requiresGrad()) {
                return;
            }
            float[] gx = x.gradData();
            float[] gs = g.data();
            for (int i = 0; i < xs.length; i++) {
                gx[i] += gs[i] * d.apply(xs[i], ys[i]);
            }
        }, x);
    }

    static Var binary(String op, Var a, Var b, F2 f, D2 da, D2 db) {
        int[] sa = a.shape();
        int[] sb = b.shape();
        float[] as = a.value().data();
        float[] bs = b.value().data();
        int[] so = Shapes.broadcast(op, sa, sb);
        int n = Shapes.checkedSize(so);
        // Index of each operand for output element i: i itself (same shape), i % size (the operand's shape is a
        // suffix of the output's: bias vectors, per-neuron parameters, scalars), or a precomputed map.
        final int ma = as.length == 0 ? 1 : (isSuffix(sa, so) ? as.length : 0);
        final int mb = bs.length == 0 ? 1 : (isSuffix(sb, so) ? bs.length : 0);
        final int[] ia = ma == 0 ? Shapes.broadcastIndex(sa, so) : null;
        final int[] ib = mb == 0 ? Shapes.broadcastIndex(sb, so) : null;
        float[] ys = new float[n];
        for (int i = 0; i < n; i++) {
            ys[i] = f.apply(as[ia == null ? i % ma : ia[i]], bs[ib == null ? i % mb : ib[i]]);
        }
        Tensor out = Tensor.of(ys, so);
        return a.tape().record(out, g -> {
            float[] gs = g.data();
            if (a.requiresGrad()) {
                float[] ga = a.gradData();
                for (int i = 0; i < n; i++) {
                    int ja = ia == null ? i % ma : ia[i];
                    ga[ja] += gs[i] * da.apply(as[ja], bs[ib == null ? i % mb : ib[i]], ys[i]);
                }
            }
            if (b.requiresGrad()) {
                float[] gb = b.gradData();
                for (int i = 0; i < n; i++) {
                    int jb = ib == null ? i % mb : ib[i];
                    gb[jb] += gs[i] * db.apply(as[ia == null ? i % ma : ia[i]], bs[jb], ys[i]);
                }
            }
        }, a, b);
    }

    /** Whether {@code s}, without leading 1s, equals the trailing dimensions of {@code out}. */
    private static boolean isSuffix(int[] s, int[] out) {
        int lead = 0;
        while (lead < s.length && s[lead] == 1) {
            lead++;
        }
        int len = s.length - lead;
        if (len > out.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s[lead + i] != out[out.length - len + i]) {
                return false;
            }
        }
        return true;
    }

    public static Var add(Var a, Var b) {
        if (Arrays.equals(a.shape(), b.shape())) {
            float[] x = a.value().data();
            float[] y = b.value().data();
            float[] z = new float[x.length];
            for (int i = 0; i < z.length; i++) {
                z[i] = x[i] + y[i];
            }
            return a.tape().record(Tensor.of(z, a.shape()), g -> {
                a.accumulate(g.data());
                b.accumulate(g.data());
            }, a, b);
        }
        return binary("add", a, b, (x, y) -> x + y, (x, y, o) -> 1f, (x, y, o) -> 1f);
    }

    public static Var sub(Var a, Var b) {
        return binary("sub", a, b, (x, y) -> x - y, (x, y, o) -> 1f, (x, y, o) -> -1f);
    }

    public static Var mul(Var a, Var b) {
        if (Arrays.equals(a.shape(), b.shape())) {
            float[] x = a.value().data();
            float[] y = b.value().data();
            float[] z = new float[x.length];
            for (int i = 0; i < z.length; i++) {
                z[i] = x[i] * y[i];
            }
            return a.tape().record(Tensor.of(z, a.shape()), g -> {
                float[] gs = g.data();
                if (a.requiresGrad()) {
                    float[] ga = a.gradData();
                    for (int i = 0; i < ga.length; i++) {
                        ga[i] += gs[i] * y[i];
                    }
                }
                if (b.requiresGrad()) {
                    float[] gb = b.gradData();
                    for (int i = 0; i < gb.length; i++) {
                        gb[i] += gs[i] * x[i];
                    }
                }
            }, a, b);
        }
        return binary("mul", a, b, (x, y) -> x * y, (x, y, o) -> y, (x, y, o) -> x);
    }

    public static Var div(Var a, Var b) {
        return binary("div", a, b, (x, y) -> x / y, (x, y, o) -> 1f / y, (x, y, o) -> -x / (y * y));
    }

    /** {@code a^b} elementwise, for positive {@code a} where {@code b} needs a gradient. */
    public static Var pow(Var a, Var b) {
        return binary("pow", a, b, (x, y) -> (float) Math.pow(x, y),
                (x, y, o) -> (float) (y * Math.pow(x, y - 1)),
                (x, y, o) -> (float) (o * Math.log(x)));
    }

    public static Var addScalar(Var x, float c) {
        return unary(x, v -> v + c, (v, y) -> 1f);
    }

    public static Var scale(Var x, float c) {
        return unary(x, v -> c * v, (v, y) -> c);
    }

    public static Var rsub(Var x, float c) {
        return unary(x, v -> c - v, (v, y) -> -1f);
    }

    public static Var pow(Var x, float p) {
        return unary(x, v -> (float) Math.pow(v, p), (v, y) -> (float) (p * Math.pow(v, p - 1)));
    }

    public static Var neg(Var x) {
        return unary(x, v -> -v, (v, y) -> -1f);
    }

    public static Var exp(Var x) {
        return unary(x, v -> (float) Math.exp(v), (v, y) -> y);
    }

    public static Var log(Var x) {
        return unary(x, v -> (float) Math.log(v), (v, y) -> 1f / v);
    }

    public static Var tanh(Var x) {
        return unary(x, v -> (float) Math.tanh(v), (v, y) -> 1f - y * y);
    }

    public static Var sigmoid(Var x) {
        return unary(x, Ops::sigmoid, (v, y) -> y * (1f - y));
    }

    public static Var relu(Var x) {
        return unary(x, v -> v > 0 ? v : 0f, (v, y) -> v > 0 ? 1f : 0f);
    }

    /** {@code log(1 + e^x)}, computed stably; derivative {@code sigmoid(x)}. */
    public static Var softplus(Var x) {
        return unary(x, v -> (float) (Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)))), (v, y) -> sigmoid(v));
    }

    public static Var abs(Var x) {
        return unary(x, Math::abs, (v, y) -> v > 0 ? 1f : (v < 0 ? -1f : 0f));
    }

    public static Var square(Var x) {
        return unary(x, v -> v * v, (v, y) -> 2f * v);
    }

    public static Var sqrt(Var x) {
        return unary(x, v -> (float) Math.sqrt(v), (v, y) -> 0.5f / y);
    }

    /** {@code min(max(x, lo), hi)}; gradient 1 strictly inside the interval, 0 outside. */
    public static Var clamp(Var x, float lo, float hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: lo " + lo + " > hi " + hi);
        }
        return unary(x, v -> Math.min(Math.max(v, lo), hi), (v, y) -> (v > lo && v < hi) ? 1f : 0f);
    }

    /** Heaviside step forward ({@code 1 if x > 0 else 0}), surrogate derivative {@code σ'(x)} backward. */
    public static Var spike(Var x, Surrogate s) {
        return unary(x, v -> v > 0 ? 1f : 0f, (v, y) -> s.derivative(v));
    }

    /**
     * An op whose forward value and local derivative are given element by element: the result is {@code value},
     * and the gradient reaching {@code x} is {@code g·derivative}. This is how a sampled spike is made: the draw
     * forward, a chosen derivative (escape noise, straight-through) backward.
     */
    public static Var given(Var x, Tensor value, float[] derivative) {
        if (!java.util.Arrays.equals(value.shape(), x.shape()) || derivative.length != value.size()) {
            throw new IllegalArgumentException("given: value " + java.util.Arrays.toString(value.shape())
                    + " and " + derivative.length + " derivatives for an input of shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        return x.tape().record(value, g -> {
            if (!x.requiresGrad()) {
                return;
            }
            float[] gx = x.gradData();
            float[] gs = g.data();
            for (int i = 0; i < derivative.length; i++) {
                gx[i] += gs[i] * derivative[i];
            }
        }, x);
    }

    static float sigmoid(float v) {
        return (float) (1.0 / (1.0 + Math.exp(-v)));
    }

    // ------------------------------------------------------------------ matmul

    /** {@code op(a) · op(b)} for 2-D operands. */
    public static Var matmul(Var a, boolean ta, Var b, boolean tb) {
        Tensor av = a.value();
        Tensor bv = b.value();
        Tensor out = Tensor.matmul(av, ta, bv, tb);
        int m = out.dim(0);
        int n = out.dim(1);
        int k = ta ? av.dim(0) : av.dim(1);
        return a.tape().record(out, g -> {
            Blas blas = Blas.get();
            float[] gd = g.data();
            if (a.requiresGrad()) {
                float[] ga = a.gradData();
                if (!ta) { // dA[m,k] = g[m,n] · op(B)ᵀ
                    blas.sgemm(false, !tb, m, k, n, 1f, gd, 0, n, bv.data(), 0, bv.dim(1), 1f, ga, 0, k);
                } else { // dA[k,m] = op(B)[k,n] · gᵀ
                    blas.sgemm(tb, true, k, m, n, 1f, bv.data(), 0, bv.dim(1), gd, 0, n, 1f, ga, 0, m);
                }
            }
            if (b.requiresGrad()) {
                float[] gb = b.gradData();
                if (!tb) { // dB[k,n] = op(A)ᵀ[k,m] · g[m,n]
                    blas.sgemm(!ta, false, k, n, m, 1f, av.data(), 0, av.dim(1), gd, 0, n, 1f, gb, 0, n);
                } else { // dB[n,k] = gᵀ[n,m] · op(A)[m,k]
                    blas.sgemm(true, ta, n, k, m, 1f, gd, 0, n, av.data(), 0, av.dim(1), 1f, gb, 0, k);
                }
            }
        }, a, b);
    }

    /**
     * The affine map {@code x·Wᵀ + b} for {@code x [..., K]} (any number of leading axes, as in PyTorch's
     * {@code nn.Linear}; a sequence {@code [T, B, K]} needs no reshape and so no copy of its gradient), {@code W [N, K]}
     * (PyTorch's layout) and {@code b [N]}, giving {@code [..., N]}; backward {@code ∂x = g·W}, {@code ∂W = gᵀ·x},
     * {@code ∂b = Σ_rows g}.
     */
    public static Var linear(Var x, Var w, Var b) {
        int[] sx = x.shape();
        int[] sw = w.shape();
        if (sx.length < 2 || sw.length != 2 || sx[sx.length - 1] != sw[1]) {
            throw new IllegalArgumentException("linear: input " + Shapes.str(sx) + " does not fit weight "
                    + Shapes.str(sw) + " ([out, in])");
        }
        int k = sx[sx.length - 1];
        int m = x.value().size() / k;
        int n = sw[0];
        int[] sy = sx.clone();
        sy[sy.length - 1] = n;
        if (b.value().size() != n) {
            throw new IllegalArgumentException("linear: bias " + Shapes.str(b.shape()) + " for " + n + " outputs");
        }
        float[] bias = b.value().data();
        float[] ys = Arena.floatsToOverwrite(m * n); // every row gets the bias below
        for (int i = 0; i < m; i++) {
            System.arraycopy(bias, 0, ys, i * n, n);
        }
        // A 0/1 spike input below the crossover density: add the rows of Wᵀ at the active inputs (event-driven)
        // (a spike tensor brings its events, found by the data source; otherwise the input is scanned for them)
        double maxDensity = Kernels.eventMaxDensity(Kernels.linearCrossover(n));
        SpikeRows given = x.value().events();
        SpikeRows events = given == null ? SpikeRows.of(x.value().data(), 0, m, k, maxDensity)
                : maxDensity > 0 && given.density() <= maxDensity ? given : null;
        // rows of Wᵀ on cache-line boundaries for the SIMD kernel (see SpikeRows.ALIGNED_OFFSET)
        boolean aligned = events != null && SpikeRows.VECTOR && n >= 64;
        int wtOff = aligned ? SpikeRows.ALIGNED_OFFSET : 0;
        int wtStride = aligned ? SpikeRows.alignedStride(n) : n;
        if (events != null) {
            events.addRowsInto(Kernels.transposed(w.value().data(), n, k, wtOff, wtStride), wtOff, wtStride, n, ys, 0);
        } else if (n <= Kernels.NARROW) {
            Kernels.addNarrowDots(m, k, n, x.value().data(), w.value().data(), ys);
        } else {
            Blas.get().sgemm(false, true, m, n, k, 1f, x.value().data(), 0, k, w.value().data(), 0, k, 1f, ys, 0, n);
        }
        return x.tape().record(Tensor.of(ys, sy), g -> {
            Blas blas = Blas.get();
            float[] gd = g.data();
            if (x.requiresGrad()) {
                // the first gradient to reach x is written (β = 0: the BLAS neither reads nor copies in an array of
                // zeros, and adds the product to zero as it would with β = 1); later ones are added
                boolean fresh = x.gradOrNull() == null;
                float[] gx = fresh ? x.freshGradToOverwrite() : x.gradData();
                if (n <= Kernels.NARROW) {
                    Kernels.narrowProduct(m, n, k, gd, w.value().data(), gx, !fresh);
                } else {
                    blas.sgemm(false, false, m, k, n, 1f, gd, 0, n, w.value().data(), 0, k, fresh ? 0f : 1f, gx, 0, k);
                }
            }
            if (w.requiresGrad()) {
                if (events != null) {
                    // ∂L/∂W[o, j] = Σ over the rows i where input j spiked of g[i, o]
                    events.weightGradIntoWeights(gd, n, w.gradData());
                } else if (n <= Kernels.NARROW) {
                    Kernels.addNarrowOuter(m, n, k, gd, x.value().data(), w.gradData());
                } else {
                    blas.sgemm(true, false, n, k, m, 1f, gd, 0, n, x.value().data(), 0, k, 1f, w.gradData(), 0, k);
                }
            }
            if (b.requiresGrad()) {
                SpikeRows.addRowSums(gd, m, n, b.gradData());
            }
        }, x, w, b);
    }


    // ------------------------------------------------------------------ reductions

    public static Var sumAll(Var x) {
        float[] xs = x.value().data();
        double s = 0;
        for (float v : xs) {
            s += v;
        }
        return x.tape().record(Tensor.scalar((float) s), g -> {
            if (x.requiresGrad()) {
                float gv = g.item();
                float[] gx = x.gradData();
                for (int i = 0; i < gx.length; i++) {
                    gx[i] += gv;
                }
            }
        }, x);
    }

    public static Var meanAll(Var x) {
        return scale(sumAll(x), 1f / x.value().size());
    }

    private static int[] reducedShape(int[] s, int axis, boolean keep) {
        if (keep) {
            int[] r = s.clone();
            r[axis] = 1;
            return r;
        }
        int[] r = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i != axis) {
                r[j++] = s[i];
            }
        }
        return r;
    }

    public static Var sum(Var x, int axis, boolean keepDim) {
        int[] s = x.shape();
        int ax = Shapes.axis(axis, s.length);
        int outer = Shapes.outer(s, ax);
        int n = s[ax];
        int inner = Shapes.inner(s, ax);
        float[] xs = x.value().data();
        float[] ys = new float[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < n; k++) {
                int base = (o * n + k) * inner;
                for (int i = 0; i < inner; i++) {
                    ys[o * inner + i] += xs[base + i];
                }
            }
        }
        return x.tape().record(Tensor.of(ys, reducedShape(s, ax, keepDim)), g -> {
            if (!x.requiresGrad()) {
                return;
            }
            float[] gx = x.gradData();
            float[] gs = g.data();
            for (int o = 0; o < outer; o++) {
                for (int k = 0; k < n; k++) {
                    int base = (o * n + k) * inner;
                    for (int i = 0; i < inner; i++) {
                        gx[base + i] += gs[o * inner + i];
                    }
                }
            }
        }, x);
    }

    public static Var mean(Var x, int axis, boolean keepDim) {
        int n = x.value().dim(axis);
        return scale(sum(x, axis, keepDim), 1f / n);
    }

    /** Maximum along an axis; the gradient goes to the first index attaining it. */
    public static Var max(Var x, int axis, boolean keepDim) {
        int[] s = x.shape();
        int ax = Shapes.axis(axis, s.length);
        int outer = Shapes.outer(s, ax);
        int n = s[ax];
        int inner = Shapes.inner(s, ax);
        if (n == 0) {
            throw new IllegalArgumentException("max over an empty axis " + axis + " of shape " + Shapes.str(s));
        }
        float[] xs = x.value().data();
        float[] ys = new float[outer * inner];
        int[] arg = new int[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = o * n * inner + i;
                for (int k = 1; k < n; k++) {
                    int idx = (o * n + k) * inner + i;
                    if (xs[idx] > xs[best]) {
                        best = idx;
                    }
                }
                ys[o * inner + i] = xs[best];
                arg[o * inner + i] = best;
            }
        }
        return x.tape().record(Tensor.of(ys, reducedShape(s, ax, keepDim)), g -> {
            if (!x.requiresGrad()) {
                return;
            }
            float[] gx = x.gradData();
            float[] gs = g.data();
            for (int j = 0; j < arg.length; j++) {
                gx[arg[j]] += gs[j];
            }
        }, x);
    }

    // ------------------------------------------------------------------ shape

    /** Same data under a new shape (values are never mutated by ops, so the array is shared). */
    public static Var reshape(Var x, int... shape) {
        Tensor out = x.value().reshape(shape);
        return x.tape().record(out, g -> x.accumulate(g.data()), x);
    }

    /** Swaps two axes. */
    public static Var transpose(Var x, int a, int b) {
        int[] s = x.shape();
        int r = s.length;
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) {
            perm[i] = i;
        }
        int aa = Shapes.axis(a, r);
        int bb = Shapes.axis(b, r);
        perm[aa] = bb;
        perm[bb] = aa;
        return permute(x, perm);
    }

    /** Output axis {@code i} is input axis {@code perm[i]}. */
    public static Var permute(Var x, int... perm) {
        int[] s = x.shape();
        int r = s.length;
        if (perm.length != r) {
            throw new IllegalArgumentException("permute " + Arrays.toString(perm) + " for shape " + Shapes.str(s));
        }
        boolean[] seen = new boolean[r];
        for (int p : perm) {
            if (p < 0 || p >= r || seen[p]) {
                throw new IllegalArgumentException("permute " + Arrays.toString(perm) + " is not a permutation of 0.."
                        + (r - 1));
            }
            seen[p] = true;
        }
        int[] inStride = new int[r];
        int st = 1;
        for (int i = r - 1; i >= 0; i--) {
            inStride[i] = st;
            st *= s[i];
        }
        int[] os = new int[r];
        int[] strideOut = new int[r];
        for (int i = 0; i < r; i++) {
            os[i] = s[perm[i]];
            strideOut[i] = inStride[perm[i]];
        }
        int n = x.value().size();
        int[] src = new int[n];
        int[] counter = new int[r];
        int cur = 0;
        for (int e = 0; e < n; e++) {
            src[e] = cur;
            for (int i = r - 1; i >= 0; i--) {
                counter[i]++;
                cur += strideOut[i];
                if (counter[i] < os[i]) {
                    break;
                }
                cur -= strideOut[i] * counter[i];
                counter[i] = 0;
            }
        }
        float[] xs = x.value().data();
        float[] ys = new float[n];
        for (int e = 0; e < n; e++) {
            ys[e] = xs[src[e]];
        }
        return x.tape().record(Tensor.of(ys, os), g -> {
            if (!x.requiresGrad()) {
                return;
            }
            float[] gx = x.gradData();
            float[] gs = g.data();
            for (int e = 0; e < n; e++) {
                gx[src[e]] += gs[e];
            }
        }, x);
    }

    /** Elements {@code start} (inclusive) to {@code end} (exclusive) along {@code axis}. */
    public static Var slice(Var x, int axis, int start, int end) {
        int[] s = x.shape();
        int ax = Shapes.axis(axis, s.length);
        if (start < 0 || end > s[ax] || start > end) {
            throw new IllegalArgumentException("slice [" + start + ", " + end + ") outside axis " + axis
                    + " of shape " + Shapes.str(s));
        }
        int outer = Shapes.outer(s, ax);
        int inner = Shapes.inner(s, ax);
        int n = s[ax];
        int len = (end - start) * inner;
        int[] os = s.clone();
        os[ax] = end - start;
        float[] xs = x.value().data();
        float[] ys = new float[outer * len];
        for (int o = 0; o < outer; o++) {
            System.arraycopy(xs, (o * n + start) * inner, ys, o * len, len);
        }
        return x.tape().record(Tensor.of(ys, os), g -> {
            if (!x.requiresGrad()) {
                return;
            }
            float[] gx = x.gradData();
            float[] gs = g.data();
            for (int o = 0; o < outer; o++) {
                int src = o * len;
                int dst = (o * n + start) * inner;
                for (int i = 0; i < len; i++) {
                    gx[dst + i] += gs[src + i];
                }
            }
        }, x);
    }

    public static Var select(Var x, int axis, int i) {
        int[] s = x.shape();
        int ax = Shapes.axis(axis, s.length);
        return reshape(slice(x, ax, i, i + 1), reducedShape(s, ax, false));
    }

    /** Joins variables along an existing axis; all other dimensions must agree. */
    public static Var concat(int axis, Var... xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("concat of nothing");
        }
        int[] s0 = xs[0].shape();
        int ax = Shapes.axis(axis, s0.length);
        int total = 0;
        for (Var v : xs) {
            int[] s = v.shape();
            if (s.length != s0.length) {
                throw new IllegalArgumentException("concat: ranks differ: " + Shapes.str(s0) + " vs " + Shapes.str(s));
            }
            for (int i = 0; i < s.length; i++) {
                if (i != ax && s[i] != s0[i]) {
                    throw new IllegalArgumentException("concat along " + axis + ": shapes " + Shapes.str(s0)
                            + " and " + Shapes.str(s) + " differ off that axis");
                }
            }
            total += s[ax];
        }
        final int totalLen = total;
        int outer = Shapes.outer(s0, ax);
        int inner = Shapes.inner(s0, ax);
        int[] os = s0.clone();
        os[ax] = total;
        float[] ys = new float[outer * total * inner];
        int[] offsets = new int[xs.length];
        int off = 0;
        for (int j = 0; j < xs.length; j++) {
            offsets[j] = off;
            int len = xs[j].value().dim(ax) * inner;
            float[] src = xs[j].value().data();
            for (int o = 0; o < outer; o++) {
                System.arraycopy(src, o * len, ys, o * total * inner + off, len);
            }
            off += len;
        }
        Tape tape = xs[0].tape();
        return tape.record(Tensor.of(ys, os), g -> {
            float[] gs = g.data();
            for (int j = 0; j < xs.length; j++) {
                if (!xs[j].requiresGrad()) {
                    continue;
                }
                float[] gx = xs[j].gradData();
                int len = xs[j].value().dim(ax) * inner;
                for (int o = 0; o < outer; o++) {
                    int src = o * totalLen * inner + offsets[j];
                    for (int i = 0; i < len; i++) {
                        gx[o * len + i] += gs[src + i];
                    }
                }
            }
        }, xs);
    }

    /** Stacks same-shaped variables along a new axis. */
    public static Var stack(int axis, Var... xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("stack of nothing");
        }
        int[] s0 = xs[0].shape();
        int ax = axis < 0 ? axis + s0.length + 1 : axis;
        if (ax < 0 || ax > s0.length) {
            throw new IllegalArgumentException("stack axis " + axis + " out of range for rank " + s0.length);
        }
        int[] us = new int[s0.length + 1];
        for (int i = 0, j = 0; i < us.length; i++) {
            us[i] = i == ax ? 1 : s0[j++];
        }
        for (int j = 0; j < xs.length; j++) {
            if (!Arrays.equals(xs[j].shape(), s0)) {
                throw new IllegalArgumentException("stack: shape " + Shapes.str(xs[j].shape()) + " of item " + j
                        + " differs from " + Shapes.str(s0));
            }
        }
        return stackDirect(ax, s0, us, xs);
    }

    private static Var stackDirect(int ax, int[] s0, int[] us, Var[] xs) {
        int outer = Shapes.outer(us, ax);
        int inner = Shapes.inner(us, ax);
        int n = xs.length;
        int[] os = us.clone();
        os[ax] = n;
        float[] ys = new float[outer * n * inner];
        for (int j = 0; j < n; j++) {
            float[] src = xs[j].value().data();
            for (int o = 0; o < outer; o++) {
                System.arraycopy(src, o * inner, ys, (o * n + j) * inner, inner);
            }
        }
        return xs[0].tape().record(Tensor.of(ys, os), g -> {
            float[] gs = g.data();
            for (int j = 0; j < n; j++) {
                if (!xs[j].requiresGrad()) {
                    continue;
                }
                float[] gx = xs[j].gradData();
                for (int o = 0; o < outer; o++) {
                    int src = (o * n + j) * inner;
                    for (int i = 0; i < inner; i++) {
                        gx[o * inner + i] += gs[src + i];
                    }
                }
            }
        }, xs);
    }

    // ------------------------------------------------------------------ classification

    /** {@code x - log Σ exp(x)} along an axis. */
    public static Var logSoftmax(Var x, int axis) {
        int[] s = x.shape();
        int ax = Shapes.axis(axis, s.length);
        int outer = Shapes.outer(s, ax);
        int n = s[ax];
        int inner = Shapes.inner(s, ax);
        float[] xs = x.value().data();
        float[] ys = new float[xs.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                float mx = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) {
                    mx = Math.max(mx, xs[base + k * inner]);
                }
                double se = 0;
                for (int k = 0; k < n; k++) {
                    se += Math.exp(xs[base + k * inner] - mx);
                }
                float lse = (float) (mx + Math.log(se));
                for (int k = 0; k < n; k++) {
                    ys[base + k * inner] = xs[base + k * inner] - lse;
                }
            }
        }
        return x.tape().record(Tensor.of(ys, s), g -> {
            if (!x.requiresGrad()) {
                return;
            }
            float[] gx = x.gradData();
            float[] gs = g.data();
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int base = o * n * inner + i;
                    double gsum = 0;
                    for (int k = 0; k < n; k++) {
                        gsum += gs[base + k * inner];
                    }
                    for (int k = 0; k < n; k++) {
                        int idx = base + k * inner;
                        gx[idx] += (float) (gs[idx] - Math.exp(ys[idx]) * gsum);
                    }
                }
            }
        }, x);
    }

    /** Mean over the batch of {@code -log softmax(logits)[b, targets[b]]}, logits {@code [B, C]}. */
    public static Var crossEntropy(Var logits, int[] targets) {
        int[] s = logits.shape();
        if (s.length != 2) {
            throw new IllegalArgumentException("crossEntropy needs logits [B, C], got " + Shapes.str(s));
        }
        int bsz = s[0];
        int c = s[1];
        if (targets.length != bsz) {
            throw new IllegalArgumentException("crossEntropy: " + targets.length + " targets for a batch of " + bsz);
        }
        for (int t : targets) {
            if (t < 0 || t >= c) {
                throw new IllegalArgumentException("crossEntropy: target class " + t + " outside 0.." + (c - 1));
            }
        }
        float[] xs = logits.value().data();
        float[] p = new float[xs.length];
        double loss = 0;
        for (int b = 0; b < bsz; b++) {
            float mx = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) {
                mx = Math.max(mx, xs[b * c + k]);
            }
            double se = 0;
            for (int k = 0; k < c; k++) {
                se += Math.exp(xs[b * c + k] - mx);
            }
            double lse = mx + Math.log(se);
            for (int k = 0; k < c; k++) {
                p[b * c + k] = (float) Math.exp(xs[b * c + k] - lse);
            }
            loss += lse - xs[b * c + targets[b]];
        }
        return logits.tape().record(Tensor.scalar((float) (loss / bsz)), g -> {
            if (!logits.requiresGrad()) {
                return;
            }
            float gv = g.item() / bsz;
            float[] gx = logits.gradData();
            for (int b = 0; b < bsz; b++) {
                for (int k = 0; k < c; k++) {
                    gx[b * c + k] += gv * (p[b * c + k] - (k == targets[b] ? 1f : 0f));
                }
            }
        }, logits);
    }
}
