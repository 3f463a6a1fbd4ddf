package dev.surge.data;

import dev.surge.core.data.EventSampleSet;
import io.jhdf.HdfFile;
import io.jhdf.Superblock;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import io.jhdf.exceptions.HdfInvalidPathException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the Spiking Heidelberg Digits (SHD) and Spiking Speech Commands (SSC) data sets (Cramer et al. 2020, "The
 * Heidelberg spiking data sets for the systematic evaluation of spiking neural networks") from their HDF5 files,
 * e.g. {@code shd_train.h5}, {@code shd_test.h5}, {@code ssc_train.h5}, {@code ssc_valid.h5}, {@code ssc_test.h5}.
 *
 * <h2>File format</h2>
 * One file per split, with these datasets (anything else, such as the {@code extra/...} group with speaker and
 * meta information, is ignored):
 * <ul>
 *   <li>{@code spikes/times}: 1-D variable-length dataset, one entry per sample: the spike times of that sample in
 *       seconds (any floating-point type: half, single or double precision);</li>
 *   <li>{@code spikes/units}: 1-D variable-length dataset, one entry per sample, as long as the sample's
 *       {@code times} entry: the input channel of each spike (any integer type), {@code 0..699};</li>
 *   <li>{@code labels}: 1-D integer dataset, one class per sample: {@code 0..19} for SHD, {@code 0..34} for SSC.</li>
 * </ul>
 *
 * <h2>Binning</h2>
 * A spike at time {@code t} seconds lands in time step {@code floor(t / maxTime · steps)}; spikes at
 * {@code t ≥ maxTime} are dropped. Several spikes in the same step and unit add up (see {@link EventSampleSet}).
 * The common choice in SpyTorch and snnTorch tutorials is {@code maxTime = 1.4 s} and {@code T = 100} steps
 * ({@link #DEFAULT_MAX_TIME}, {@link #DEFAULT_STEPS}); SHD samples are at most about 1.2 s long, so nothing is
 * dropped there.
 *
 * <h2>Errors</h2>
 * A file that is not HDF5 or is truncated (shorter than its superblock declares), a missing or mistyped dataset,
 * sample counts that differ between the three datasets, a sample whose times and units differ in length, and
 * negative times, units or labels out of range all throw a {@link DataFormatException} whose message names the file
 * and the dataset (and sample, event) at fault, e.g. {@code shd_train.h5: missing dataset 'spikes/units'}. A file
 * that does not exist throws {@link NoSuchFileException}, one that cannot be read {@link AccessDeniedException}.
 */
public final class ShdReader {
    /** Input channels of SHD and SSC. */
    public static final int UNITS = 700;
    /** Classes of SHD (digits 0–9 in English and German). */
    public static final int SHD_CLASSES = 20;
    /** Classes of SSC. */
    public static final int SSC_CLASSES = 35;
    /** Default number of time steps T. */
    public static final int DEFAULT_STEPS = 100;
    /** Default end of the binned time window, in seconds. */
    public static final double DEFAULT_MAX_TIME = 1.4;

    /** Path of the spike-time dataset. */
    public static final String TIMES = "spikes/times";
    /** Path of the spike-unit dataset. */
    public static final String UNITS_DATASET = "spikes/units";
    /** Path of the label dataset. */
    public static final String LABELS = "labels";

    /** Samples read from the file at a time (bounds the memory held in jhdf's decoded arrays). */
    private static final int CHUNK = 4096;

    private ShdReader() {
    }

    /**
     * Reads all samples with the defaults: {@value #DEFAULT_STEPS} steps over {@value #DEFAULT_MAX_TIME} s,
     * {@value #UNITS} inputs, classes inferred as {@code max(label) + 1}.
     */
    public static EventSampleSet read(Path file) throws IOException {
        return read(file, DEFAULT_STEPS, DEFAULT_MAX_TIME, UNITS, -1, 0);
    }

    /** Reads all samples into {@code steps} bins over {@code [0, maxTimeSeconds)}, 700 inputs, classes inferred. */
    public static EventSampleSet read(Path file, int steps, double maxTimeSeconds) throws IOException {
        return read(file, steps, maxTimeSeconds, UNITS, -1, 0);
    }

    /** Reads all samples; see {@link #read(Path, int, double, int, int, int)}. */
    public static EventSampleSet read(Path file, int steps, double maxTimeSeconds, int inputs, int classes)
            throws IOException {
        return read(file, steps, maxTimeSeconds, inputs, classes, 0);
    }

    /**
     * Reads an SHD or SSC file.
     *
     * @param file           the HDF5 file
     * @param steps          time steps T
     * @param maxTimeSeconds end of the binned window: a spike at {@code t} seconds goes to step
     *                       {@code floor(t / maxTimeSeconds · steps)}; spikes at {@code t ≥ maxTimeSeconds} are
     *                       dropped
     * @param inputs         input width, normally {@value #UNITS}; a unit {@code ≥ inputs} is an error
     * @param classes        number of classes ({@value #SHD_CLASSES} for SHD, {@value #SSC_CLASSES} for SSC), or -1
     *                       to use {@code max(label) + 1} over the samples read (which may be fewer than the data
     *                       set's classes when {@code limit} is small); a label {@code ≥ classes} is an error
     * @param limit          read only the first {@code limit} samples; {@code ≤ 0} reads all
     * @return the samples in file order
     * @throws NoSuchFileException   if the file does not exist
     * @throws AccessDeniedException if it cannot be read
     * @throws DataFormatException   if it is not HDF5, is truncated, or is not in the layout above
     */
    public static EventSampleSet read(Path file, int steps, double maxTimeSeconds, int inputs, int classes, int limit)
            throws IOException {
        TimeBins.checkArgs(steps, maxTimeSeconds);
        if (inputs < 1) {
            throw new IllegalArgumentException("inputs must be ≥ 1: " + inputs);
        }
        if (classes != -1 && classes < 1) {
            throw new IllegalArgumentException("classes must be ≥ 1, or -1 to infer: " + classes);
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, "not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new AccessDeniedException(file.toString(), null, "not readable");
        }
        // jhdf reports corrupt files with HdfException but also with plain runtime exceptions (e.g. on a truncated
        // file), so every call into it is guarded by catching RuntimeException and naming what was being read.
        HdfFile h5;
        try {
            h5 = open(file);
        } catch (RuntimeException e) {
            throw new DataFormatException(file, "not a readable HDF5 file (" + reason(e) + ")", e);
        }
        try {
            checkNotTruncated(h5, file);
            return read(h5, file, steps, maxTimeSeconds, inputs, classes, limit);
        } finally {
            try {
                h5.close();
            } catch (RuntimeException e) {
                // Nothing was left open that matters; the data (or the error) is already in hand.
            }
        }
    }

    /**
     * The file memory-mapped, read only (files up to 2 GB, which SHD's and SSC's are): jhdf then reads every block as a
     * view of the mapping, so a corrupt size field that points past the end of the file fails at once. Read through a
     * channel instead, jhdf allocates a heap buffer of whatever size a header declares first (2 GB for a 12 KB file in
     * the fuzz tests).
     */
    private static HdfFile open(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE) {
            return new HdfFile(file);
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.READ)) {
            return HdfFile.fromByteBuffer(ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, size));
        }
    }

    /**
     * jhdf reads contiguous data lying past the end of a truncated file without complaint (returning bytes that are
     * not the data), so compare the file's length with the end-of-file address its superblock declares, as the HDF5
     * library does.
     */
    private static void checkNotTruncated(HdfFile h5, Path file) throws IOException {
        long declared;
        try {
            Superblock sb = h5.getHdfBackingStorage().getSuperblock();
            declared = sb.getBaseAddressByte() + sb.getEndOfFileAddress();
        } catch (RuntimeException e) {
            throw new DataFormatException(file, "not a readable HDF5 file (" + reason(e) + ")", e);
        }
        long actual = Files.size(file);
        if (actual < declared) {
            throw new DataFormatException(file, "truncated HDF5 file: " + actual + " bytes, but its superblock "
                    + "declares " + declared);
        }
    }

    /** Shape and type of a dataset, read once through jhdf. */
    private record Info(String path, int[] dims, boolean vlen, boolean compound, Class<?> javaType) {
        String describe() {
            return (vlen ? "variable-length " : "") + (javaType == null ? "?" : javaType.getSimpleName())
                    + " of shape " + Arrays.toString(dims);
        }
    }

    private static Info info(Path file, Dataset d, String path) throws DataFormatException {
        try {
            return new Info(path, d.getDimensions(), d.isVariableLength(), d.isCompound(), d.getJavaType());
        } catch (RuntimeException e) {
            throw new DataFormatException(file, "cannot read dataset '" + path + "' (" + reason(e) + ")", e);
        }
    }

    private static String reason(Exception e) {
        if (e instanceof HdfException && e.getMessage() != null) {
            return e.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": "
                + e.getMessage();
    }

    private static EventSampleSet read(HdfFile h5, Path file, int steps, double maxTime, int inputs, int classes,
                                       int limit) throws DataFormatException {
        // Look all three up first, so that the message names every missing one in a fixed order.
        Dataset times = dataset(h5, file, TIMES);
        Dataset units = dataset(h5, file, UNITS_DATASET);
        Dataset labels = dataset(h5, file, LABELS);
        Info timesInfo = info(file, times, TIMES);
        Info unitsInfo = info(file, units, UNITS_DATASET);
        Info labelsInfo = info(file, labels, LABELS);
        requireVlen(file, timesInfo);
        requireVlen(file, unitsInfo);
        if (labelsInfo.dims().length != 1 || labelsInfo.vlen() || labelsInfo.compound()) {
            throw new DataFormatException(file, "dataset '" + LABELS + "' must be a 1-D integer array (one label per "
                    + "sample), found " + labelsInfo.describe());
        }
        int n = timesInfo.dims()[0];
        if (unitsInfo.dims()[0] != n || labelsInfo.dims()[0] != n) {
            throw new DataFormatException(file, "sample counts differ: '" + TIMES + "' has " + n + ", '" + UNITS_DATASET
                    + "' has " + unitsInfo.dims()[0] + ", '" + LABELS + "' has " + labelsInfo.dims()[0]);
        }
        // a sample's spike trains are two objects in HDF5's global heap, which is never compressed, of at least 16
        // bytes each (SHD has about a kilobyte per sample): a header that declares more samples than a sixteenth of
        // the file's bytes is refused as truncated or corrupt before anything of that size is read or allocated
        long fileBytes;
        try {
            fileBytes = java.nio.file.Files.size(file);
        } catch (java.io.IOException e) {
            throw new DataFormatException(file, "cannot read its size: " + e.getMessage());
        }
        if (n > fileBytes / 16) {
            throw new DataFormatException(file, "declares " + n + " samples, more than a file of " + fileBytes
                    + " bytes can hold (truncated or corrupt)");
        }
        int m = limit > 0 ? Math.min(limit, n) : n;

        int[] label = new int[m];
        if (m > 0) {
            Object raw = slice(file, labelsInfo, labels, 0, m);
            long[] values = longsOf(raw);
            if (values == null || values.length != m) {
                throw new DataFormatException(file, "dataset '" + LABELS + "' must hold integers, found "
                        + labelsInfo.describe());
            }
            for (int s = 0; s < m; s++) {
                if (values[s] < 0 || values[s] > Integer.MAX_VALUE) {
                    throw new DataFormatException(file, "'" + LABELS + "'[" + s + "] = " + values[s]
                            + " is negative or too large");
                }
                label[s] = (int) values[s];
            }
        }
        int nClasses = classes;
        if (nClasses == -1) {
            nClasses = 1;
            for (int l : label) {
                nClasses = Math.max(nClasses, l + 1);
            }
        }
        for (int s = 0; s < m; s++) {
            if (label[s] >= nClasses) {
                throw new DataFormatException(file, "'" + LABELS + "'[" + s + "] = " + label[s] + " is outside 0.."
                        + (nClasses - 1) + " (classes = " + nClasses + ")");
            }
        }

        int[][] binnedTimes = new int[m][];
        int[][] binnedUnits = new int[m][];
        for (int start = 0; start < m; start += CHUNK) {
            int count = Math.min(CHUNK, m - start);
            Object[] tChunk = vlenSlice(file, timesInfo, times, start, count);
            Object[] uChunk = vlenSlice(file, unitsInfo, units, start, count);
            for (int i = 0; i < count; i++) {
                int s = start + i;
                double[] t = doublesOf(tChunk[i]);
                if (t == null) {
                    throw new DataFormatException(file, "dataset '" + TIMES + "' must hold floating-point times in "
                            + "seconds, found " + elementType(tChunk[i]) + " at sample " + s);
                }
                long[] u = longsOf(uChunk[i] == null ? new int[0] : uChunk[i]);
                if (u == null) {
                    throw new DataFormatException(file, "dataset '" + UNITS_DATASET + "' must hold integer units, found "
                            + elementType(uChunk[i]) + " at sample " + s);
                }
                if (t.length != u.length) {
                    throw new DataFormatException(file, "sample " + s + ": '" + TIMES + "' has " + t.length
                            + " events but '" + UNITS_DATASET + "' has " + u.length);
                }
                int[] bt = new int[t.length];
                int[] bu = new int[t.length];
                int kept = 0;
                for (int e = 0; e < t.length; e++) {
                    if (!(t[e] >= 0)) {
                        throw new DataFormatException(file, "'" + TIMES + "'[" + s + "][" + e + "] = " + t[e]
                                + " is not a valid time (must be ≥ 0 seconds)");
                    }
                    if (u[e] < 0 || u[e] >= inputs) {
                        throw new DataFormatException(file, "'" + UNITS_DATASET + "'[" + s + "][" + e + "] = " + u[e]
                                + " is outside 0.." + (inputs - 1) + " (inputs = " + inputs + ")");
                    }
                    int b = TimeBins.bin(t[e], maxTime, steps);
                    if (b >= 0) {
                        bt[kept] = b;
                        bu[kept] = (int) u[e];
                        kept++;
                    }
                }
                binnedTimes[s] = TimeBins.trim(bt, kept);
                binnedUnits[s] = TimeBins.trim(bu, kept);
            }
        }
        return new EventSampleSet(steps, inputs, nClasses, label, binnedTimes, binnedUnits);
    }

    private static Dataset dataset(HdfFile h5, Path file, String path) throws DataFormatException {
        Node node;
        try {
            // step by step through the groups' children: on a memory-mapped file jhdf's own message for a missing
            // path fails ("No backing file")
            Node at = h5;
            for (String part : path.split("/")) {
                Node child = at instanceof io.jhdf.api.Group g ? g.getChildren().get(part) : null;
                if (child == null) {
                    throw new DataFormatException(file, "missing dataset '" + path + "'");
                }
                at = child;
            }
            node = at;
        } catch (HdfInvalidPathException e) {
            throw new DataFormatException(file, "missing dataset '" + path + "'", e);
        } catch (RuntimeException e) {
            throw new DataFormatException(file, "not a readable HDF5 file: cannot look up '" + path + "' ("
                    + reason(e) + ")", e);
        }
        if (!(node instanceof Dataset)) {
            throw new DataFormatException(file, "'" + path + "' is a group, not a dataset");
        }
        return (Dataset) node;
    }

    private static void requireVlen(Path file, Info d) throws DataFormatException {
        if (d.dims().length != 1 || !d.vlen()) {
            throw new DataFormatException(file, "dataset '" + d.path() + "' must be a 1-D variable-length array "
                    + "(one array per sample), found " + d.describe());
        }
    }

    private static Object slice(Path file, Info info, Dataset d, int start, int count) throws DataFormatException {
        // jhdf allocates count × element size before it looks at the file: refuse an element size that a corrupt
        // datatype message made larger than the file itself
        long element;
        long fileBytes;
        try {
            element = d.getDataType().getSize();
            fileBytes = java.nio.file.Files.size(file);
        } catch (RuntimeException | java.io.IOException e) {
            throw new DataFormatException(file, "cannot read dataset '" + info.path() + "' (" + reason(e) + ")", e);
        }
        if (element <= 0 || (double) element * count > fileBytes) {
            throw new DataFormatException(file, "dataset '" + info.path() + "' declares elements of " + element
                    + " bytes, which " + count + " samples of a file of " + fileBytes + " bytes cannot hold (corrupt)");
        }
        try {
            return d.getData(new long[] {start}, new int[] {count});
        } catch (RuntimeException e) {
            throw new DataFormatException(file, "cannot read dataset '" + info.path() + "' at samples " + start + ".."
                    + (start + count - 1) + " (" + reason(e) + ")", e);
        }
    }

    private static Object[] vlenSlice(Path file, Info info, Dataset d, int start, int count)
            throws DataFormatException {
        Object raw = slice(file, info, d, start, count);
        if (!(raw instanceof Object[]) || ((Object[]) raw).length != count) {
            throw new DataFormatException(file, "dataset '" + info.path() + "' did not read as one array per sample "
                    + "(" + info.describe() + ")");
        }
        return (Object[]) raw;
    }

    private static String elementType(Object o) {
        return o == null ? "null" : o.getClass().getSimpleName();
    }

    /** Floating-point arrays as doubles; null (an empty sample) as an empty array; anything else as null. */
    private static double[] doublesOf(Object o) {
        if (o == null) {
            return new double[0];
        }
        if (o instanceof double[]) {
            return (double[]) o;
        }
        if (o instanceof float[]) {
            float[] f = (float[]) o;
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return d;
        }
        return null;
    }

    /** Integer arrays of any width as longs; anything else as null. */
    private static long[] longsOf(Object o) {
        if (o instanceof long[]) {
            return (long[]) o;
        }
        long[] r;
        if (o instanceof int[]) {
            int[] a = (int[]) o;
            r = new long[a.length];
            for (int i = 0; i < a.length; i++) {
                r[i] = a[i];
            }
        } else if (o instanceof short[]) {
            short[] a = (short[]) o;
            r = new long[a.length];
            for (int i = 0; i < a.length; i++) {
                r[i] = a[i];
            }
        } else if (o instanceof byte[]) {
            byte[] a = (byte[]) o;
            r = new long[a.length];
            for (int i = 0; i < a.length; i++) {
                r[i] = a[i];
            }
        } else {
            return null;
        }
        return r;
    }
}
