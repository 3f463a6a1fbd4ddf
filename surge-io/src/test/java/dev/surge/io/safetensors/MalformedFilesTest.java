package dev.surge.io.safetensors;

import static dev.surge.io.safetensors.HandMade.f32;
import static dev.surge.io.safetensors.HandMade.file;
import static dev.surge.io.safetensors.HandMade.u64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.surge.core.tensor.Tensor;
import dev.surge.io.FormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed file is a {@link FormatException} that names the file and says what is wrong. */
class MalformedFilesTest {
    @TempDir
    Path dir;

    private static String t(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}";
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static Stream<Arguments> cases() {
        String ok = t("a", "F32", "[2]", 0, 8);
        return Stream.of(
                Arguments.of("empty file", new byte[0], "is 0 bytes, shorter than the 8-byte"),
                Arguments.of("3-byte file", new byte[] {1, 0, 0}, "is 3 bytes, shorter than the 8-byte"),
                Arguments.of("header length beyond the file", concat(u64(100), "{}".getBytes(StandardCharsets.UTF_8)),
                        "header length 100 exceeds the 2 bytes"),
                Arguments.of("header length 2^64-1", concat(u64(-1), "{}".getBytes(StandardCharsets.UTF_8)),
                        "header length 18446744073709551615 exceeds"),
                Arguments.of("empty header", u64(0), "header is empty"),
                Arguments.of("blank header", file("        "), "header is empty"),
                Arguments.of("header not JSON", file("{\"a\": "), "header is not valid JSON"),
                Arguments.of("header not JSON (text)", file("hello world"), "header is not valid JSON"),
                Arguments.of("header not UTF-8", file(new byte[] {'{', (byte) 0xff, '}'}), "not valid UTF-8"),
                Arguments.of("header is an array", file("[]"), "header is a JSON array, expected an object"),
                Arguments.of("trailing JSON", file("{} {}"), "header is not valid JSON"),
                Arguments.of("deeply nested JSON", file("{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}"),
                        "header is not valid JSON"),
                Arguments.of("duplicate tensor name", file("{" + ok + "," + ok + "}", f32(1, 2)), "Duplicate field 'a'"),
                Arguments.of("entry not an object", file("{\"a\":5}"), "tensor 'a' is a JSON number, expected an object"),
                Arguments.of("missing dtype", file("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", f32(1, 2)),
                        "tensor 'a': missing dtype"),
                Arguments.of("missing shape", file("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", f32(1, 2)),
                        "tensor 'a': missing shape"),
                Arguments.of("missing data_offsets", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", f32(1, 2)),
                        "tensor 'a': missing data_offsets"),
                Arguments.of("dtype not a string", file("{\"a\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}"),
                        "tensor 'a': dtype is a JSON number"),
                Arguments.of("unsupported dtype F8_E4M3", file("{" + t("a", "F8_E4M3", "[2]", 0, 2) + "}", new byte[2]),
                        "tensor 'a': unsupported dtype 'F8_E4M3'"),
                Arguments.of("unsupported dtype U32", file("{" + t("a", "U32", "[1]", 0, 4) + "}", new byte[4]),
                        "unsupported dtype 'U32'"),
                Arguments.of("lower-case dtype", file("{" + t("a", "f32", "[1]", 0, 4) + "}", new byte[4]),
                        "unsupported dtype 'f32'"),
                Arguments.of("shape not an array", file("{" + t("a", "F32", "2", 0, 8) + "}", f32(1, 2)),
                        "tensor 'a': shape is a JSON number"),
                Arguments.of("negative dimension", file("{" + t("a", "F32", "[-2]", 0, 8) + "}", f32(1, 2)),
                        "tensor 'a': shape[0] must be a non-negative integer"),
                Arguments.of("fractional dimension", file("{" + t("a", "F32", "[2, 1.5]", 0, 8) + "}", f32(1, 2)),
                        "tensor 'a': shape[1] must be a non-negative integer"),
                Arguments.of("huge dimension", file("{" + t("a", "F32", "[3000000000]", 0, 8) + "}", f32(1, 2)),
                        "shape[0] = 3000000000 is larger than a Tensor dimension"),
                Arguments.of("element count overflow", file("{" + t("a", "F32",
                        "[2000000000,2000000000,2000000000]", 0, 8) + "}", f32(1, 2)), "has too many elements"),
                Arguments.of("data_offsets with one number", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],"
                        + "\"data_offsets\":[8]}}", f32(1, 2)), "data_offsets must be an array [begin, end], got [8]"),
                Arguments.of("negative offset", file("{" + t("a", "F32", "[2]", -8, 0) + "}", f32(1, 2)),
                        "data_offsets[0] must be a non-negative integer"),
                Arguments.of("offset beyond 2^63", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],"
                        + "\"data_offsets\":[0,99999999999999999999]}}", f32(1, 2)), "data_offsets[1] must be"),
                Arguments.of("end before begin", file("{" + t("a", "F32", "[0]", 8, 4) + "}", f32(1, 2, 3)),
                        "data_offsets [8, 4] end before they begin"),
                Arguments.of("offsets past the data", file("{" + t("a", "F32", "[4]", 0, 16) + "}", f32(1, 2)),
                        "tensor 'a': data_offsets [0, 16] extend past the end of the data section (8 bytes)"),
                Arguments.of("offsets do not match shape", file("{" + t("a", "F32", "[3]", 0, 8) + "}", f32(1, 2)),
                        "data_offsets [0, 8] span 8 bytes, but shape [3] of F32 needs 3 × 4 = 12 bytes"),
                Arguments.of("offsets do not match dtype", file("{" + t("a", "F64", "[2]", 0, 8) + "}", f32(1, 2)),
                        "shape [2] of F64 needs 2 × 8 = 16 bytes"),
                Arguments.of("overlap", file("{" + t("a", "F32", "[2]", 0, 8) + "," + t("b", "F32", "[2]", 4, 12)
                        + "}", f32(1, 2, 3)), "tensor 'b' at data_offsets [4, 12] overlaps tensor 'a' at [0, 8]"),
                Arguments.of("same range twice", file("{" + t("a", "F32", "[2]", 0, 8) + "," + t("b", "F32", "[2]", 0, 8)
                        + "}", f32(1, 2)), "overlaps tensor 'a'"),
                Arguments.of("hole between tensors", file("{" + t("a", "F32", "[1]", 0, 4) + "," + t("b", "F32", "[1]",
                        8, 12) + "}", f32(1, 2, 3)), "bytes [4, 8) of the data section are not covered by any tensor"
                        + " (a hole before tensor 'b')"),
                Arguments.of("hole at the start", file("{" + t("a", "F32", "[1]", 4, 8) + "}", f32(1, 2)),
                        "bytes [0, 4) of the data section are not covered"),
                Arguments.of("trailing bytes", file("{" + t("a", "F32", "[1]", 0, 4) + "}", f32(1, 2)),
                        "bytes [4, 8) at the end of the data section are not covered by any tensor"),
                Arguments.of("data but no tensors", file("{}", new byte[3]),
                        "bytes [0, 3) at the end of the data section are not covered"),
                Arguments.of("metadata not an object", file("{\"__metadata__\":[\"x\"]}"),
                        "__metadata__ is a JSON array, expected an object of strings"),
                Arguments.of("metadata value not a string", file("{\"__metadata__\":{\"epoch\":3}}"),
                        "__metadata__ entry 'epoch' is a JSON number, expected a string"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void malformedFileIsAFormatErrorNamingTheFile(String what, byte[] bytes, String expected) throws Exception {
        Path f = dir.resolve("bad file.safetensors");
        Files.write(f, bytes);
        FormatException e = assertThrows(FormatException.class, () -> Safetensors.read(f), what);
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "message was: " + e.getMessage());
        assertEquals(f, e.file());
        FormatException m = assertThrows(FormatException.class, () -> Safetensors.readMetadata(f), what);
        assertEquals(e.getMessage(), m.getMessage());
    }

    @Test
    void unpaddedAndWhitespacePaddedHeadersAreAccepted() throws Exception {
        Path f = dir.resolve("ok.safetensors");
        Files.write(f, file(" \n{" + t("a", "F32", "[2]", 0, 8) + "}\n\t  ", f32(1, 2)));
        assertEquals(2, Safetensors.read(f).get("a").size());
        Files.write(f, file("{\"__metadata__\":null," + t("e", "F32", "[0]", 0, 0) + "}"));
        assertEquals(Map.of(), Safetensors.readMetadata(f));
        assertEquals(0, Safetensors.read(f).get("e").size());
    }

    /**
     * Random corruption of valid files (bytes overwritten, truncation, extension) never escapes as anything but
     * success or a {@link FormatException}: no unchecked exception, no bare Jackson exception.
     */
    @Test
    void randomCorruptionOnlyEverGivesFormatExceptions() throws Exception {
        Path good = dir.resolve("good.safetensors");
        Map<String, Tensor> ts = new LinkedHashMap<>();
        ts.put("layers.0.W", Tensor.ones(3, 2));
        ts.put("s", Tensor.scalar(1f));
        ts.put("e", Tensor.zeros(0, 4));
        Safetensors.write(good, ts, Map.of("format", "pt", "note", "x"));
        byte[][] bases = {
                Files.readAllBytes(good),
                file("{\"__metadata__\":{\"k\":\"v\"}," + t("h", "F16", "[2]", 0, 4) + "," + t("l", "I64", "[1]", 4, 12)
                        + "," + t("b", "BOOL", "[3]", 12, 15) + "}", new byte[15])};
        String alphabet = "{}[]\",:0123456789-.e ";
        SplittableRandom rng = new SplittableRandom(2024);
        Path name = dir.resolve("fuzz.safetensors");
        int formatErrors = 0;
        for (int iter = 0; iter < 3000; iter++) {
            byte[] b = mutate(bases[iter % bases.length], alphabet, rng);
            try {
                Safetensors.read(name, new BytesChannel(b)); // in memory: the disk's speed does not matter
            } catch (FormatException e) {
                formatErrors++;
                assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
            } catch (Exception | Error e) {
                fail("iteration " + iter + ": " + e + " for bytes " + Arrays.toString(b), e);
            }
        }
        assertTrue(formatErrors > 1500, "most corruptions must be detected, got " + formatErrors);
        // a few through real files and the public API, readMetadata included
        for (int iter = 0; iter < 100; iter++) {
            byte[] b = mutate(bases[iter % bases.length], alphabet, rng);
            Path f = dir.resolve("fuzz" + iter + ".safetensors"); // fresh files: overwriting is slow on ext4
            Files.write(f, b);
            for (int api = 0; api < 2; api++) {
                try {
                    if (api == 0) {
                        Safetensors.read(f);
                    } else {
                        Safetensors.readMetadata(f);
                    }
                } catch (FormatException e) {
                    assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
                } catch (Exception | Error e) {
                    fail("file iteration " + iter + ": " + e + " for bytes " + Arrays.toString(b), e);
                }
            }
        }
    }

    private static byte[] mutate(byte[] base, String alphabet, SplittableRandom rng) {
        int kind = rng.nextInt(10);
        if (kind == 0) {
            return Arrays.copyOf(base, rng.nextInt(base.length));
        }
        if (kind == 1) {
            return Arrays.copyOf(base, base.length + 1 + rng.nextInt(16));
        }
        byte[] b = base.clone();
        int headerEnd = Math.min(b.length, 8 + (b[0] & 0xFF) + 4);
        for (int k = 0, n = 1 + rng.nextInt(3); k < n; k++) {
            int at = rng.nextInt(10) == 0 ? rng.nextInt(8) : rng.nextInt(headerEnd);
            b[at] = rng.nextBoolean() ? (byte) rng.nextInt(256) : (byte) alphabet.charAt(rng.nextInt(alphabet.length()));
        }
        return b;
    }
}
