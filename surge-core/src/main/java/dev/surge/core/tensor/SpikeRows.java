package dev.surge.core.tensor;

/**
 * The active entries of a 0/1 matrix {@code [rows, cols]} row by row (compressed sparse rows without values), for
 * event-driven products: with a spike matrix {@code S}, {@code S·Wᵀ} is the sum of the rows of {@code Wᵀ} at the
 * active columns, and the weight gradient {@code Gᵀ·S} only involves the active entries. Work is proportional to
 * the number of spikes instead of {@code rows·cols}. A column listed k times in a row stands for the value k (several
 * events of one input in one time step); the columns of a row are listed in ascending order.
 */
public final class SpikeRows {
    private final int rows;
    private final int cols;
    private final int[] start;
    private final int[] index;
    private float[] dense; // the values, built on first request by toDense()

    private SpikeRows(int rows, int cols, int[] start, int[] index) {
        this.rows = rows;
        this.cols = cols;
        this.start = start;
        this.index = index;
    }

    /**
     * The active entries of {@code x[off .. off + rows·cols)}, or {@code null} if {@code maxDensity ≤ 0}, some element
     * is neither 0 nor 1, or more than {@code maxDensity} of them are 1 (the scan stops as soon as either is seen).
     */
    public static SpikeRows of(float[] x, int off, int rows, int cols, double maxDensity) {
        if (!(maxDensity > 0)) {
            return null; // the dense path is required (forced, or a layer too narrow to gain), even for all-zero input
        }
        long limit = (long) Math.floor(maxDensity * rows * (double) cols);
        // start at a few percent of the entries (typical spike densities) and grow by doubling up to the limit
        int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, Math.min(limit, (long) rows * cols / 32 + 16)));
        // from the arena when one is installed (the lists live as long as the step that uses them)
        int[] idx = Arena.intsAtLeast(cap);
        int[] st = Arena.intsAtLeast(rows + 1);
        st[0] = 0;
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
                    int[] bigger = Arena.intsAtLeast((int) Math.min(limit, 2L * idx.length));
                    System.arraycopy(idx, 0, bigger, 0, nnz);
                    idx = bigger;
                }
                idx[nnz++] = c;
            }
            st[r + 1] = nnz;
        }
        return new SpikeRows(rows, cols, st, idx);
    }

    /**
     * The entries {@code (row[e], col[e])} for {@code e < count}, in any order; an entry given k times has the value
     * k. Rows are grouped by a counting sort and each row's columns sorted, so the lists are those {@link #of} finds
     * in the equivalent float matrix (when its values are 0 or 1).
     *
     * @throws IllegalArgumentException naming the first entry outside {@code [0, rows) × [0, cols)}
     */
    public static SpikeRows fromEntries(int rows, int cols, int[] row, int[] col, int count) {
        int[] st = new int[rows + 1];
        for (int e = 0; e < count; e++) {
            if (row[e] < 0 || row[e] >= rows || col[e] < 0 || col[e] >= cols) {
                throw new IllegalArgumentException("event " + e + " at (row " + row[e] + ", column " + col[e]
                        + ") outside [0, " + rows + ") × [0, " + cols + ")");
            }
            st[row[e] + 1]++;
        }
        for (int r = 0; r < rows; r++) {
            st[r + 1] += st[r];
        }
        int[] fill = java.util.Arrays.copyOf(st, rows);
        int[] idx = Arena.intsAtLeast(count);
        for (int e = 0; e < count; e++) {
            idx[fill[row[e]]++] = col[e];
        }
        for (int r = 0; r < rows; r++) {
            if (st[r + 1] - st[r] > 1) {
                java.util.Arrays.sort(idx, st[r], st[r + 1]);
            }
        }
        return new SpikeRows(rows, cols, st, idx);
    }

    /**
     * Row lists given directly: row {@code r}'s active columns are {@code index[start[r] .. start[r+1])}, in
     * ascending order (a column listed k times has the value k). The arrays are kept, not copied.
     *
     * @throws IllegalArgumentException naming the first row whose list is out of range or not ascending
     */
    public static SpikeRows ofRows(int rows, int cols, int[] start, int[] index) {
        if (start.length < rows + 1 || start[0] != 0) {
            throw new IllegalArgumentException("row starts: need " + (rows + 1) + " entries from 0");
        }
        for (int r = 0; r < rows; r++) {
            int p0 = start[r];
            int p1 = start[r + 1];
            if (p1 < p0 || p1 > index.length) {
                throw new IllegalArgumentException("row " + r + ": list [" + p0 + ", " + p1 + ") out of range");
            }
            int prev = 0;
            for (int p = p0; p < p1; p++) {
                int c = index[p];
                if (c < prev || c >= cols) {
                    throw new IllegalArgumentException("row " + r + ": column " + c + " out of order or outside [0, "
                            + cols + ")");
                }
                prev = c;
            }
        }
        return new SpikeRows(rows, cols, start, index);
    }

    /**
     * The matrix as floats {@code [rows, cols]} (each entry counted), built once and then shared: callers must not
     * modify it.
     */
    public float[] toDense() {
        if (dense == null) {
            float[] d = Arena.floats(Math.multiplyExact(rows, cols)); // recycled with the chunk that made it
            for (int r = 0; r < rows; r++) {
                for (int p = start[r]; p < start[r + 1]; p++) {
                    d[r * cols + index[p]] += 1f;
                }
            }
            dense = d;
        }
        return dense;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The same entries with {@code shift} empty rows before the first: row {@code r} becomes row {@code r + shift}. */
    public SpikeRows shiftedDown(int shift) {
        int[] st = new int[rows + shift + 1];
        System.arraycopy(start, 0, st, shift, rows + 1);
        return new SpikeRows(rows + shift, cols, st, index);
    }

    /** Rows {@code [from, to)} as their own matrix (the lists are copied). */
    public SpikeRows rows(int from, int to) {
        if (from < 0 || to > rows || from > to) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") outside [0, " + rows + ")");
        }
        int[] st = new int[to - from + 1];
        for (int r = 0; r <= to - from; r++) {
            st[r] = start[from + r] - start[from];
        }
        return new SpikeRows(to - from, cols, st, java.util.Arrays.copyOfRange(index, start[from], start[to]));
    }

    /** Number of active entries. */
    public int count() {
        return start[rows];
    }

    /** Fraction of active entries. */
    public double density() {
        return rows == 0 || cols == 0 ? 0 : (double) count() / ((double) rows * cols);
    }

    /** Whether the SIMD kernels are used: the Vector API module is present and {@code surge.vector} is not false. */
    public static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("surge.vector"));

    /**
     * {@code out[outOff + i·n + o] += Σ_{p in [start[i], start[i+1])} src[list[p]·n + o]} for every segment {@code i}:
     * row adds for index lists built elsewhere (the recurrent layer's own spikes, listed by the neuron kernel). SIMD
     * when available; both paths sum in list order.
     */
    public static void addSegments(int segments, int[] start, int[] list, float[] src, int n, float[] out, int outOff) {
        if (VECTOR) {
            VectorKernels.segmentSumsSmall(segments, start, list, src, n, out, outOff);
        } else {
            segmentSumsScalar(segments, start, list, src, 0, n, n, out, outOff);
        }
    }

    /**
     * The scalar kernel behind every product here: {@code out[outOff + i·n + o] += Σ_p src[srcOff + list[p]·srcStride
     * + o]}; {@link VectorKernels} sums each element in the same order.
     */
    static void segmentSumsScalar(int segments, int[] start, int[] list, float[] src, int srcOff, int srcStride, int n,
                                  float[] out, int outOff) {
        for (int i = 0; i < segments; i++) {
            int ob = outOff + i * n;
            for (int p = start[i]; p < start[i + 1]; p++) {
                int sb = srcOff + list[p] * srcStride;
                for (int o = 0; o < n; o++) {
                    out[ob + o] += src[sb + o];
                }
            }
        }
    }

    /**
     * Where a source of rows that the SIMD kernels read whole should start in its array, and {@link #alignedStride}
     * its row stride, so that every row starts on a 64-byte cache line: a 512-bit load of an unaligned row spans two
     * lines (measured 20–35% slower). This assumes what G1 does with arrays larger than half a heap region (the
     * transposed weights and gradients of layers this wide): it puts them at a region boundary, and a {@code float[]}'s
     * elements start 16 bytes after the object. Elsewhere the offset costs 48 bytes and nothing else; the results do not
     * depend on it.
     */
    public static final int ALIGNED_OFFSET = 12;

    /** The row stride for {@code n} floats that keeps rows on 64-byte boundaries (see {@link #ALIGNED_OFFSET}). */
    public static int alignedStride(int n) {
        return (n + 15) & ~15;
    }

    /**
     * {@code y[r, :] += Σ_{c active in row r} wt[c, :]} for {@code y [rows, n]} and {@code wt [cols, n]}: the product
     * {@code S·Wᵀ} with {@code wt = Wᵀ}. Each element is summed over the active inputs in column order.
     */
    public void addRowsInto(float[] wt, int n, float[] y, int yOff) {
        addRowsInto(wt, 0, n, n, y, yOff);
    }

    /** {@link #addRowsInto(float[], int, float[], int)} with row {@code c} of {@code Wᵀ} at {@code wt[wtOff + c·wtStride]}. */
    public void addRowsInto(float[] wt, int wtOff, int wtStride, int n, float[] y, int yOff) {
        if (VECTOR) {
            VectorKernels.segmentSums(rows, start, index, wt, wtOff, wtStride, n, y, yOff, cols);
        } else {
            segmentSumsScalar(rows, start, index, wt, wtOff, wtStride, n, y, yOff);
        }
    }

    void addRowsScalar(float[] wt, int n, float[] y, int yOff) {
        segmentSumsScalar(rows, start, index, wt, 0, n, n, y, yOff);
    }

    /**
     * {@code gwt[c, :] += Σ_{rows r where c is active} g[r, :]} with {@code g [rows, n]} and {@code gwt [cols, n]}: the
     * weight gradient {@code (Gᵀ·S)ᵀ} of {@code S·Wᵀ}. Each element is summed over the active rows in row order: the
     * rows of each input are listed by a counting sort (the transposed index), so that with SIMD a tile of
     * {@code gwt} stays in registers.
     */
    public void weightGradInto(float[] g, int n, float[] gwt) {
        weightGradInto(g, 0, n, n, gwt);
    }

    /** {@link #weightGradInto(float[], int, float[])} with row {@code r} of {@code G} at {@code g[gOff + r·gStride]}. */
    public void weightGradInto(float[] g, int gOff, int gStride, int n, float[] gwt) {
        SpikeRows byColumn = transposed();
        if (VECTOR) {
            VectorKernels.segmentSums(cols, byColumn.start, byColumn.index, g, gOff, gStride, n, gwt, 0, rows);
        } else {
            segmentSumsScalar(cols, byColumn.start, byColumn.index, g, gOff, gStride, n, gwt, 0);
        }
    }

    /**
     * Smallest slab array, in floats (640 KB): above half a G1 region (up to 1 MB regions), so that G1 places it at a
     * region start and {@link #ALIGNED_OFFSET} aligns its rows.
     */
    private static final int SLAB_MIN_FLOATS = 160 * 1024;

    /**
     * {@code gw[o·cols + c] += Σ_{rows r where c is active} g[r·n + o]} for {@code g [rows, n]} and {@code gw [n, cols]}:
     * the weight gradient of {@code S·Wᵀ} in the layout of {@code W}. Each element is the sum over the active rows in row
     * order, added to {@code gw} once, as with {@link #weightGradInto} into zeros followed by a transposed add.
     *
     * <p>With SIMD and {@code n} at least one tile wide, {@code G} is read through aligned slabs: for each block of
     * columns as wide as a tile (the last one ending at column {@code n}), the block's rows of {@code G} are copied to
     * 64-byte boundaries (a slab of rows × 512 bytes), summed per input into a zeroed buffer, and the buffer is added
     * into {@code gw}'s rows; no copy of all of {@code G} and no {@code [cols, n]} intermediate.
     */
    public void weightGradIntoWeights(float[] g, int n, float[] gw) {
        if (!VECTOR || n < VectorKernels.TILE) {
            float[] gwt = Arena.floats(cols * n);
            weightGradInto(g, n, gwt);
            addTransposed(gwt, cols, 0, n, n, gw, 0);
            return;
        }
        VectorKernels.Plan plan = columnPlan();
        int stride = VectorKernels.TILE;
        float[] slab = Arena.floatsToOverwrite(Math.max(SLAB_MIN_FLOATS, ALIGNED_OFFSET + rows * stride));
        float[] part = Arena.floatsToOverwrite(cols * stride);
        for (int done = 0; done < n; ) {
            // the last slab ends at column n and overlaps the one before (one 8-vector tile instead of narrower
            // ones); its columns already added are summed again, identically, and skipped
            int c0 = Math.min(done, n - stride);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(g, r * n + c0, slab, ALIGNED_OFFSET + r * stride, stride);
            }
            java.util.Arrays.fill(part, 0f);
            VectorKernels.sums(plan, slab, ALIGNED_OFFSET, stride, stride, part, 0, stride);
            addTransposed(part, cols, done - c0, stride, stride, gw, c0 * cols);
            done = c0 + stride;
        }
    }

    /**
     * {@code gb[o] += Σ_r g[r·n + o]} over the rows in order: the bias gradient of a linear layer. SIMD when
     * available (a tile of {@code gb} kept in registers over all rows), the same sums either way.
     */
    public static void addRowSums(float[] g, int rows, int n, float[] gb) {
        if (VECTOR) {
            VectorKernels.addRowSums(g, rows, n, gb);
        } else {
            addRowSumsScalar(g, rows, n, gb);
        }
    }

    static void addRowSumsScalar(float[] g, int rows, int n, float[] gb) {
        for (int r = 0; r < rows; r++) {
            int row = r * n;
            for (int o = 0; o < n; o++) {
                gb[o] += g[row + o];
            }
        }
    }

    /**
     * {@code gw[gwOff + o·cols + c] += part[c·stride + o]} for {@code c < cols}, {@code from ≤ o < w}, in blocks of 16
     * inputs so that both sides stay cached.
     */
    static void addTransposed(float[] part, int cols, int from, int w, int stride, float[] gw, int gwOff) {
        int done = VECTOR ? VectorKernels.addTransposed(part, cols, from, w, stride, gw, gwOff) : 0;
        addTransposedScalar(part, done, cols, from, w, stride, gw, gwOff);
    }

    /** {@link #addTransposed} for the inputs {@code [c0, cols)}. */
    static void addTransposedScalar(float[] part, int c0, int cols, int from, int w, int stride, float[] gw,
                                    int gwOff) {
        for (int cb = c0; cb < cols; cb += 16) {
            int ce = Math.min(cols, cb + 16);
            for (int o = from; o < w; o++) {
                int row = gwOff + o * cols;
                for (int c = cb; c < ce; c++) {
                    gw[row + c] += part[c * stride + o];
                }
            }
        }
    }

    /**
     * The entries listed by column for {@link VectorKernels#sums} with {@code G}'s rows as the source: for each block
     * of {@link VectorKernels#BLOCK} rows (one block when the lists are too sparse to gain from it) and each column,
     * the column's active rows in the block in ascending order, by a counting sort of each block's entries by column.
     */
    private VectorKernels.Plan columnPlan() {
        int nnz = count();
        int perBlock = VectorKernels.blocked(nnz, cols, rows) ? VectorKernels.BLOCK : Math.max(1, rows);
        int blocks = Math.max(1, (rows + perBlock - 1) / perBlock);
        int cells = blocks * cols;
        int[] cellStart = Arena.intsAtLeast(cells + 1);
        int[] rowsOf = Arena.intsAtLeast(Math.max(1, nnz));
        // block by block: a block's rows hold a contiguous run of the entries, so its cells fill that run of rowsOf,
        // and the counting sort of one block stays in the cache
        for (int blk = 0; blk < blocks; blk++) {
            int r0 = blk * perBlock;
            int r1 = Math.min(rows, r0 + perBlock);
            int cs = blk * cols;
            java.util.Arrays.fill(cellStart, cs, cs + cols, 0);
            for (int p = start[r0]; p < start[r1]; p++) {
                cellStart[cs + index[p]]++;
            }
            int q = start[r0];
            for (int c = cs; c < cs + cols; c++) {
                int count = cellStart[c];
                cellStart[c] = q;
                q += count;
            }
            // cellStart[c] now moves through cell c while it fills, and ends where cell c + 1 starts
            for (int r = r0; r < r1; r++) {
                for (int p = start[r]; p < start[r + 1]; p++) {
                    rowsOf[cellStart[cs + index[p]]++] = r;
                }
            }
        }
        // shift back: cell c starts where cell c − 1 ended
        for (int c = cells; c > 0; c--) {
            cellStart[c] = cellStart[c - 1];
        }
        cellStart[0] = 0;
        return new VectorKernels.Plan(cols, blocks, cellStart, rowsOf);
    }

    void weightGradScalar(float[] g, int n, float[] gwt) {
        SpikeRows byColumn = transposed();
        segmentSumsScalar(cols, byColumn.start, byColumn.index, g, 0, n, n, gwt, 0);
    }

    /** The same entries listed by column: for each column, its active rows in ascending order. */
    private SpikeRows transposed() {
        int nnz = count();
        int[] colStart = new int[cols + 1];
        for (int p = 0; p < nnz; p++) {
            colStart[index[p] + 1]++;
        }
        for (int c = 0; c < cols; c++) {
            colStart[c + 1] += colStart[c];
        }
        int[] fill = java.util.Arrays.copyOf(colStart, cols);
        int[] rowsOf = Arena.intsAtLeast(nnz);
        for (int r = 0; r < rows; r++) {
            for (int p = start[r]; p < start[r + 1]; p++) {
                rowsOf[fill[index[p]]++] = r;
            }
        }
        return new SpikeRows(cols, rows, colStart, rowsOf);
    }
}
