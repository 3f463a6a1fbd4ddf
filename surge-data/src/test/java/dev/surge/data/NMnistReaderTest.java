package dev.surge.data;

import dev.surge.core.data.EventSampleSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NMnistReaderTest {
    @TempDir
    Path dir;

    /** Encodes events {x, y, polarity, micros} in the N-MNIST 40-bit format. */
    private static byte[] events(long[]... evs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long[] e : evs) {
            long t = e[3];
            assertTrue(t >= 0 && t < (1 << 23), "timestamp fits 23 bits");
            out.write((int) e[0]);
            out.write((int) e[1]);
            out.write((int) ((e[2] << 7) | (t >>> 16)));
            out.write((int) ((t >>> 8) & 0xFF));
            out.write((int) (t & 0xFF));
        }
        return out.toByteArray();
    }

    private static long[] ev(int x, int y, int p, long t) {
        return new long[] {x, y, p, t};
    }

    /** The timestamp-overflow marker of the original files: x = 0, y = 240, zero timestamp. */
    private static long[] overflow() {
        return new long[] {0, 240, 0, 0};
    }

    private Path write(String rel, byte[] bytes) throws IOException {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
        return p;
    }

    @Test
    void decodesFields() throws IOException {
        Path f = write("a.bin", events(ev(0, 0, 0, 0), ev(33, 33, 1, (1 << 23) - 1), ev(5, 7, 1, 300_000),
                ev(12, 20, 0, 0x12345)));
        NMnistReader.Events e = NMnistReader.readEvents(f);
        assertEquals(4, e.size());
        assertArrayEquals(new int[] {0, 33, 5, 12}, e.x());
        assertArrayEquals(new int[] {0, 33, 7, 20}, e.y());
        assertArrayEquals(new int[] {0, 1, 1, 0}, e.polarity());
        assertArrayEquals(new long[] {0, (1 << 23) - 1, 300_000, 0x12345}, e.micros());
        assertEquals(0, e.unit(0));
        assertEquals(34 * 34 + 33 * 34 + 33, e.unit(1));
        assertEquals(NMnistReader.INPUTS - 1, e.unit(1));
        assertEquals(12 + 20 * 34, e.unit(3));
    }

    @Test
    void overflowMarkersAdvanceTimeAndAreNotEvents() throws IOException {
        Path f = write("wrap.bin", events(ev(1, 1, 1, 8_388_000), overflow(), ev(2, 2, 0, 100), ev(3, 3, 1, 200),
                overflow(), ev(4, 4, 0, 50)));
        NMnistReader.Events e = NMnistReader.readEvents(f);
        assertEquals(4, e.size(), "the two markers are not events");
        assertArrayEquals(new long[] {8_388_000, 8_388_608 + 100, 8_388_608 + 200, 2 * 8_388_608 + 50}, e.micros());
        for (int i = 1; i < e.size(); i++) {
            assertTrue(e.micros()[i] > e.micros()[i - 1], "monotone at " + i);
        }
        assertArrayEquals(new int[] {1, 2, 3, 4}, e.x());
        assertArrayEquals(new int[] {1, 2, 3, 4}, e.y());
    }

    @Test
    void readsSplitDirectoryWithBinningLabelsAndLimit() throws IOException {
        // 3 bins of 100 µs over [0, 300 µs).
        write("Train/0/00001.bin", events(ev(1, 2, 0, 0), ev(1, 2, 1, 150), ev(33, 0, 1, 299), ev(4, 4, 0, 300),
                ev(5, 5, 0, 1000)));
        write("Train/0/00002.bin", events(ev(0, 0, 0, 10), ev(0, 0, 0, 20)));
        // The marker puts the second event at 2^23 + 10 µs, far beyond the window: dropped.
        write("Train/3/00005.bin", events(ev(7, 8, 1, 10), overflow(), ev(7, 8, 1, 10)));
        write("Train/3/notes.txt", new byte[] {1, 2, 3});
        Files.createDirectories(dir.resolve("Train/extra"));
        Path train = dir.resolve("Train");

        EventSampleSet set = NMnistReader.read(train, 3, 300, 0);
        assertEquals(3, set.size());
        assertEquals(3, set.steps());
        assertEquals(2312, set.inputs());
        assertEquals(10, set.classes());
        assertArrayEquals(new int[] {0, 0, 3}, new int[] {set.label(0), set.label(1), set.label(2)});
        assertEquals(3, set.events(0), "t = 300 and 1000 µs are ≥ maxTime");
        assertEquals(2, set.events(1));
        assertEquals(1, set.events(2));

        float[] x = new float[3 * 2312];
        set.write(0, x, 0, 1, new SplittableRandom(0));
        assertEquals(1f, x[0 * 2312 + 2 * 34 + 1], "off event at t=0 → step 0");
        assertEquals(1f, x[1 * 2312 + 1156 + 2 * 34 + 1], "on event at 150 µs → step 1");
        assertEquals(1f, x[2 * 2312 + 1156 + 33], "on event at 299 µs → step 2");
        float sum = 0;
        for (float v : x) {
            sum += v;
        }
        assertEquals(3f, sum);

        x = new float[3 * 2312];
        set.write(1, x, 0, 1, new SplittableRandom(0));
        assertEquals(2f, x[0], "two events in one bin and unit add up");

        EventSampleSet one = NMnistReader.read(train, 3, 300, 1);
        assertEquals(2, one.size());
        assertArrayEquals(new int[] {0, 3}, new int[] {one.label(0), one.label(1)});
        assertEquals(3, one.events(0), "first file by name, 00001.bin");
    }

    @Test
    void defaultsUseOneMillisecondBins() throws IOException {
        write("Test/9/00001.bin", events(ev(3, 4, 1, 1_500), ev(3, 4, 1, 299_999), ev(3, 4, 1, 300_000)));
        EventSampleSet set = NMnistReader.read(dir.resolve("Test"));
        assertEquals(300, set.steps());
        assertEquals(1, set.size());
        assertEquals(9, set.label(0));
        assertEquals(2, set.events(0));
        float[] x = new float[300 * 2312];
        set.write(0, x, 0, 1, new SplittableRandom(0));
        int u = NMnistReader.unit(3, 4, 1);
        assertEquals(1f, x[1 * 2312 + u]);
        assertEquals(1f, x[299 * 2312 + u]);
    }

    @Test
    void truncatedFileIsNamed() throws IOException {
        byte[] two = events(ev(1, 1, 0, 1), ev(2, 2, 0, 2));
        Path f = write("Train/4/00002.bin", java.util.Arrays.copyOf(two, 12));
        DataFormatException e = assertThrows(DataFormatException.class, () -> NMnistReader.readEvents(f));
        assertEquals(f + ": truncated at byte 12 (file length 12 is not a multiple of 5; the event at byte 10 is "
                + "incomplete)", e.getMessage());
        assertTrue(e.getMessage().contains("00002.bin: truncated at byte 12 (file length 12 is not a multiple of 5"));
        // Also through the split reader.
        e = assertThrows(DataFormatException.class, () -> NMnistReader.read(dir.resolve("Train"), 10, 1000, 0));
        assertEquals(f, e.file());
    }

    @Test
    void badCoordinatesAreNamed() throws IOException {
        Path badX = write("x.bin", events(ev(1, 1, 0, 1), ev(34, 2, 0, 2)));
        DataFormatException e = assertThrows(DataFormatException.class, () -> NMnistReader.readEvents(badX));
        assertEquals(badX + ": event 1 at byte 5: x = 34 is outside 0..33", e.getMessage());

        Path badY = write("y.bin", events(ev(1, 50, 0, 1)));
        e = assertThrows(DataFormatException.class, () -> NMnistReader.readEvents(badY));
        assertEquals(badY + ": event 0 at byte 1: y = 50 is outside 0..33 (and is not the overflow marker 240)",
                e.getMessage());
    }

    @Test
    void emptyFileHasNoEvents() throws IOException {
        assertEquals(0, NMnistReader.readEvents(write("empty.bin", new byte[0])).size());
    }

    @Test
    void directoryErrors() throws IOException {
        Path missing = dir.resolve("Train");
        NoSuchFileException n = assertThrows(NoSuchFileException.class, () -> NMnistReader.read(missing));
        assertEquals(missing + ": no such directory", n.getMessage());

        Files.createDirectories(dir.resolve("Other/a"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> NMnistReader.read(dir.resolve("Other")));
        assertTrue(e.getMessage().startsWith(dir.resolve("Other") + ": no digit sub-directories 0..9"),
                e.getMessage());

        Path file = write("file.bin", new byte[0]);
        e = assertThrows(DataFormatException.class, () -> NMnistReader.read(file));
        assertTrue(e.getMessage().startsWith(file + ": not a directory"), e.getMessage());

        assertThrows(NoSuchFileException.class, () -> NMnistReader.readEvents(dir.resolve("none.bin")));
    }
}
