package dev.surge.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader for the IDX format of MNIST and Fashion-MNIST, raw or gzip-compressed (detected by content). Big-endian:
 * magic {@code 0x00000803} (unsigned bytes, 3 dimensions: count, rows, columns) for images and {@code 0x00000801}
 * (1 dimension: count) for labels, then the data.
 */
public final class Idx {
    private Idx() {
    }

    /** Images as bytes, one array of {@code rows·cols} per image. */
    public record Images(byte[][] pixels, int rows, int cols) {
        public int count() {
            return pixels.length;
        }
    }

    public static Images readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = header(in, file, "magic number");
            if (magic != 0x00000803) {
                throw new DataFormatException(file, "bad magic number 0x" + String.format("%08x", magic)
                        + " (expected 0x00000803 for an IDX image file)");
            }
            int n = header(in, file, "image count");
            int rows = header(in, file, "row count");
            int cols = header(in, file, "column count");
            if (n < 0 || rows <= 0 || cols <= 0 || (long) rows * cols > 1 << 24) {
                throw new DataFormatException(file, "implausible dimensions " + n + "×" + rows + "×" + cols);
            }
            // image by image, so that a header declaring more images than the file holds is refused as truncated
            // without first allocating what it declares
            java.util.List<byte[]> px = new java.util.ArrayList<>(Math.min(n, 1 << 12));
            for (int i = 0; i < n; i++) {
                byte[] image = new byte[rows * cols];
                readFully(in, image, file, "image " + i + " of " + n, 16L + (long) i * rows * cols);
                px.add(image);
            }
            return new Images(px.toArray(byte[][]::new), rows, cols);
        }
    }

    public static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = header(in, file, "magic number");
            if (magic != 0x00000801) {
                throw new DataFormatException(file, "bad magic number 0x" + String.format("%08x", magic)
                        + " (expected 0x00000801 for an IDX label file)");
            }
            int n = header(in, file, "label count");
            if (n < 0) {
                throw new DataFormatException(file, "negative label count " + n);
            }
            // in blocks, for the same reason as the images
            int[] labels = new int[Math.min(n, 1 << 16)];
            byte[] block = new byte[1 << 16];
            for (int from = 0; from < n; from += block.length) {
                int len = Math.min(block.length, n - from);
                byte[] b = len == block.length ? block : new byte[len];
                readFully(in, b, file, "labels " + from + ".." + (from + len - 1) + " of " + n, 8L + from);
                if (labels.length < from + len) {
                    labels = java.util.Arrays.copyOf(labels, (int) Math.min(n, 2L * labels.length));
                }
                for (int i = 0; i < len; i++) {
                    labels[from + i] = b[i] & 0xff;
                }
            }
            return labels;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file, "no such file");
        }
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                raw = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
            } catch (ZipException | EOFException e) {
                raw.close();
                throw new DataFormatException(file, "not a valid gzip file: " + e.getMessage());
            }
        }
        return new DataInputStream(raw);
    }

    private static int header(DataInputStream in, Path file, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new DataFormatException(file, "truncated in the header (reading the " + what + ")");
        } catch (ZipException e) {
            throw new DataFormatException(file, "gzip data is corrupt: " + e.getMessage());
        }
    }

    private static void readFully(DataInputStream in, byte[] b, Path file, String what, long offset)
            throws IOException {
        int got = 0;
        try {
            while (got < b.length) {
                int r = in.read(b, got, b.length - got);
                if (r < 0) {
                    break;
                }
                got += r;
            }
        } catch (ZipException e) {
            throw new DataFormatException(file, "gzip data is corrupt at byte " + (offset + got)
                    + " of the uncompressed stream: " + e.getMessage());
        } catch (EOFException e) {
            throw new DataFormatException(file, "gzip stream ends early at byte " + (offset + got)
                    + " of the uncompressed stream (truncated download?)");
        }
        if (got < b.length) {
            throw new DataFormatException(file, "truncated: " + what + " needs " + b.length + " bytes from offset "
                    + offset + " but the file ends after " + got);
        }
    }
}
