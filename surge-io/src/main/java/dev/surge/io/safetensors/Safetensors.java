package dev.surge.io.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.surge.core.tensor.Tensor;
import dev.surge.io.AtomicFiles;
import dev.surge.io.FormatException;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Reads and writes <a href="https://github.com/huggingface/safetensors">safetensors</a> files, the format of
 * Hugging Face's {@code safetensors} library ({@code safetensors.torch.save_file} / {@code load_file}).
 *
 * <h2>Format</h2>
 * <pre>
 *   8 bytes   N, unsigned 64-bit little-endian: the length of the header
 *   N bytes   header: UTF-8 JSON object, optionally padded with trailing spaces
 *             {"__metadata__": {"key": "value", ...},
 *              "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
 *   rest      data section: every tensor's elements, little-endian, row-major (C order), contiguous
 * </pre>
 * {@code data_offsets} are byte offsets relative to the start of the data section; {@code end - begin} must be
 * {@code product(shape) × size(dtype)}, and the tensors must cover the data section exactly, with no gap, no
 * overlap and nothing after the last tensor. A scalar has shape {@code []} (one element); a tensor with a zero
 * dimension has no bytes ({@code begin == end}). {@code __metadata__} is optional and maps strings to strings.
 *
 * <h2>Writing</h2>
 * {@link #write} stores every tensor as {@code F32}, in <b>name order</b> (Unicode code point order, i.e. the byte
 * order of the UTF-8 names, as the reference writer sorts them), so the same tensors always give the same bytes
 * whatever the map's iteration order. The header is compact JSON with {@code __metadata__} first (omitted when
 * there is no metadata; its keys are also sorted), then the tensors in data order, and is padded with spaces so
 * that the data section starts at a file offset that is a multiple of 8, as the reference implementation does.
 * The file is replaced atomically ({@link AtomicFiles}): an interrupted write leaves any existing file intact.
 *
 * <h2>Reading</h2>
 * {@link #read} returns the tensors in <b>data order</b> (by {@code data_offsets}), which for files written here,
 * and for single-dtype files written by the reference library, is name order. Every supported dtype is
 * converted to float32:
 * <ul>
 *   <li>{@code F32}: exact (bit patterns, NaN payloads included, are kept);</li>
 *   <li>{@code F16}, {@code BF16}: exact (every half / bfloat16 value is a float);</li>
 *   <li>{@code F64}: rounded to the nearest float; magnitudes beyond the float range become ±infinity;</li>
 *   <li>{@code I64}, {@code I32}: rounded to the nearest float (exact up to 2<sup>24</sup> in magnitude);</li>
 *   <li>{@code I16}, {@code I8}, {@code U8}: exact;</li>
 *   <li>{@code BOOL}: 0 → 0.0, any other byte → 1.0.</li>
 * </ul>
 * Other dtypes ({@code U16}, {@code U32}, {@code U64}, the {@code F8_*} and sub-byte floats, complex, ...) are
 * rejected. Unknown fields in a tensor entry are ignored, as the reference reader does.
 *
 * <h2>Errors</h2>
 * A malformed file raises a {@link FormatException} whose message starts with the file name and says what is
 * wrong (too short, header length beyond the file or above the 100,000,000-byte limit the reference reader also
 * applies, header not UTF-8 or not valid JSON, duplicate names, missing or ill-typed {@code dtype} / {@code shape}
 * / {@code data_offsets}, unsupported dtype, offsets out of range or not matching the shape, overlaps, gaps,
 * trailing bytes, a tensor too large for a {@link Tensor}). Failures of the file system itself are plain
 * {@link IOException}s.
 */
public final class Safetensors {
    /** The key of the free-form string-to-string map in the header. */
    public static final String METADATA_KEY = "__metadata__";

    /** The largest header accepted, as in the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    private static final int CHUNK = 1 << 20;
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Code point (= UTF-8 byte) order, the order Rust's {@code String} comparison gives. */
    static final Comparator<String> NAME_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    };

    private Safetensors() {
    }

    // ------------------------------------------------------------------------------------------ writing

    /** Writes {@code tensors} as F32 with no metadata; see {@link #write(Path, Map, Map)}. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /**
     * Atomically writes {@code tensors} (as F32, in name order) and {@code metadata} to {@code file}, replacing
     * it if it exists.
     *
     * @param metadata stored as {@code __metadata__}; {@code null} or empty for none
     * @throws IllegalArgumentException if a name, tensor, metadata key or value is null, or a tensor is named
     *                                  {@code __metadata__}
     * @throws IOException              if the file cannot be written; the previous file, if any, is then unchanged
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tensors, "tensors");
        List<Map.Entry<String, Tensor>> entries = new ArrayList<>(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("safetensors: null tensor name or tensor ("
                        + e.getKey() + ")");
            }
            if (e.getKey().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("safetensors: a tensor cannot be named " + METADATA_KEY);
            }
            entries.add(Map.entry(e.getKey(), e.getValue()));
        }
        entries.sort(Map.Entry.comparingByKey(NAME_ORDER));

        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            List<String> keys = new ArrayList<>(metadata.size());
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("safetensors: null metadata key or value (" + e.getKey() + ")");
                }
                keys.add(e.getKey());
            }
            keys.sort(NAME_ORDER);
            ObjectNode m = header.putObject(METADATA_KEY);
            for (String k : keys) {
                m.put(k, metadata.get(k));
            }
        }
        long offset = 0;
        long largest = 0;
        for (Map.Entry<String, Tensor> e : entries) {
            Tensor t = e.getValue();
            long bytes = (long) t.size() * Dtype.F32.size;
            ObjectNode info = header.putObject(e.getKey());
            info.put("dtype", Dtype.F32.name());
            ArrayNode shape = info.putArray("shape");
            for (int d : t.shape()) {
                shape.add(d);
            }
            info.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
            largest = Math.max(largest, bytes);
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        if (padded > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("safetensors: the header would be " + padded
                    + " bytes, more than the " + MAX_HEADER_BYTES + " readers accept");
        }
        byte[] head = Arrays.copyOf(json, padded);
        Arrays.fill(head, json.length, padded, (byte) ' ');

        int bufferSize = bufferSize(largest);
        AtomicFiles.writeAtomically(file, out -> {
            ByteBuffer buf = ByteBuffer.allocate(bufferSize).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(head.length);
            out.write(buf.array(), 0, 8);
            out.write(head);
            for (Map.Entry<String, Tensor> e : entries) {
                writeFloats(out, e.getValue().data(), buf);
            }
        });
    }

    /** A transfer buffer for tensors of at most {@code largest} bytes: a multiple of 8, at most {@link #CHUNK}. */
    private static int bufferSize(long largest) {
        return (int) Math.min(CHUNK, Math.max(8, (largest + 7) / 8 * 8));
    }

    private static void writeFloats(OutputStream out, float[] data, ByteBuffer buf) throws IOException {
        int per = buf.capacity() / Float.BYTES;
        for (int i = 0; i < data.length; i += per) {
            int n = Math.min(per, data.length - i);
            buf.clear();
            buf.asFloatBuffer().put(data, i, n);
            out.write(buf.array(), 0, n * Float.BYTES);
        }
    }

    // ------------------------------------------------------------------------------------------ reading

    /**
     * Reads every tensor of a safetensors file, converted to float32, in data order (see the class comment).
     *
     * @return a new insertion-ordered, modifiable map
     * @throws FormatException if the file is malformed or holds an unsupported dtype
     * @throws IOException     if the file cannot be read
     */
    public static Map<String, Tensor> read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file, ch);
        }
    }

    /** {@link #read(Path)} from an open channel; {@code file} only names it in messages. */
    static Map<String, Tensor> read(Path file, SeekableByteChannel ch) throws IOException {
        Header h = readHeader(file, ch);
        Map<String, Tensor> out = new LinkedHashMap<>();
        long largest = h.entries.stream().mapToLong(e -> e.end - e.begin).max().orElse(0);
        ByteBuffer buf = ByteBuffer.allocate(bufferSize(largest)).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : h.entries) {
            float[] data = new float[(int) e.elements];
            long pos = h.dataStart + e.begin;
            int done = 0;
            int per = buf.capacity() / e.dtype.size;
            while (done < data.length) {
                int n = Math.min(per, data.length - done);
                buf.clear().limit(n * e.dtype.size);
                readFully(file, ch, buf, pos, "tensor '" + e.name + "'");
                buf.flip();
                e.dtype.decode(buf, data, done, n);
                pos += (long) n * e.dtype.size;
                done += n;
            }
            out.put(e.name, Tensor.of(data, e.shape));
        }
        return out;
    }

    /**
     * Reads only the {@code __metadata__} map of a safetensors file. The whole header is still validated, so a
     * file this accepts is one {@link #read} accepts (unless it changes in between).
     *
     * @return a new insertion-ordered map in header order; empty when the file has no metadata
     * @throws FormatException if the file is malformed
     * @throws IOException     if the file cannot be read
     */
    public static Map<String, String> readMetadata(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return new LinkedHashMap<>(readHeader(file, ch).metadata);
        }
    }

    private static void readFully(Path file, SeekableByteChannel ch, ByteBuffer buf, long pos, String what)
            throws IOException {
        long p = pos;
        ch.position(p);
        while (buf.hasRemaining()) {
            int r = ch.read(buf);
            if (r < 0) {
                throw new FormatException(file, "the file ended at byte " + p + " while reading " + what
                        + " (did it shrink while being read?)", new EOFException());
            }
            p += r;
        }
    }

    /** One tensor's header entry. */
    private record Entry(String name, Dtype dtype, int[] shape, long elements, long begin, long end) {
    }

    /** A validated header; entries are sorted by data offset. */
    private record Header(Map<String, String> metadata, List<Entry> entries, long dataStart) {
    }

    private static Header readHeader(Path file, SeekableByteChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new FormatException(file, "file is " + size + " bytes, shorter than the 8-byte header length"
                    + " prefix (not a safetensors file?)");
        }
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, ch, prefix, 0, "the header length");
        long n = prefix.flip().getLong();
        if (n < 0 || n > size - 8) {
            throw new FormatException(file, "header length " + Long.toUnsignedString(n) + " exceeds the "
                    + (size - 8) + " bytes that follow the length prefix (truncated, or not a safetensors file?)");
        }
        if (n > MAX_HEADER_BYTES) {
            throw new FormatException(file, "header length " + n + " exceeds the limit of " + MAX_HEADER_BYTES
                    + " bytes");
        }
        ByteBuffer raw = ByteBuffer.allocate((int) n);
        readFully(file, ch, raw, 8, "the header");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(raw.flip())
                    .toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(file, "header is not valid UTF-8", e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (at header character " + (e.getLocation().getCharOffset() + 1) + ")";
            throw new FormatException(file, "header is not valid JSON" + where + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new FormatException(file, "header is empty; expected a JSON object");
        }
        if (!root.isObject()) {
            throw new FormatException(file, "header is a JSON " + root.getNodeType().name().toLowerCase()
                    + ", expected an object");
        }
        long dataStart = 8 + n;
        long dataLength = size - dataStart;

        Map<String, String> metadata = Map.of();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, f.getValue());
            } else {
                entries.add(parseEntry(file, f.getKey(), f.getValue(), dataLength));
            }
        }
        entries.sort(Comparator.<Entry>comparingLong(e -> e.begin).thenComparingLong(e -> e.end));
        checkCoverage(file, entries, dataLength);
        return new Header(metadata, Collections.unmodifiableList(entries), dataStart);
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) throws FormatException {
        if (node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new FormatException(file, METADATA_KEY + " is a JSON " + kind(node)
                    + ", expected an object of strings");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isTextual()) {
                throw new FormatException(file, METADATA_KEY + " entry '" + f.getKey() + "' is a JSON "
                        + kind(f.getValue()) + ", expected a string");
            }
            m.put(f.getKey(), f.getValue().textValue());
        }
        return m;
    }

    private static Entry parseEntry(Path file, String name, JsonNode node, long dataLength) throws FormatException {
        String t = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw new FormatException(file, t + " is a JSON " + kind(node) + ", expected an object with dtype,"
                    + " shape and data_offsets");
        }
        JsonNode dt = required(file, t, node, "dtype");
        if (!dt.isTextual()) {
            throw new FormatException(file, t + ": dtype is a JSON " + kind(dt) + ", expected a string");
        }
        Dtype dtype = Dtype.parse(dt.textValue());
        if (dtype == null) {
            throw new FormatException(file, t + ": unsupported dtype '" + dt.textValue() + "' (supported: "
                    + Arrays.stream(Dtype.values()).map(Enum::name).collect(Collectors.joining(", ")) + ")");
        }

        JsonNode sh = required(file, t, node, "shape");
        if (!sh.isArray()) {
            throw new FormatException(file, t + ": shape is a JSON " + kind(sh) + ", expected an array");
        }
        int[] shape = new int[sh.size()];
        long elements = 1;
        boolean overflow = false;
        for (int i = 0; i < shape.length; i++) {
            long d = nonNegative(file, t + ": shape[" + i + "]", sh.get(i));
            if (d > Integer.MAX_VALUE) {
                throw new FormatException(file, t + ": shape[" + i + "] = " + d + " is larger than a Tensor"
                        + " dimension can be (" + Integer.MAX_VALUE + ")");
            }
            shape[i] = (int) d;
            if (!overflow) {
                try {
                    elements = Math.multiplyExact(elements, d);
                } catch (ArithmeticException e) {
                    overflow = true;
                }
            }
        }
        if (Arrays.stream(shape).anyMatch(d -> d == 0)) {
            elements = 0;
            overflow = false;
        }
        long bytes = overflow ? -1 : multiplyOrMinusOne(elements, dtype.size);
        if (bytes < 0) {
            throw new FormatException(file, t + ": shape " + Arrays.toString(shape) + " has too many elements");
        }

        JsonNode off = required(file, t, node, "data_offsets");
        if (!off.isArray() || off.size() != 2) {
            throw new FormatException(file, t + ": data_offsets must be an array [begin, end], got "
                    + abbreviate(off.toString()));
        }
        long begin = nonNegative(file, t + ": data_offsets[0]", off.get(0));
        long end = nonNegative(file, t + ": data_offsets[1]", off.get(1));
        String range = "data_offsets [" + begin + ", " + end + "]";
        if (begin > end) {
            throw new FormatException(file, t + ": " + range + " end before they begin");
        }
        if (end > dataLength) {
            throw new FormatException(file, t + ": " + range + " extend past the end of the data section ("
                    + dataLength + " bytes)");
        }
        if (end - begin != bytes) {
            throw new FormatException(file, t + ": " + range + " span " + (end - begin) + " bytes, but shape "
                    + Arrays.toString(shape) + " of " + dtype + " needs " + elements + " × " + dtype.size + " = "
                    + bytes + " bytes");
        }
        if (elements > MAX_ELEMENTS) {
            throw new FormatException(file, t + ": " + elements + " elements are more than a Tensor can hold ("
                    + MAX_ELEMENTS + ")");
        }
        return new Entry(name, dtype, shape, elements, begin, end);
    }

    private static void checkCoverage(Path file, List<Entry> sorted, long dataLength) throws FormatException {
        long covered = 0;
        Entry prev = null;
        for (Entry e : sorted) {
            if (e.begin > covered) {
                throw new FormatException(file, "bytes [" + covered + ", " + e.begin + ") of the data section are"
                        + " not covered by any tensor (a hole before tensor '" + e.name + "')");
            }
            if (e.begin < covered) {
                throw new FormatException(file, "tensor '" + e.name + "' at data_offsets [" + e.begin + ", "
                        + e.end + "] overlaps tensor '" + prev.name + "' at [" + prev.begin + ", " + prev.end + "]");
            }
            covered = e.end;
            prev = e;
        }
        if (covered != dataLength) {
            throw new FormatException(file, "bytes [" + covered + ", " + dataLength + ") at the end of the data"
                    + " section are not covered by any tensor");
        }
    }

    private static JsonNode required(Path file, String t, JsonNode node, String field) throws FormatException {
        JsonNode v = node.get(field);
        if (v == null) {
            throw new FormatException(file, t + ": missing " + field);
        }
        return v;
    }

    private static long nonNegative(Path file, String what, JsonNode v) throws FormatException {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw new FormatException(file, what + " must be a non-negative integer below 2^63, got "
                    + (v == null ? "nothing" : abbreviate(v.toString())));
        }
        return v.longValue();
    }

    private static long multiplyOrMinusOne(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    private static String kind(JsonNode n) {
        return n.getNodeType().name().toLowerCase();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    // ------------------------------------------------------------------------------------------ dtypes

    /** The dtypes {@link #read} accepts, with their element size and conversion to float. */
    enum Dtype {
        F32(4) {
            @Override
            void decode(ByteBuffer in, float[] out, int off, int n) {
                in.asFloatBuffer().get(out, off, n);
            }
        },
        F64(8) {
            @Override
            void decode(ByteBuffer in, float[] out, int off, int n) {
                for (int i = 0; i < n; i++) {
                    out[off + i] = (float) in.getDouble();
                }
            }
        },
        F16(2) {
            @Override
            void decode(ByteBuffer in, float[] out, int off, int n) {
                for (int i = 0; i < n; i++) {
                    out[off + i] = halfToFloat(in.getShort());
                }
            }
        },
        BF16(2) {
            @Override
            void decode(ByteBuffer in, float[] out, int off, int n) {
                for (int i = 0; i < n; i++) {
                    out[off + i] = Float.intBitsToFloat((in.getShort() & 0xFFFF) << 16);
                }
            }
        },
        I64(8) {
            @Override
            void decode(ByteBuffer in, float[] out, int off, int n) {
                for (int i = 0; i < n; i++) {
                    out[off + i] = (float) in.getLong();
                }
            }
        },
        I32(4) {
            @Override
            void decode(ByteBuffer in, float[] out, int off, int n) {
                for (int i = 0; i < n; i++) {
                    out[off + i] = (float) in.getInt();
                }
            }
        },
        I16(2) {
            @Override
            void decode(ByteBuffer in, float[] out, int off, int n) {
                for (int i = 0; i < n; i++) {
                    out[off + i] = in.getShort();
                }
            }
        },
        I8(1) {
            @Override
            void decode(ByteBuffer in, float[] out, int off, int n) {
                for (int i = 0; i < n; i++) {
                    out[off + i] = in.get();
                }
            }
        },
        U8(1) {
            @Override
            void decode(ByteBuffer in, float[] out, int off, int n) {
                for (int i = 0; i < n; i++) {
                    out[off + i] = in.get() & 0xFF;
                }
            }
        },
        BOOL(1) {
            @Override
            void decode(ByteBuffer in, float[] out, int off, int n) {
                for (int i = 0; i < n; i++) {
                    out[off + i] = in.get() != 0 ? 1f : 0f;
                }
            }
        };

        final int size;

        Dtype(int size) {
            this.size = size;
        }

        /** Converts {@code n} little-endian elements from {@code in} into {@code out[off ..]}. */
        abstract void decode(ByteBuffer in, float[] out, int off, int n);

        static Dtype parse(String s) {
            for (Dtype d : values()) {
                if (d.name().equals(s)) {
                    return d;
                }
            }
            return null;
        }
    }

    /** IEEE 754 binary16 to float; exact for every input (Java 17 has no {@code Float.float16ToFloat}). */
    static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
