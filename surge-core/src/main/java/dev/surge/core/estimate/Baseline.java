package dev.surge.core.estimate;

/**
 * The baseline {@code c_b} a score-function estimator subtracts from each row's objective. It must not depend on the
 * current draw, so that the estimate stays unbiased: {@code E[c·∇log P] = c·∇Σ P = 0}.
 */
public interface Baseline {

    /** The baseline of row {@code row} before the current draw. */
    float value(int row);

    /** Records the objectives of a finished draw. */
    void update(float[] rowLosses);

    /** No baseline. */
    Baseline NONE = new Baseline() {
        @Override
        public float value(int row) {
            return 0f;
        }

        @Override
        public void update(float[] rowLosses) {
        }
    };

    /**
     * A per-row running mean over all earlier draws on the same batch (the estimator lab's baseline; the first
     * draw has none).
     */
    static Baseline runningMean(int rows) {
        return new Baseline() {
            private final double[] sum = new double[rows];
            private long n;

            @Override
            public float value(int row) {
                return n == 0 ? 0f : (float) (sum[row] / n);
            }

            @Override
            public void update(float[] rowLosses) {
                for (int r = 0; r < rows; r++) {
                    sum[r] += rowLosses[r];
                }
                n++;
            }
        };
    }
}
