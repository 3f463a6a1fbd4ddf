package dev.surge.io.safetensors;

import static dev.surge.io.safetensors.HandMade.f32;
import static dev.surge.io.safetensors.HandMade.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.nn.Network;
import dev.surge.core.nn.Parameter;
import dev.surge.core.nn.ReadoutSpec;
import dev.surge.core.nn.SpikingSpec;
import dev.surge.core.neuron.Lif;
import dev.surge.core.tensor.Tensor;
import dev.surge.io.FormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static void assertSameTensor(String name, Tensor want, Tensor got) {
        assertArrayEquals(want.shape(), got.shape(), name + ": shape");
        int[] w = new int[want.size()];
        int[] g = new int[got.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = Float.floatToRawIntBits(want.data()[i]);
            g[i] = Float.floatToRawIntBits(got.data()[i]);
        }
        assertArrayEquals(w, g, name + ": bit patterns");
    }

    private static void assertSameTensors(Map<String, Tensor> want, Map<String, Tensor> got) {
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) {
            assertSameTensor(k, want.get(k), got.get(k));
        }
    }

    private static List<String> tempFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }

    // ------------------------------------------------------------------------------ round trips

    @Test
    void roundTripOfSeveralTensorsWithScalarsEmptiesAndSpecialValues() throws Exception {
        SplittableRandom rng = new SplittableRandom(1);
        Map<String, Tensor> ts = new LinkedHashMap<>();
        ts.put("matrix", Tensor.randn(rng, 1f, 3, 4));
        ts.put("vector", Tensor.uniform(rng, -1f, 1f, 5));
        ts.put("scalar", Tensor.scalar(-7.25f));
        ts.put("empty", Tensor.zeros(0));
        ts.put("empty.3d", Tensor.zeros(2, 0, 3));
        ts.put("four.d", Tensor.randn(rng, 2f, 2, 1, 3, 2));
        ts.put("special", Tensor.of(new float[] {Float.NaN, Float.intBitsToFloat(0x7fc01234),
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE, Float.MAX_VALUE,
                -Float.MIN_NORMAL}, 8));
        ts.put("unicode ß→✓ 😀", Tensor.ones(1));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("surge.version", "0.1.0");
        meta.put("text", "quotes \" backslash \\ newline \n tab \t unicode ß→✓😀");
        meta.put("empty", "");

        Path f = dir.resolve("model.safetensors");
        Safetensors.write(f, ts, meta);
        Map<String, Tensor> back = Safetensors.read(f);
        assertSameTensors(ts, back);
        assertEquals(meta, Safetensors.readMetadata(f));
        assertEquals(0, Safetensors.read(f).get("scalar").rank());
        assertEquals(0, back.get("empty.3d").size());
        assertEquals(List.of(), tempFiles(dir));
    }

    @Test
    void noMetadataMeansNoMetadataKeyAndAnEmptyMap() throws Exception {
        Path f = dir.resolve("a.safetensors");
        Safetensors.write(f, Map.of("x", Tensor.ones(2)));
        Safetensors.write(dir.resolve("b.safetensors"), Map.of("x", Tensor.ones(2)), null);
        assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains("__metadata__"));
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(dir.resolve("b.safetensors")));
        assertEquals(Map.of(), Safetensors.readMetadata(f));
    }

    @Test
    void noTensorsAtAll() throws Exception {
        Path f = dir.resolve("empty.safetensors");
        Safetensors.write(f, Map.of(), Map.of("k", "v"));
        assertEquals(Map.of(), Safetensors.read(f));
        assertEquals(Map.of("k", "v"), Safetensors.readMetadata(f));
    }

    @Test
    void tensorsAreStoredInNameOrderWhateverTheMapOrder() throws Exception {
        List<String> names = List.of("zeta", "layers.2.W", "b", "layers.10.W", "\uFFFD", "\uD83D\uDE00", "a",
                "B", "layers.2.b");
        Map<String, Tensor> ts = new LinkedHashMap<>();
        Map<String, Tensor> hashed = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            ts.put(names.get(i), Tensor.full(i, i % 3 + 1));
            hashed.put(names.get(i), ts.get(names.get(i)));
        }
        Path f = dir.resolve("ordered.safetensors");
        Safetensors.write(f, ts, Map.of("z", "1", "a", "2"));
        // code point order: U+FFFD sorts before U+1F600 (String.compareTo would put the surrogate pair first)
        List<String> sorted = List.of("B", "a", "b", "layers.10.W", "layers.2.W", "layers.2.b", "zeta", "\uFFFD",
                "\uD83D\uDE00");
        HandMade.Decoded d = HandMade.decode(Files.readAllBytes(f));
        assertEquals(sorted, d.order());
        assertEquals(List.of("a", "z"), new ArrayList<>(d.metadata().keySet()));
        assertEquals(sorted, new ArrayList<>(Safetensors.read(f).keySet()));

        Path g = dir.resolve("hashed.safetensors");
        Safetensors.write(g, hashed, Map.of("a", "2", "z", "1"));
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(g), "same content, same bytes");
    }

    @Test
    void networkParametersRoundTrip() throws Exception {
        Network net = Network.create(6, List.of(
                SpikingSpec.of(5, Lif.DEFAULT.withLearnable(true, true)).withRecurrent(true),
                SpikingSpec.lif(4),
                ReadoutSpec.of(3, 0.9f)), 11L);
        Map<String, Tensor> ts = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : net.parameters().entrySet()) {
            ts.put(e.getKey(), e.getValue().value());
        }
        assertTrue(ts.containsKey("layers.0.W") && ts.containsKey("layers.0.V") && ts.containsKey("layers.2.W"),
                ts.keySet().toString());
        Path f = dir.resolve("net.safetensors");
        Safetensors.write(f, ts, Map.of("format", "pt"));
        Map<String, Tensor> back = Safetensors.read(f);
        assertSameTensors(ts, back);

        Network other = Network.create(6, List.of(
                SpikingSpec.of(5, Lif.DEFAULT.withLearnable(true, true)).withRecurrent(true),
                SpikingSpec.lif(4),
                ReadoutSpec.of(3, 0.9f)), 99L);
        assertNotEquals(0f, other.parameters().get("layers.0.W").value().maxAbsDiff(ts.get("layers.0.W")));
        for (Map.Entry<String, Parameter> e : other.parameters().entrySet()) {
            e.getValue().set(back.get(e.getKey()));
        }
        for (Map.Entry<String, Parameter> e : other.parameters().entrySet()) {
            assertSameTensor(e.getKey(), ts.get(e.getKey()), e.getValue().value());
        }
    }

    @Test
    void largeTensorSpanningSeveralReadChunks() throws Exception {
        Tensor big = Tensor.randn(new SplittableRandom(3), 1f, 700, 1000); // 2.8 MB, > 1 MiB chunks
        Path f = dir.resolve("big.safetensors");
        Safetensors.write(f, Map.of("a", Tensor.scalar(1f), "big", big, "c", Tensor.ones(3)));
        Map<String, Tensor> back = Safetensors.read(f);
        assertSameTensor("big", big, back.get("big"));
        assertSameTensor("c", Tensor.ones(3), back.get("c"));
    }

    // ------------------------------------------------------------------------------ known bytes

    /** A tiny file built byte by byte from the spec; unpadded header, tensors listed out of name order. */
    @Test
    void readParsesHandBuiltBytes() throws Exception {
        byte[] bytes = HandMade.file(
                "{\"__metadata__\":{\"format\":\"pt\"},"
                        + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                        + "\"b\":{\"shape\":[],\"dtype\":\"F32\",\"data_offsets\":[16,20],\"extra\":true}}",
                hex("0000803f 000020c0 0000003f 00004040"), // 1.0, -2.5, 0.5, 3.0
                hex("0000803e")); // 0.25
        Path f = dir.resolve("hand.safetensors");
        Files.write(f, bytes);
        Map<String, Tensor> ts = Safetensors.read(f);
        assertEquals(List.of("w", "b"), new ArrayList<>(ts.keySet()), "data order");
        assertSameTensor("w", Tensor.of(new float[] {1f, -2.5f, 0.5f, 3f}, 2, 2), ts.get("w"));
        assertSameTensor("b", Tensor.scalar(0.25f), ts.get("b"));
        assertEquals(Map.of("format", "pt"), Safetensors.readMetadata(f));
    }

    /** write produces exactly the bytes the spec prescribes, and the hand decoder reads them back. */
    @Test
    void writeProducesTheExpectedBytes() throws Exception {
        Path f = dir.resolve("out.safetensors");
        Map<String, Tensor> ts = new LinkedHashMap<>();
        ts.put("w", Tensor.of(new float[] {1f, -2.5f, 0.5f, 3f}, 2, 2));
        ts.put("b", Tensor.scalar(0.25f));
        Safetensors.write(f, ts, Map.of("format", "pt"));
        byte[] got = Files.readAllBytes(f);

        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[4,20]}}"
                + "    "; // 140 JSON bytes + 4 spaces = 144, so the data starts at 152 = 19 × 8
        assertEquals(144, header.length());
        byte[] want = HandMade.file(header, hex("0000803e"), hex("0000803f 000020c0 0000003f 00004040"));
        assertEquals(hex("9000000000000000").length, 8);
        assertArrayEquals(hex("9000000000000000"), Arrays.copyOf(got, 8), "header length 144 as u64 LE");
        assertArrayEquals(want, got);

        HandMade.Decoded d = HandMade.decode(got);
        assertEquals(144, d.headerLength());
        assertEquals(Map.of("format", "pt"), d.metadata());
        assertEquals(List.of("b", "w"), d.order());
        assertArrayEquals(new int[] {2, 2}, d.shapes().get("w"));
        assertArrayEquals(new int[0], d.shapes().get("b"));
        assertArrayEquals(new float[] {1f, -2.5f, 0.5f, 3f}, d.values().get("w"));
        assertArrayEquals(new float[] {0.25f}, d.values().get("b"));
    }

    /** Byte layouts the reference implementation's own serialization tests pin down. */
    @Test
    void writeMatchesReferenceLayouts() throws Exception {
        Path f = dir.resolve("attn.safetensors");
        Safetensors.write(f, Map.of("attn0", Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 1, 1, 2, 3)));
        byte[] want = HandMade.file(
                "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}" + "       ",
                hex("00000000 0000803f 00000040 00004040 00008040 0000a040"));
        assertEquals(8 + 72 + 24, want.length);
        assertArrayEquals(want, Files.readAllBytes(f));

        Path g = dir.resolve("meta-only.safetensors");
        Safetensors.write(g, Map.of(), Map.of("framework", "pt"));
        assertArrayEquals(HandMade.file("{\"__metadata__\":{\"framework\":\"pt\"}}     "), Files.readAllBytes(g));

        Path h = dir.resolve("nothing.safetensors");
        Safetensors.write(h, Map.of());
        assertArrayEquals(hex("0800000000000000 7b7d202020202020"), Files.readAllBytes(h));
    }

    @Test
    void dataSectionIsAlignedTo8Bytes() throws Exception {
        // name lengths 1..8 shift the JSON length through every residue mod 8, with and without metadata
        for (int len = 1; len <= 8; len++) {
            for (int meta : new int[] {0, 3}) {
                Path f = dir.resolve("align" + len + "-" + meta + ".safetensors");
                Map<String, String> m = meta == 0 ? Map.of() : Map.of("k", "v".repeat(meta));
                Safetensors.write(f, Map.of("n".repeat(len), Tensor.full(len, 3), "z", Tensor.scalar(meta)), m);
                byte[] b = Files.readAllBytes(f);
                HandMade.Decoded d = HandMade.decode(b);
                assertEquals(0, (8 + d.headerLength()) % 8, "data start for name length " + len);
                String text = d.headerText();
                String json = text.stripTrailing();
                assertTrue(text.length() - json.length() < 8, "at most 7 padding bytes");
                assertTrue(text.substring(json.length()).chars().allMatch(c -> c == ' '), "padding is spaces");
                assertEquals(b.length - 8 - d.headerLength(), 16, "3 + 1 floats of data");
                assertSameTensor("n", Tensor.full(len, 3), Safetensors.read(f).get("n".repeat(len)));
            }
        }
    }

    /** Every accepted dtype, hand-encoded, and its conversion to float. */
    @Test
    void readsOtherDtypesConvertingToFloat() throws Exception {
        String header = "{"
                + "\"f64\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,24]},"
                + "\"i64\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[24,40]},"
                + "\"i32\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[40,48]},"
                + "\"f16\":{\"dtype\":\"F16\",\"shape\":[7],\"data_offsets\":[48,62]},"
                + "\"bf16\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[62,68]},"
                + "\"i16\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[68,72]},"
                + "\"i8\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[72,74]},"
                + "\"u8\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[74,76]},"
                + "\"bool\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[76,79]},"
                + "\"f32\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[79,83]}"
                + "}";
        byte[] bytes = HandMade.file(header,
                hex("000000000000f83f 000000000000f0bf 000000000000f07f"), // 1.5, -1.0, +inf
                hex("fdffffffffffffff 0000000000010000"), // -3, 2^40
                hex("ffffff7f 9cffffff"), // 2147483647, -100
                hex("003c 00c0 ff7b 0100 007c 00fc 0080"), // 1, -2, 65504, 2^-24, +inf, -inf, -0
                hex("803f 20c0 807f"), // 1.0, -2.5, +inf
                hex("0080 ff7f"), // -32768, 32767
                hex("80 7f"), // -128, 127
                hex("ff 00"), // 255, 0
                hex("00 01 02"), // false, true, (nonzero) true
                hex("0000c03f")); // 1.5 (unaligned offset 79 is fine)
        Path f = dir.resolve("dtypes.safetensors");
        Files.write(f, bytes);
        Map<String, Tensor> t = Safetensors.read(f);
        assertArrayEquals(new float[] {1.5f, -1f, Float.POSITIVE_INFINITY}, t.get("f64").data());
        assertArrayEquals(new float[] {-3f, 0x1p40f}, t.get("i64").data());
        assertArrayEquals(new float[] {2147483647f, -100f}, t.get("i32").data());
        assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, -0f}, t.get("f16").data());
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(t.get("f16").data()[6]));
        assertArrayEquals(new float[] {1f, -2.5f, Float.POSITIVE_INFINITY}, t.get("bf16").data());
        assertArrayEquals(new float[] {-32768f, 32767f}, t.get("i16").data());
        assertArrayEquals(new float[] {-128f, 127f}, t.get("i8").data());
        assertArrayEquals(new float[] {255f, 0f}, t.get("u8").data());
        assertArrayEquals(new float[] {0f, 1f, 1f}, t.get("bool").data());
        assertArrayEquals(new float[] {1.5f}, t.get("f32").data());
        assertArrayEquals(new int[] {1, 1}, t.get("f32").shape());
    }

    /** The half-precision decoder against the defining formula, for all 65,536 bit patterns. */
    @Test
    void halfToFloatIsExactForEveryBitPattern() {
        for (int bits = 0; bits < 0x10000; bits++) {
            int sign = bits >>> 15;
            int exp = (bits >>> 10) & 0x1F;
            int mant = bits & 0x3FF;
            double v;
            if (exp == 0x1F) {
                v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
            } else if (exp == 0) {
                v = mant * Math.pow(2, -24);
            } else {
                v = (1 + mant / 1024.0) * Math.pow(2, exp - 15);
            }
            if (sign == 1) {
                v = -v;
            }
            float got = Safetensors.halfToFloat((short) bits);
            if (Double.isNaN(v)) {
                assertTrue(Float.isNaN(got), "NaN for " + Integer.toHexString(bits));
            } else {
                assertEquals(Float.floatToRawIntBits((float) v), Float.floatToRawIntBits(got),
                        "half 0x" + Integer.toHexString(bits));
            }
        }
    }

    // ------------------------------------------------------------------------------ writing: misuse and atomicity

    @Test
    void writeRejectsTheMetadataKeyAsATensorNameAndLeavesTheOldFile() throws Exception {
        Path f = dir.resolve("keep.safetensors");
        Safetensors.write(f, Map.of("a", Tensor.ones(2)));
        byte[] before = Files.readAllBytes(f);
        assertThrows(IllegalArgumentException.class,
                () -> Safetensors.write(f, Map.of("__metadata__", Tensor.ones(1))));
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("k", null);
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(f, Map.of(), nullValue));
        assertArrayEquals(before, Files.readAllBytes(f));
        assertEquals(List.of(), tempFiles(dir));
    }

    @Test
    void writeReplacesAnExistingFileAndLeavesNoTempFiles() throws Exception {
        Path f = dir.resolve("replace.safetensors");
        Files.writeString(f, "not a safetensors file at all, and longer than the new one will be ....");
        Safetensors.write(f, Map.of("x", Tensor.scalar(2f)));
        assertSameTensor("x", Tensor.scalar(2f), Safetensors.read(f).get("x"));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("replace.safetensors"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void writeIntoAMissingDirectoryFailsCleanly() {
        Path f = dir.resolve("no/such/dir/x.safetensors");
        assertThrows(NoSuchFileException.class, () -> Safetensors.write(f, Map.of("x", Tensor.ones(1))));
    }

    @Test
    void readingAMissingFileIsAnIoErrorNotAFormatError() {
        IOException e = assertThrows(IOException.class, () -> Safetensors.read(dir.resolve("missing.safetensors")));
        assertFalse(e instanceof FormatException);
    }
}
