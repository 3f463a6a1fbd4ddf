package dev.surge.core.optim;

import dev.surge.core.nn.Parameter;
import java.util.List;

/**
 * Adam and AdamW as in PyTorch. At step t: {@code m ← β₁m + (1−β₁)g}, {@code v ← β₂v + (1−β₂)g²},
 * {@code p ← p − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε)}. Adam's weight decay adds {@code wd·p} to g first;
 * AdamW's ({@link #adamW}) instead multiplies p by {@code 1 − lr·wd} before the update.
 */
public final class Adam implements Optimizer {
    private final List<Parameter> params;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final boolean decoupled;
    private final float[][] m;
    private final float[][] v;
    private float lr;
    private int t;

    private Adam(List<Parameter> params, float lr, float beta1, float beta2, float eps, float weightDecay,
                 boolean decoupled) {
        if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0)
                || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("adam: need lr >= 0, 0 <= betas < 1, eps >= 0, weight decay >= 0");
        }
        this.params = List.copyOf(params);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.m = new float[this.params.size()][];
        this.v = new float[this.params.size()][];
        for (int i = 0; i < this.params.size(); i++) {
            m[i] = new float[this.params.get(i).value().size()];
            v[i] = new float[this.params.get(i).value().size()];
        }
    }

    /** Adam (L2 weight decay added to the gradient). */
    public static Adam adam(List<Parameter> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        return new Adam(params, lr, beta1, beta2, eps, weightDecay, false);
    }

    /** Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public static Adam adam(List<Parameter> params, float lr) {
        return adam(params, lr, 0.9f, 0.999f, 1e-8f, 0f);
    }

    /** AdamW (decoupled weight decay). */
    public static Adam adamW(List<Parameter> params, float lr, float beta1, float beta2, float eps,
                             float weightDecay) {
        return new Adam(params, lr, beta1, beta2, eps, weightDecay, true);
    }

    @Override
    public void step() {
        step(tasks -> tasks.forEach(Runnable::run), 1);
    }

    @Override
    public void step(java.util.function.Consumer<List<Runnable>> runAll, int parts) {
        int step = t + 1; // counted once every part has been applied
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        List<Runnable> tasks = new java.util.ArrayList<>(parts);
        for (int part = 0; part < parts; part++) {
            int q = part;
            tasks.add(() -> {
                for (int i = 0; i < params.size(); i++) {
                    int n = m[i].length;
                    update(i, (int) ((long) n * q / parts), (int) ((long) n * (q + 1) / parts), stepSize, bc2Sqrt);
                }
            });
        }
        runAll.accept(tasks);
        t = step;
    }

    /** The update of elements {@code [lo, hi)} of parameter {@code i}. */
    private void update(int i, int lo, int hi, float stepSize, float bc2Sqrt) {
        Parameter p = params.get(i);
        float[] w = p.value().data();
        float[] g = p.grad().data();
        float[] mi = m[i];
        float[] vi = v[i];
        for (int j = lo; j < hi; j++) {
            float gj = g[j];
            if (decoupled) {
                w[j] *= 1f - lr * weightDecay;
            } else if (weightDecay != 0f) {
                gj += weightDecay * w[j];
            }
            mi[j] = beta1 * mi[j] + (1 - beta1) * gj;
            vi[j] = beta2 * vi[j] + (1 - beta2) * gj * gj;
            float denom = (float) Math.sqrt(vi[j]) / bc2Sqrt + eps;
            w[j] -= stepSize * mi[j] / denom;
        }
    }

    @Override
    public java.util.Map<String, dev.surge.core.tensor.Tensor> state() {
        java.util.Map<String, dev.surge.core.tensor.Tensor> s = new java.util.LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            int[] shape = params.get(i).value().shape();
            s.put("m." + i, dev.surge.core.tensor.Tensor.of(m[i].clone(), shape));
            s.put("v." + i, dev.surge.core.tensor.Tensor.of(v[i].clone(), shape));
        }
        s.put("step", dev.surge.core.tensor.Tensor.scalar(t));
        return s;
    }

    @Override
    public void loadState(java.util.Map<String, dev.surge.core.tensor.Tensor> state) {
        for (int i = 0; i < params.size(); i++) {
            copyInto(state, "m." + i, m[i]);
            copyInto(state, "v." + i, v[i]);
        }
        dev.surge.core.tensor.Tensor st = state.get("step");
        if (st == null || st.size() != 1) {
            throw new IllegalArgumentException("optimizer state: missing 'step'");
        }
        t = (int) st.item();
    }

    static void copyInto(java.util.Map<String, dev.surge.core.tensor.Tensor> state, String key, float[] dst) {
        dev.surge.core.tensor.Tensor x = state.get(key);
        if (x == null) {
            throw new IllegalArgumentException("optimizer state: missing '" + key + "'");
        }
        if (x.size() != dst.length) {
            throw new IllegalArgumentException("optimizer state: '" + key + "' has " + x.size() + " values, expected "
                    + dst.length);
        }
        System.arraycopy(x.data(), 0, dst, 0, dst.length);
    }

    /** Steps taken so far. */
    public int steps() {
        return t;
    }

    @Override
    public List<Parameter> parameters() {
        return params;
    }

    @Override
    public float learningRate() {
        return lr;
    }

    @Override
    public void setLearningRate(float lr) {
        this.lr = lr;
    }
}
