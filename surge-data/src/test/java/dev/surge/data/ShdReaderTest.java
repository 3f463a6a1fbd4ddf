package dev.surge.data;

import dev.surge.core.data.EventSampleSet;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads the committed fixtures in {@code src/test/resources/dev/surge/data/shd} (made with h5py, see the README
 * there), copied under the names of the real files so that messages can be checked.
 */
class ShdReaderTest {
    @TempDir
    Path dir;

    private Path fixture(String resource, String as) throws IOException {
        Path p = dir.resolve(as);
        try (InputStream in = ShdReaderTest.class.getResourceAsStream("shd/" + resource)) {
            assertTrue(in != null, "missing test resource shd/" + resource);
            Files.copy(in, p);
        }
        return p;
    }

    /** Dense {@code [T][inputs]} counts of one sample. */
    private static float[][] dense(EventSampleSet set, int index) {
        float[] x = new float[set.steps() * set.inputs()];
        set.write(index, x, 0, 1, new SplittableRandom(0));
        float[][] d = new float[set.steps()][];
        for (int t = 0; t < set.steps(); t++) {
            d[t] = Arrays.copyOfRange(x, t * set.inputs(), (t + 1) * set.inputs());
        }
        return d;
    }

    private static float total(float[][] d) {
        float s = 0;
        for (float[] row : d) {
            for (float v : row) {
                s += v;
            }
        }
        return s;
    }

    @Test
    void binsHalfPrecisionShdFileAndDropsLateSpikes() throws IOException {
        Path f = fixture("shd_f16.h5", "shd_train.h5");
        // 4 bins of 0.25 s over [0, 1 s).
        EventSampleSet set = ShdReader.read(f, 4, 1.0, ShdReader.UNITS, ShdReader.SHD_CLASSES);
        assertEquals(4, set.size());
        assertEquals(4, set.steps());
        assertEquals(700, set.inputs());
        assertEquals(20, set.classes());
        assertArrayEquals(new int[] {7, 0, 19, 3}, new int[] {set.label(0), set.label(1), set.label(2), set.label(3)});
        // Sample 0: times 0, 0.125, 0.25, 0.5, 0.999, 1.0, 1.25 s; the last two are ≥ maxTime and dropped.
        assertEquals(5, set.events(0));
        float[][] d = dense(set, 0);
        assertEquals(1f, d[0][0]);
        assertEquals(1f, d[0][1]);
        assertEquals(1f, d[1][2]);
        assertEquals(1f, d[2][3]);
        assertEquals(1f, d[3][699]);
        assertEquals(5f, total(d));
        // Sample 1 is empty.
        assertEquals(0, set.events(1));
        // Sample 2: two spikes at 0.3 s on unit 10 add up; 0.75 s is the first instant of bin 3.
        d = dense(set, 2);
        assertEquals(2f, d[1][10]);
        assertEquals(1f, d[3][20]);
        assertEquals(3f, total(d));
        // Sample 3: 0.6 s → floor(2.4) = 2.
        d = dense(set, 3);
        assertEquals(1f, d[2][600]);
        assertEquals(1f, total(d));
    }

    @Test
    void infersClassesAndHonoursLimit() throws IOException {
        Path f = fixture("shd_f16.h5", "shd_test.h5");
        EventSampleSet all = ShdReader.read(f, 4, 1.0);
        assertEquals(20, all.classes(), "max label 19 + 1");
        EventSampleSet first2 = ShdReader.read(f, 4, 1.0, 700, -1, 2);
        assertEquals(2, first2.size());
        assertEquals(7, first2.label(0));
        assertEquals(0, first2.label(1));
        assertEquals(8, first2.classes(), "inferred from the samples read");
        assertEquals(5, first2.events(0));
    }

    @Test
    void readsCompressedDoublePrecisionSscFileWithDefaults() throws IOException {
        Path f = fixture("ssc_f64_gzip.h5", "ssc_valid.h5");
        EventSampleSet set = ShdReader.read(f);
        assertEquals(3, set.size());
        assertEquals(ShdReader.DEFAULT_STEPS, set.steps());
        assertEquals(35, set.classes(), "label 34 → 35 classes");
        assertEquals(34, set.label(0));
        // Bins of 14 ms: 0.007 → 0, 0.707 → 50, 1.393 → 99; 1.4 and 2.0 s are dropped.
        float[][] d = dense(set, 0);
        assertEquals(1f, d[0][0]);
        assertEquals(1f, d[50][350]);
        assertEquals(1f, d[99][699]);
        assertEquals(3f, total(d));
        assertEquals(1f, dense(set, 1)[35][42], "0.5 s / 1.4 s · 100 = 35.7");
        assertEquals(0, set.events(2));
    }

    @Test
    void missingDatasetIsNamed() throws IOException {
        Path f = fixture("missing_units.h5", "shd_train.h5");
        DataFormatException e = assertThrows(DataFormatException.class, () -> ShdReader.read(f));
        assertEquals(f + ": missing dataset 'spikes/units'", e.getMessage());
        assertTrue(e.getMessage().endsWith("shd_train.h5: missing dataset 'spikes/units'"));
        assertEquals(f, e.file());
    }

    @Test
    void labelsOnlyFileMissesTimes() throws IOException {
        Path f = dir.resolve("shd_test.h5");
        try (WritableHdfFile w = HdfFile.write(f)) {
            w.putDataset("labels", new int[] {0, 1});
        }
        DataFormatException e = assertThrows(DataFormatException.class, () -> ShdReader.read(f));
        assertEquals(f + ": missing dataset 'spikes/times'", e.getMessage());
    }

    @Test
    void fixedLengthTimesAreRejected() throws IOException {
        Path f = dir.resolve("flat.h5");
        try (WritableHdfFile w = HdfFile.write(f)) {
            var spikes = w.putGroup("spikes");
            spikes.putDataset("times", new float[][] {{0.1f, 0.2f}, {0.3f, 0.4f}});
            spikes.putDataset("units", new int[][] {{1, 2}, {3, 4}});
            w.putDataset("labels", new int[] {0, 1});
        }
        DataFormatException e = assertThrows(DataFormatException.class, () -> ShdReader.read(f));
        assertTrue(e.getMessage().startsWith(f + ": dataset 'spikes/times' must be a 1-D variable-length array"),
                e.getMessage());
        assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
    }

    @Test
    void sampleCountMismatchIsNamed() throws IOException {
        Path f = fixture("bad_counts.h5", "ssc_train.h5");
        DataFormatException e = assertThrows(DataFormatException.class, () -> ShdReader.read(f));
        assertEquals(f + ": sample counts differ: 'spikes/times' has 3, 'spikes/units' has 3, 'labels' has 2",
                e.getMessage());
    }

    @Test
    void eventCountMismatchNamesTheSample() throws IOException {
        Path f = fixture("bad_event_counts.h5", "shd_train.h5");
        DataFormatException e = assertThrows(DataFormatException.class, () -> ShdReader.read(f));
        assertEquals(f + ": sample 1: 'spikes/times' has 3 events but 'spikes/units' has 2", e.getMessage());
    }

    @Test
    void unitAndLabelOutOfRangeAreNamed() throws IOException {
        Path f = fixture("shd_f16.h5", "shd_train.h5");
        DataFormatException e = assertThrows(DataFormatException.class, () -> ShdReader.read(f, 4, 1.0, 500, 20));
        assertEquals(f + ": 'spikes/units'[0][4] = 699 is outside 0..499 (inputs = 500)", e.getMessage());
        e = assertThrows(DataFormatException.class, () -> ShdReader.read(f, 4, 1.0, 700, 10));
        assertEquals(f + ": 'labels'[2] = 19 is outside 0..9 (classes = 10)", e.getMessage());
    }

    @Test
    void nonHdf5FilesAreRejected() throws IOException {
        Path text = dir.resolve("shd_train.h5");
        Files.writeString(text, "this is not an HDF5 file\n", StandardCharsets.US_ASCII);
        DataFormatException e = assertThrows(DataFormatException.class, () -> ShdReader.read(text));
        assertTrue(e.getMessage().startsWith(text + ": not a readable HDF5 file"), e.getMessage());

        Path empty = dir.resolve("empty.h5");
        Files.write(empty, new byte[0]);
        e = assertThrows(DataFormatException.class, () -> ShdReader.read(empty));
        assertTrue(e.getMessage().startsWith(empty + ": not a readable HDF5 file"), e.getMessage());
    }

    @Test
    void truncatedHdf5FileIsRejected() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("shd_f16.h5", "whole.h5"));
        // Every cut fails with a DataFormatException naming the file, never with another exception type and never
        // by returning wrong data. (jhdf alone returns garbage labels when the cut falls in the label data; run with
        // -DargLine=-DcutStep=1 to try every length.)
        int step = Integer.getInteger("cutStep", 241);
        for (int cut = 0; cut < bytes.length; cut += step) {
            Path f = dir.resolve("shd_cut.h5");
            Files.write(f, Arrays.copyOf(bytes, cut));
            DataFormatException e = assertThrows(DataFormatException.class, () -> ShdReader.read(f, 4, 1.0),
                    "cut at " + cut);
            assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        }
        Path f = dir.resolve("shd_train.h5");
        Files.write(f, Arrays.copyOf(bytes, bytes.length - 1));
        DataFormatException e = assertThrows(DataFormatException.class, () -> ShdReader.read(f));
        assertEquals(f + ": truncated HDF5 file: " + (bytes.length - 1) + " bytes, but its superblock declares "
                + bytes.length, e.getMessage());
    }

    @Test
    void missingFileIsNoSuchFile() {
        Path f = dir.resolve("nope.h5");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ShdReader.read(f));
        assertEquals(f + ": no such file", e.getMessage());
    }

    @Test
    void badArgumentsAreRejected() throws IOException {
        Path f = fixture("shd_f16.h5", "shd_train.h5");
        assertThrows(IllegalArgumentException.class, () -> ShdReader.read(f, 0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> ShdReader.read(f, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> ShdReader.read(f, 10, 1.0, 700, 0));
    }
}
