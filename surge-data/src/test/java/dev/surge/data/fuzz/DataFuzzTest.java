package dev.surge.data.fuzz;

import dev.surge.core.testing.Fuzz;
import dev.surge.data.DataFormatException;
import dev.surge.data.Idx;
import dev.surge.data.NMnistReader;
import dev.surge.data.ShdReader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;

/**
 * Fuzzing of surge-data's readers (IDX raw and gzip, SHD/SSC HDF5, N-MNIST) with mutations of valid files: each
 * input is read or refused with a one-line {@link DataFormatException}, within the allocation bound of
 * {@link Fuzz#check}.
 */
@Tag("fuzz")
class DataFuzzTest {
    static final Path DIR;
    static final List<byte[]> IMAGES;
    static final List<byte[]> LABELS;
    static final List<byte[]> HDF5;
    static final List<byte[]> NMNIST;

    static {
        try {
            DIR = Files.createTempDirectory("surge-fuzz-data");
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(b);
            d.writeInt(0x00000803);
            d.writeInt(3);
            d.writeInt(4);
            d.writeInt(5);
            for (int i = 0; i < 60; i++) {
                d.write(i * 4);
            }
            byte[] images = b.toByteArray();
            b.reset();
            d.writeInt(0x00000801);
            d.writeInt(3);
            d.write(new byte[] {1, 7, 9});
            byte[] labels = b.toByteArray();
            IMAGES = List.of(images, gzip(images));
            LABELS = List.of(labels, gzip(labels));
            HDF5 = List.of(resource("shd_f16.h5"), resource("ssc_f64_gzip.h5"));
            NMNIST = List.of(new byte[] {3, 4, (byte) 0x80, 0, 10, 33, 33, 0, 1, 0, 0, (byte) 240, 0, 0, 0, 5, 6,
                (byte) 0x80, 2, 0});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(o)) {
            z.write(raw);
        }
        return o.toByteArray();
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = DataFuzzTest.class.getResourceAsStream("/dev/surge/data/shd/" + name)) {
            return in.readAllBytes();
        }
    }


    @Property
    void idxImages(@ForAll long key) throws IOException {
        Path f = DIR.resolve("train-images-idx3-ubyte");
        byte[] b = Fuzz.writeMutation(f, key, IMAGES);
        Fuzz.check(Fuzz.describe(key, b), b.length, () -> Idx.readImages(f), DataFormatException.class);
    }

    @Property
    void idxLabels(@ForAll long key) throws IOException {
        Path f = DIR.resolve("train-labels-idx1-ubyte");
        byte[] b = Fuzz.writeMutation(f, key, LABELS);
        Fuzz.check(Fuzz.describe(key, b), b.length, () -> Idx.readLabels(f), DataFormatException.class);
    }

    @Property
    void shdHdf5(@ForAll long key) throws IOException {
        Path f = DIR.resolve("shd_train.h5");
        byte[] b = Fuzz.writeMutation(f, key, HDF5);
        // jhdf churns through temporary buffers on some corrupt B-trees (up to 2.1 GB in all for a 12 KB file, with
        // never more than 64 MB live: such a file reads to a clean error under -Xmx64m), so the bound on all bytes
        // allocated is wider here; the -Pfuzz heap cap still catches a single large allocation
        Fuzz.checkWithin(Fuzz.describe(key, b), 4L << 30, () -> ShdReader.read(f), DataFormatException.class);
    }

    @Property
    void nmnistEvents(@ForAll long key) throws IOException {
        Path f = DIR.resolve("00001.bin");
        byte[] b = Fuzz.writeMutation(f, key, NMNIST);
        Fuzz.check(Fuzz.describe(key, b), b.length, () -> NMnistReader.readEvents(f), DataFormatException.class);
    }
}
