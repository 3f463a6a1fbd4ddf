package dev.surge.data;

import dev.surge.core.data.EventSampleSet;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the N-MNIST data set (Orchard et al. 2015, "Converting static image datasets to spiking neuromorphic
 * datasets using saccades"): MNIST digits recorded with an ATIS event camera moved in three saccades, about 300 ms
 * per sample.
 *
 * <h2>Directory layout</h2>
 * One directory per split ({@code Train}, {@code Test}) with one sub-directory per digit, whose name is the label,
 * holding one {@code .bin} file per sample: {@code Train/0/00002.bin}, …, {@code Train/9/…}. Sub-directories whose
 * name is not a single digit and files not ending in {@code .bin} are ignored; files are taken in name order.
 *
 * <h2>File format</h2>
 * A sequence of 40-bit (5-byte) events, big-endian within the event:
 * <ul>
 *   <li>byte 0: x, {@code 0..33};</li>
 *   <li>byte 1: y, {@code 0..33};</li>
 *   <li>byte 2, bit 7: polarity (1 = on, 0 = off);</li>
 *   <li>byte 2 bits 6..0, byte 3, byte 4: a 23-bit timestamp in microseconds.</li>
 * </ul>
 * An event with {@code y = 240} (0xF0) is not a spike but a timestamp-overflow marker, as in Orchard's
 * {@code eventvision.py} reader and Tonic, which also test only {@code y}: it is dropped, and {@value #OVERFLOW_US}
 * µs (2^23, one wrap of the 23-bit counter) is added to the timestamps of all later events, which keeps times
 * monotone across a wrap. (Those Python readers add 2^13 µs instead. The 23-bit counter spans 8.4 s and cannot wrap
 * within a ~0.3 s N-MNIST sample, so markers are not expected in N-MNIST files; in a file that had one, this reader
 * and those would give different times after it.)
 *
 * <h2>Encoding</h2>
 * An event goes to input unit {@code polarity·34·34 + y·34 + x} ({@value #INPUTS} inputs: off events first, then
 * on events), and its time {@code t} µs (from the start of the recording, not of the first event) to time step
 * {@code floor(t / maxTime · steps)}; events at {@code t ≥ maxTime} are dropped. The defaults,
 * {@value #DEFAULT_STEPS} steps over {@value #DEFAULT_MAX_TIME_US} µs, give 1 ms bins covering the three saccades.
 *
 * <h2>Errors</h2>
 * A file whose length is not a multiple of 5, or an event with x or y outside {@code 0..33} (other than an overflow
 * marker), throws a {@link DataFormatException} naming the file, event and byte offset, e.g.
 * {@code Train/3/00002.bin: truncated at byte 12 (file length 12 is not a multiple of 5; the event at byte 10 is
 * incomplete)}. A split directory without
 * digit sub-directories is also a {@code DataFormatException}; a missing directory is a {@link NoSuchFileException}.
 */
public final class NMnistReader {
    /** Sensor width and height in pixels. */
    public static final int SIZE = 34;
    /** Input units: two polarities × 34 × 34 pixels. */
    public static final int INPUTS = 2 * SIZE * SIZE;
    /** Classes (digits). */
    public static final int CLASSES = 10;
    /** Default number of time steps T. */
    public static final int DEFAULT_STEPS = 300;
    /** Default end of the binned time window, in microseconds. */
    public static final double DEFAULT_MAX_TIME_US = 300_000;
    /** The y value that marks a timestamp-overflow event. */
    public static final int OVERFLOW_Y = 240;
    /** Microseconds added to later timestamps per overflow marker: 2^23. */
    public static final long OVERFLOW_US = 1L << 23;

    private static final int EVENT_BYTES = 5;

    private NMnistReader() {
    }

    /**
     * The events of one N-MNIST file, overflow markers removed, in file order. Element {@code i} of each array
     * describes event {@code i}.
     *
     * @param x        pixel column, {@code 0..33}
     * @param y        pixel row, {@code 0..33}
     * @param polarity 1 for on, 0 for off
     * @param micros   timestamp in microseconds from the start of the recording, overflows applied
     */
    public record Events(int[] x, int[] y, int[] polarity, long[] micros) {
        /** Number of events. */
        public int size() {
            return x.length;
        }

        /** The input unit of event {@code i}: {@code polarity·34·34 + y·34 + x}. */
        public int unit(int i) {
            return NMnistReader.unit(x[i], y[i], polarity[i]);
        }
    }

    /** The input unit of an event: {@code polarity·34·34 + y·34 + x}. */
    public static int unit(int x, int y, int polarity) {
        return polarity * SIZE * SIZE + y * SIZE + x;
    }

    /**
     * Decodes one {@code .bin} file (see the class comment for the format).
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws DataFormatException if its length is not a multiple of 5 or an event has x or y outside 0..33
     */
    public static Events readEvents(Path binFile) throws IOException {
        if (!Files.exists(binFile)) {
            throw new NoSuchFileException(binFile.toString(), null, "no such file");
        }
        byte[] b = Files.readAllBytes(binFile);
        if (b.length % EVENT_BYTES != 0) {
            int last = b.length / EVENT_BYTES * EVENT_BYTES;
            throw new DataFormatException(binFile, "truncated at byte " + b.length + " (file length " + b.length
                    + " is not a multiple of " + EVENT_BYTES + "; the event at byte " + last + " is incomplete)");
        }
        int n = b.length / EVENT_BYTES;
        int[] xs = new int[n];
        int[] ys = new int[n];
        int[] ps = new int[n];
        long[] ts = new long[n];
        long offset = 0;
        int k = 0;
        for (int e = 0; e < n; e++) {
            int at = e * EVENT_BYTES;
            int x = b[at] & 0xFF;
            int y = b[at + 1] & 0xFF;
            int b2 = b[at + 2] & 0xFF;
            if (y == OVERFLOW_Y) {
                offset += OVERFLOW_US;
                continue;
            }
            if (x >= SIZE) {
                throw new DataFormatException(binFile, "event " + e + " at byte " + at + ": x = " + x
                        + " is outside 0.." + (SIZE - 1));
            }
            if (y >= SIZE) {
                throw new DataFormatException(binFile, "event " + e + " at byte " + (at + 1) + ": y = " + y
                        + " is outside 0.." + (SIZE - 1) + " (and is not the overflow marker " + OVERFLOW_Y + ")");
            }
            xs[k] = x;
            ys[k] = y;
            ps[k] = b2 >>> 7;
            ts[k] = offset + (((long) (b2 & 0x7F) << 16) | ((b[at + 3] & 0xFF) << 8) | (b[at + 4] & 0xFF));
            k++;
        }
        if (k < n) {
            xs = Arrays.copyOf(xs, k);
            ys = Arrays.copyOf(ys, k);
            ps = Arrays.copyOf(ps, k);
            ts = Arrays.copyOf(ts, k);
        }
        return new Events(xs, ys, ps, ts);
    }

    /** Reads a whole split with the defaults: {@value #DEFAULT_STEPS} steps over {@value #DEFAULT_MAX_TIME_US} µs. */
    public static EventSampleSet read(Path splitDir) throws IOException {
        return read(splitDir, DEFAULT_STEPS, DEFAULT_MAX_TIME_US, 0);
    }

    /**
     * Reads a split directory ({@code Train} or {@code Test}).
     *
     * @param splitDir      directory holding the digit sub-directories {@code 0..9}
     * @param steps         time steps T
     * @param maxTimeMicros end of the binned window in µs: an event at {@code t} µs goes to step
     *                      {@code floor(t / maxTimeMicros · steps)}; events at {@code t ≥ maxTimeMicros} are dropped
     * @param limitPerClass read at most this many files (the first by name) from each digit directory; {@code ≤ 0}
     *                      reads all
     * @return the samples, digit 0 first, files in name order within a digit; {@value #INPUTS} inputs, 10 classes
     * @throws NoSuchFileException if {@code splitDir} does not exist
     * @throws DataFormatException if it has no digit directories, or a file is malformed (see
     *                             {@link #readEvents(Path)})
     */
    public static EventSampleSet read(Path splitDir, int steps, double maxTimeMicros, int limitPerClass)
            throws IOException {
        TimeBins.checkArgs(steps, maxTimeMicros);
        if (!Files.exists(splitDir)) {
            throw new NoSuchFileException(splitDir.toString(), null, "no such directory");
        }
        if (!Files.isDirectory(splitDir)) {
            throw new DataFormatException(splitDir, "not a directory (expected an N-MNIST split such as Train/ "
                    + "with digit sub-directories 0..9)");
        }
        List<Integer> labels = new ArrayList<>();
        List<int[]> times = new ArrayList<>();
        List<int[]> units = new ArrayList<>();
        int digits = 0;
        for (int digit = 0; digit < CLASSES; digit++) {
            Path dir = splitDir.resolve(Integer.toString(digit));
            if (!Files.isDirectory(dir)) {
                continue;
            }
            digits++;
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.bin")) {
                for (Path p : ds) {
                    if (Files.isRegularFile(p)) {
                        files.add(p);
                    }
                }
            }
            files.sort(null);
            int take = limitPerClass > 0 ? Math.min(limitPerClass, files.size()) : files.size();
            for (Path f : files.subList(0, take)) {
                Events ev = readEvents(f);
                int[] t = new int[ev.size()];
                int[] u = new int[ev.size()];
                int kept = 0;
                for (int i = 0; i < ev.size(); i++) {
                    int b = TimeBins.bin(ev.micros()[i], maxTimeMicros, steps);
                    if (b >= 0) {
                        t[kept] = b;
                        u[kept] = ev.unit(i);
                        kept++;
                    }
                }
                labels.add(digit);
                times.add(TimeBins.trim(t, kept));
                units.add(TimeBins.trim(u, kept));
            }
        }
        if (digits == 0) {
            throw new DataFormatException(splitDir, "no digit sub-directories 0..9 (expected an N-MNIST split such "
                    + "as Train/ holding 0/*.bin … 9/*.bin)");
        }
        return new EventSampleSet(steps, INPUTS, CLASSES, labels.stream().mapToInt(Integer::intValue).toArray(),
                times.toArray(new int[0][]), units.toArray(new int[0][]));
    }
}
