package dev.surge.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX reading (raw and gzip), lookup of MNIST-like datasets, and the errors for bad files. */
class IdxTest {

    static byte[] images(int n, int rows, int cols) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.writeInt(0x00000803);
        out.writeInt(n);
        out.writeInt(rows);
        out.writeInt(cols);
        for (int i = 0; i < n * rows * cols; i++) {
            out.writeByte(i % 256);
        }
        return bos.toByteArray();
    }

    static byte[] labels(int... ls) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.writeInt(0x00000801);
        out.writeInt(ls.length);
        for (int l : ls) {
            out.writeByte(l);
        }
        return bos.toByteArray();
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bos)) {
            g.write(b);
        }
        return bos.toByteArray();
    }

    /** A complete tiny dataset: 3 training and 2 test images of 2×3 pixels. */
    static Path dataset(Path dir, boolean gz) throws IOException {
        Files.createDirectories(dir);
        String ext = gz ? ".gz" : "";
        Files.write(dir.resolve("train-images-idx3-ubyte" + ext), gz ? gzip(images(3, 2, 3)) : images(3, 2, 3));
        Files.write(dir.resolve("train-labels-idx1-ubyte" + ext), gz ? gzip(labels(1, 2, 3)) : labels(1, 2, 3));
        Files.write(dir.resolve("t10k-images-idx3-ubyte" + ext), gz ? gzip(images(2, 2, 3)) : images(2, 2, 3));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte" + ext), gz ? gzip(labels(9, 0)) : labels(9, 0));
        return dir;
    }

    @Test
    void tinyFilesThatDeclareHugeCountsAreRefusedAsTruncatedWithoutAllocatingThem(@TempDir Path tmp)
            throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(0x00000803);
        d.writeInt(Integer.MAX_VALUE);
        d.writeInt(28);
        d.writeInt(28);
        d.write(new byte[784 * 3]);
        Path images = tmp.resolve("images");
        Files.write(images, b.toByteArray());
        var e = assertThrows(DataFormatException.class, () -> Idx.readImages(images));
        assertTrue(e.getMessage().contains("truncated: image 3 of 2147483647"), e.getMessage());
        b.reset();
        d.writeInt(0x00000801);
        d.writeInt(Integer.MAX_VALUE);
        d.write(new byte[100]);
        Path labels = tmp.resolve("labels");
        Files.write(labels, b.toByteArray());
        e = assertThrows(DataFormatException.class, () -> Idx.readLabels(labels));
        assertTrue(e.getMessage().contains("truncated: labels 0..65535 of 2147483647"), e.getMessage());
    }

    @Test
    void readsRawAndGzipIdentically(@TempDir Path tmp) throws IOException {
        MnistLike.Split raw = MnistLike.load(dataset(tmp.resolve("raw"), false), true);
        MnistLike.Split gz = MnistLike.load(dataset(tmp.resolve("gz"), true), true);
        assertEquals(3, raw.images().count());
        assertEquals(2, raw.images().rows());
        assertEquals(3, raw.images().cols());
        assertArrayEquals(new int[] {1, 2, 3}, raw.labels());
        assertArrayEquals(new byte[] {6, 7, 8, 9, 10, 11}, raw.images().pixels()[1]);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(raw.images().pixels()[i], gz.images().pixels()[i]);
        }
        assertArrayEquals(new int[] {9, 0}, MnistLike.load(tmp.resolve("gz"), false).labels());
    }

    @Test
    void badMagicNamesTheFileAndTheExpectedMagic(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("x-idx3-ubyte");
        Files.write(f, labels(1, 2));
        var e = assertThrows(DataFormatException.class, () -> Idx.readImages(f));
        assertTrue(e.getMessage().startsWith(f + ": bad magic number 0x00000801"), e.getMessage());
    }

    @Test
    void truncatedFileSaysWhereItEnds(@TempDir Path tmp) throws IOException {
        byte[] full = images(3, 2, 3);
        Path f = tmp.resolve("short");
        Files.write(f, Arrays.copyOf(full, full.length - 4));
        var e = assertThrows(DataFormatException.class, () -> Idx.readImages(f));
        assertTrue(e.getMessage().startsWith(f + ": truncated: image 2 of 3 needs 6 bytes"), e.getMessage());
        Path h = tmp.resolve("header");
        Files.write(h, Arrays.copyOf(full, 6));
        e = assertThrows(DataFormatException.class, () -> Idx.readImages(h));
        assertTrue(e.getMessage().contains("truncated in the header"), e.getMessage());
    }

    @Test
    void corruptOrTruncatedGzipIsReportedAsSuch(@TempDir Path tmp) throws IOException {
        byte[] gz = gzip(images(3, 2, 3));
        Path cut = tmp.resolve("cut.gz");
        Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
        var e = assertThrows(DataFormatException.class, () -> Idx.readImages(cut));
        assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
        byte[] bad = gz.clone();
        for (int i = 12; i < bad.length - 8; i++) {
            bad[i] ^= 0x5a;
        }
        Path corrupt = tmp.resolve("corrupt.gz");
        Files.write(corrupt, bad);
        e = assertThrows(DataFormatException.class, () -> Idx.readImages(corrupt));
        assertTrue(e.getMessage().startsWith(corrupt.toString()) && e.getMessage().contains("gzip"), e.getMessage());
    }

    @Test
    void imageAndLabelCountMismatchNamesBothFiles(@TempDir Path tmp) throws IOException {
        Path d = dataset(tmp.resolve("d"), false);
        Files.write(d.resolve("train-labels-idx1-ubyte"), labels(1, 2));
        var e = assertThrows(DataFormatException.class, () -> MnistLike.load(d, true));
        assertTrue(e.getMessage().contains("holds 3 images but") && e.getMessage().contains("holds 2 labels"),
                e.getMessage());
    }

    @Test
    void lookupFindsTheDataDirOrItsNamedSubdirectory(@TempDir Path tmp) throws IOException {
        dataset(tmp.resolve("base/fashion-mnist"), true);
        assertEquals(tmp.resolve("base/fashion-mnist"),
                MnistLike.FASHION_MNIST.locate(tmp.resolve("base"), false, m -> { }));
        dataset(tmp.resolve("flat"), false);
        assertEquals(tmp.resolve("flat"), MnistLike.MNIST.locate(tmp.resolve("flat"), false, m -> { }));
    }

    @Test
    void offlineMissingDatasetSaysWhereItLookedAndWhatToInstall(@TempDir Path tmp) throws IOException {
        String home = System.getProperty("user.home");
        System.setProperty("user.home", tmp.toString());
        try {
            var e = assertThrows(DataFormatException.class,
                    () -> MnistLike.MNIST.locate(tmp.resolve("nowhere"), false, m -> { }));
            assertTrue(e.getMessage().startsWith("MNIST not found; looked in " + tmp.resolve("nowhere")), e.getMessage());
            assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz") && e.getMessage().contains("--data-dir"),
                    e.getMessage());
        } finally {
            System.setProperty("user.home", home);
        }
    }

    @Test
    void downloadThatFailsVerificationSavesNothing(@TempDir Path tmp) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] fake = gzip(images(1, 2, 2));
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(200, fake.length);
            ex.getResponseBody().write(fake);
            ex.close();
        });
        server.start();
        String home = System.getProperty("user.home");
        System.setProperty("user.home", tmp.toString());
        System.setProperty("surge.mirror.mnist", "http://127.0.0.1:" + server.getAddress().getPort() + "/");
        try {
            var e = assertThrows(DataFormatException.class,
                    () -> MnistLike.MNIST.locate(tmp.resolve("none"), true, m -> { }));
            assertTrue(e.getMessage().contains("SHA-256") && e.getMessage().contains("does not match the published"),
                    e.getMessage());
            Path cache = tmp.resolve("none"); // an explicit data directory is where a download goes
            try (var s = Files.list(cache)) {
                assertFalse(s.findAny().isPresent(), "nothing may be left in " + cache);
            }
        } finally {
            System.setProperty("user.home", home);
            System.clearProperty("surge.mirror.mnist");
            server.stop(0);
        }
    }
}
