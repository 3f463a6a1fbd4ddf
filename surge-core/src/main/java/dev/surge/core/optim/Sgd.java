package dev.surge.core.optim;

import dev.surge.core.nn.Parameter;
import java.util.List;

/**
 * SGD with momentum in PyTorch's form: {@code g ← g + wd·p}; {@code buf ← momentum·buf + g} ({@code buf = g} at the
 * first step); {@code p ← p − lr·buf}.
 */
public final class Sgd implements Optimizer {
    private final List<Parameter> params;
    private final float momentum;
    private final float weightDecay;
    private final float[][] buf;
    private float lr;

    public Sgd(List<Parameter> params, float lr, float momentum, float weightDecay) {
        if (!(lr >= 0) || !(momentum >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("sgd: lr, momentum and weight decay must be >= 0");
        }
        this.params = List.copyOf(params);
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.buf = new float[this.params.size()][];
    }

    @Override
    public void step() {
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            float[] w = p.value().data();
            float[] g = p.grad().data();
            boolean first = buf[i] == null;
            if (first && momentum != 0f) {
                buf[i] = new float[w.length];
            }
            for (int j = 0; j < w.length; j++) {
                float d = g[j] + weightDecay * w[j];
                if (momentum != 0f) {
                    d = first ? d : momentum * buf[i][j] + d;
                    buf[i][j] = d;
                }
                w[j] -= lr * d;
            }
        }
    }

    @Override
    public java.util.Map<String, dev.surge.core.tensor.Tensor> state() {
        java.util.Map<String, dev.surge.core.tensor.Tensor> s = new java.util.LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            if (buf[i] != null) {
                s.put("buf." + i, dev.surge.core.tensor.Tensor.of(buf[i].clone(), params.get(i).value().shape()));
            }
        }
        return s;
    }

    @Override
    public void loadState(java.util.Map<String, dev.surge.core.tensor.Tensor> state) {
        for (int i = 0; i < params.size(); i++) {
            if (state.containsKey("buf." + i)) {
                buf[i] = new float[params.get(i).value().size()];
                Adam.copyInto(state, "buf." + i, buf[i]);
            } else {
                buf[i] = null;
            }
        }
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
