package dev.surge.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds and decodes safetensors bytes by hand, straight from the format description, without any code of
 * {@link Safetensors}: byte-by-byte little-endian assembly, no {@code ByteBuffer}.
 */
final class HandMade {
    private HandMade() {
    }

    /** {@code len(header) as u64 LE} ++ UTF-8 header ++ data chunks; the header is used as given (no padding). */
    static byte[] file(String header, byte[]... data) {
        return file(header.getBytes(StandardCharsets.UTF_8), data);
    }

    static byte[] file(byte[] header, byte[]... data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(u64(header.length));
        out.writeBytes(header);
        for (byte[] d : data) {
            out.writeBytes(d);
        }
        return out.toByteArray();
    }

    static byte[] u64(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    /** Bytes from hex pairs, whitespace ignored: {@code "00 00 80 3f"}. */
    static byte[] hex(String s) {
        String h = s.replaceAll("\\s+", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    /** A float32 as 4 little-endian bytes, by shifting its bit pattern. */
    static byte[] f32(float... vs) {
        byte[] b = new byte[4 * vs.length];
        for (int k = 0; k < vs.length; k++) {
            int bits = Float.floatToRawIntBits(vs[k]);
            for (int i = 0; i < 4; i++) {
                b[4 * k + i] = (byte) (bits >>> (8 * i));
            }
        }
        return b;
    }

    /** What a file holds, decoded by hand. */
    record Decoded(long headerLength, String headerText, Map<String, String> metadata, List<String> order,
                   Map<String, int[]> shapes, Map<String, float[]> values) {
    }

    /** Decodes an F32-only safetensors file by hand, checking the layout rules on the way. */
    static Decoded decode(byte[] file) throws Exception {
        assertTrue(file.length >= 8, "file too short");
        long n = 0;
        for (int i = 0; i < 8; i++) {
            n |= (long) (file[i] & 0xFF) << (8 * i);
        }
        assertTrue(n <= file.length - 8, "header length beyond file");
        String text = new String(file, 8, (int) n, StandardCharsets.UTF_8);
        JsonNode root = new ObjectMapper().readTree(text);
        int dataStart = 8 + (int) n;
        Map<String, String> meta = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> values = new LinkedHashMap<>();
        long expectedBegin = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) {
                f.getValue().fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().textValue()));
                continue;
            }
            JsonNode info = f.getValue();
            assertEquals("F32", info.get("dtype").textValue());
            int[] shape = new int[info.get("shape").size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = info.get("shape").get(i).intValue();
                count *= shape[i];
            }
            long begin = info.get("data_offsets").get(0).longValue();
            long end = info.get("data_offsets").get(1).longValue();
            assertEquals(expectedBegin, begin, "tensors in header order must be contiguous: " + f.getKey());
            assertEquals(count * 4, end - begin, "byte span of " + f.getKey());
            float[] v = new float[(int) count];
            for (int k = 0; k < v.length; k++) {
                int p = dataStart + (int) begin + 4 * k;
                int bits = (file[p] & 0xFF) | (file[p + 1] & 0xFF) << 8 | (file[p + 2] & 0xFF) << 16
                        | (file[p + 3] & 0xFF) << 24;
                v[k] = Float.intBitsToFloat(bits);
            }
            expectedBegin = end;
            order.add(f.getKey());
            shapes.put(f.getKey(), shape);
            values.put(f.getKey(), v);
        }
        assertEquals(file.length - dataStart, expectedBegin, "tensors must cover the data section exactly");
        return new Decoded(n, text, meta, order, shapes, values);
    }
}
