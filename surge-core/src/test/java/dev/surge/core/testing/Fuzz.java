package dev.surge.core.testing;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The fuzz harness of the parsers' tests: mutations of valid seed files, and the invariant every parser must keep on
 * any input: it returns a result or throws one of the project's own exceptions with a one-line message, never another
 * exception, and never allocates much more than the input justifies (counted as all bytes allocated while parsing;
 * the {@code -Pfuzz} run also caps the heap at 512 MB, so that one large allocation fails as OutOfMemoryError).
 *
 * <p>Inputs come from a jqwik {@code @ForAll long} key, so a failure names a reproducible input; the number of inputs
 * per parser is jqwik's {@code jqwik.tries.default} (a few hundred in the default suite, 20 000 with
 * {@code -Pfuzz}).
 */
public final class Fuzz {
    /** Allocation allowed per parse: this many bytes per input byte, plus {@link #ALLOCATION_SLACK}. */
    public static final long ALLOCATION_PER_INPUT_BYTE = 256;
    /** Fixed allocation allowed per parse (parser set-up, JSON trees, HDF5 superblock caches). */
    public static final long ALLOCATION_SLACK = 64L << 20;

    private static final byte[] INTERESTING_BYTES = {0, -1, 0x7f, (byte) 0x80, '[', '{', '"', '-', '9', 'e', '\n'};
    private static final int[] INTERESTING_INTS = {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 16, 1 << 24,
        0x7fff, -2};

    private Fuzz() {
    }

    /** Something that parses a file or bytes. */
    @FunctionalInterface
    public interface Parse {
        void run() throws Exception;
    }

    /**
     * A mutation of one of {@code seeds}, chosen and mutated by {@code key}: one to eight of bit flips, interesting
     * bytes and 32-bit integers (big- and little-endian), truncation, deletion, insertion and duplication of slices.
     */
    public static byte[] mutate(long key, List<byte[]> seeds) {
        SplittableRandom r = new SplittableRandom(key);
        byte[] b = seeds.get(r.nextInt(seeds.size())).clone();
        int n = 1 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
            if (b.length == 0) {
                b = new byte[] {INTERESTING_BYTES[r.nextInt(INTERESTING_BYTES.length)]};
                continue;
            }
            int at = r.nextInt(b.length);
            switch (r.nextInt(8)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = INTERESTING_BYTES[r.nextInt(INTERESTING_BYTES.length)];
                case 2 -> b = Arrays.copyOf(b, at); // truncate
                case 3 -> { // delete a slice
                    int len = Math.min(b.length - at, 1 + r.nextInt(16));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + len, c, at, b.length - at - len);
                    b = c;
                }
                case 4 -> { // duplicate a slice in place
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, at + len);
                    System.arraycopy(b, at, c, at + len, b.length - at);
                    b = c;
                }
                case 5 -> { // insert random bytes
                    int len = 1 + r.nextInt(8);
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, at);
                    for (int k = 0; k < len; k++) {
                        c[at + k] = (byte) r.nextInt(256);
                    }
                    System.arraycopy(b, at, c, at + len, b.length - at);
                    b = c;
                }
                default -> { // an interesting 32-bit integer, in either byte order
                    int v = INTERESTING_INTS[r.nextInt(INTERESTING_INTS.length)];
                    boolean big = r.nextBoolean();
                    for (int k = 0; k < 4 && at + k < b.length; k++) {
                        int shift = big ? 24 - 8 * k : 8 * k;
                        b[at + k] = (byte) (v >>> shift);
                    }
                }
            }
        }
        return b;
    }

    /**
     * Runs {@code parse} and checks the invariant: it returns, or throws an instance of one of {@code allowed} whose
     * message is one non-empty line; any other exception or error, a longer message, or an allocation above
     * {@code ALLOCATION_PER_INPUT_BYTE · inputBytes + ALLOCATION_SLACK} fails with the input's description.
     *
     * @return the exception thrown, or null when the input parsed
     */
    @SafeVarargs
    public static Throwable check(String input, long inputBytes, Parse parse, Class<? extends Throwable>... allowed) {
        return checkBounded(input, ALLOCATION_PER_INPUT_BYTE * inputBytes + ALLOCATION_SLACK, parse, allowed);
    }

    /**
     * {@link #check(String, long, Parse, Class[])} with an explicit bound on the bytes allocated in all (live or not)
     * while parsing, for parsers whose libraries churn through temporary buffers.
     */
    @SafeVarargs
    public static Throwable checkWithin(String input, long allocationLimit, Parse parse,
                                        Class<? extends Throwable>... allowed) {
        return checkBounded(input, allocationLimit, parse, allowed);
    }

    @SafeVarargs
    private static Throwable checkBounded(String input, long limit, Parse parse,
                                          Class<? extends Throwable>... allowed) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        Throwable thrown = null;
        try {
            parse.run();
        } catch (Throwable t) {
            thrown = t;
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        if (allocated > limit) {
            throw new AssertionError(input + ": allocated " + allocated + " bytes (limit " + limit + ")", thrown);
        }
        if (thrown == null) {
            return null;
        }
        boolean ok = false;
        for (Class<? extends Throwable> c : allowed) {
            ok |= c.isInstance(thrown);
        }
        String msg = thrown.getMessage();
        if (!ok) {
            throw new AssertionError(input + ": threw " + thrown.getClass().getName() + " (" + msg + ")", thrown);
        }
        if (msg == null || msg.isBlank() || msg.contains("\n")) {
            throw new AssertionError(input + ": the message must be one line, got: " + msg, thrown);
        }
        return thrown;
    }

    /** Writes the mutation {@code key} of {@code seeds} to {@code file} (see {@link #mutate}) and returns it. */
    public static byte[] writeMutation(java.nio.file.Path file, long key, List<byte[]> seeds)
            throws java.io.IOException {
        byte[] b = mutate(key, seeds);
        java.nio.file.Files.write(file, b);
        return b;
    }

    /** A short printable description of an input, for failure messages. */
    public static String describe(long key, byte[] input) {
        String head = new String(input, 0, Math.min(input.length, 60), StandardCharsets.ISO_8859_1)
                .replaceAll("[^\\x20-\\x7e]", ".");
        return "fuzz input (key " + key + ", " + input.length + " bytes, starting '" + head + "')";
    }
}
