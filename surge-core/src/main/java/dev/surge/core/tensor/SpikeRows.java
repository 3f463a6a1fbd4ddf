package dev.surge.core.tensor;

/**
 * The active entries of a 0/1 matrix {@code [rows, cols]} row by row (compressed sparse rows without values), for
 * event-driven products: with a spike matrix {@code S}, {@code S·Wᵀ} is the sum of the rows of {@code Wᵀ} at the
 * active columns, and the weight gradient {@code Gᵀ·S} only involves the active entries. Work is proportional to
 * the number of spikes instead of {@code rows·cols}.
 */
public final class SpikeRows {
    private final int rows;
    private final int cols;
    private final int[] start;
    private final int[] index;

    private SpikeRows(int rows, int cols, int[] start, int[] index) {
        this.rows = rows;
        this.cols = cols;
        this.start = start;
        this.index = index;
    }

    /**
     * The active entries of {@code x[off .. off + rows·cols)}, or {@code null} if some element is neither 0 nor 1 or
     * more than {@code maxDensity} of them are 1 (the scan stops as soon as either is seen).
     */
    public static SpikeRows of(float[] x, int off, int rows, int cols, double maxDensity) {
        long limit = (long) Math.floor(maxDensity * rows * (double) cols);
        int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, Math.min(limit, (long) rows * cols / 8 + 16)));
        int[] idx = new int[cap];
        int[] st = new int[rows + 1];
        int nnz = 0;
        for (int r = 0; r < rows; r++) {
            int base = off + r * cols;
            for (int c = 0; c < cols; c++) {
                float v = x[base + c];
                if (v == 0f) {
                    continue;
                }
                if (v != 1f || nnz >= limit) {
                    return null;
                }
                if (nnz == idx.length) {
                    idx = java.util.Arrays.copyOf(idx, (int) Math.min(limit, 2L * idx.length));
                }
                idx[nnz++] = c;
            }
            st[r + 1] = nnz;
        }
        return new SpikeRows(rows, cols, st, idx);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Number of active entries. */
    public int count() {
        return start[rows];
    }

    /** Fraction of active entries. */
    public double density() {
        return rows == 0 || cols == 0 ? 0 : (double) count() / ((double) rows * cols);
    }

    /**
     * {@code y[r, :] += Σ_{c active in row r} wt[c, :]} for {@code y [rows, n]} and {@code wt [cols, n]}: the product
     * {@code S·Wᵀ} with {@code wt = Wᵀ}. Four weight rows are summed per pass over {@code y}'s row (a quarter of the
     * loads and stores of {@code y}); the order of the sums is fixed, so results are deterministic.
     */
    public void addRowsInto(float[] wt, int n, float[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            int yb = yOff + r * n;
            int p = start[r];
            int end = start[r + 1];
            for (; p + 3 < end; p += 4) {
                int a = index[p] * n;
                int b = index[p + 1] * n;
                int c = index[p + 2] * n;
                int d = index[p + 3] * n;
                for (int o = 0; o < n; o++) {
                    y[yb + o] += (wt[a + o] + wt[b + o]) + (wt[c + o] + wt[d + o]);
                }
            }
            for (; p < end; p++) {
                int wb = index[p] * n;
                for (int o = 0; o < n; o++) {
                    y[yb + o] += wt[wb + o];
                }
            }
        }
    }

    /**
     * {@code gwt[c, :] += g[r, :]} for every active {@code (r, c)}, with {@code g [rows, n]} and {@code gwt [cols, n]}:
     * the weight gradient {@code (Gᵀ·S)ᵀ} of {@code S·Wᵀ}.
     */
    public void scatterRowsInto(float[] g, int gOff, int n, float[] gwt) {
        for (int r = 0; r < rows; r++) {
            int gb = gOff + r * n;
            int p = start[r];
            int end = start[r + 1];
            for (; p + 3 < end; p += 4) {
                int a = index[p] * n;
                int b = index[p + 1] * n;
                int c = index[p + 2] * n;
                int d = index[p + 3] * n;
                for (int o = 0; o < n; o++) {
                    float v = g[gb + o];
                    gwt[a + o] += v;
                    gwt[b + o] += v;
                    gwt[c + o] += v;
                    gwt[d + o] += v;
                }
            }
            for (; p < end; p++) {
                int wb = index[p] * n;
                for (int o = 0; o < n; o++) {
                    gwt[wb + o] += g[gb + o];
                }
            }
        }
    }
}
