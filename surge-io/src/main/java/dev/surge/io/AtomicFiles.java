package dev.surge.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Atomic file replacement: the content is written to a temporary file in the target's directory, flushed to the
 * device ({@code fsync}), and then renamed over the target with {@link StandardCopyOption#ATOMIC_MOVE}. Readers
 * (and a crash or kill at any point) see either the complete old file or the complete new one, never a mixture
 * or a truncated file.
 *
 * <p>If the writer fails, the temporary file is deleted and the target is left untouched. If the process is
 * killed mid-write, a temporary file named {@code .<name>.<random>.tmp} may remain next to the target; it is
 * never read by anything and may be deleted.
 *
 * <p>Notes: the rename replaces the target entry itself, so a symbolic link at {@code target} is replaced by a
 * regular file (not followed). When the target already exists its POSIX permissions are carried over to the new
 * file; a new file gets the default permissions (umask). After the rename the directory is also synced, best
 * effort, so the rename itself survives a power loss on file systems that need it.
 */
public final class AtomicFiles {
    private static final int BUFFER = 1 << 16;
    private static final int MAX_TEMP_NAME_PREFIX = 64;

    private AtomicFiles() {
    }

    /**
     * Atomically replaces (or creates) {@code target} with what {@code writer} writes to the stream it is given.
     * The stream is buffered; the writer need not close it (closing it only flushes).
     *
     * @throws IOException whatever the writer throws, or a failure to write, sync or rename; in every failure
     *                     case the target is unchanged and the temporary file is removed
     */
    public static void writeAtomically(Path target, IOConsumer<? super OutputStream> writer) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(writer, "writer");
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || abs.getFileName() == null) {
            throw new IOException(target + ": not a file path");
        }
        String name = abs.getFileName().toString();
        FileChannel ch = null;
        Path tmp = null;
        boolean moved = false;
        try {
            for (int attempt = 0; ch == null; attempt++) {
                Path candidate = dir.resolve(tempName(name));
                try {
                    ch = FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    tmp = candidate;
                } catch (FileAlreadyExistsException e) {
                    if (attempt >= 100) {
                        throw e;
                    }
                }
            }
            try (FileChannel c = ch; OutputStream raw = Channels.newOutputStream(c)) {
                BufferedOutputStream out = new BufferedOutputStream(raw, BUFFER);
                writer.accept(new NonClosing(out));
                out.flush();
                c.force(true);
            }
            copyPermissions(abs, tmp);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } catch (Throwable t) {
            if (tmp != null && !moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    t.addSuppressed(e);
                }
            }
            throw t;
        }
        syncDirectory(dir);
    }

    /** Atomically replaces (or creates) {@code target} with {@code text} encoded as UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        Objects.requireNonNull(text, "text");
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Atomically replaces (or creates) {@code target} with {@code bytes}. */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        writeAtomically(target, out -> out.write(bytes));
    }

    /** The names {@link #tempName} gives: {@code .<name>.<hex>.tmp}. */
    private static final java.util.regex.Pattern TEMP = java.util.regex.Pattern.compile("\\..+\\.[0-9a-f]{1,16}\\.tmp");

    /**
     * Deletes the temporary files that writers killed mid-write left in {@code dir} (only names of this class's
     * form); returns how many. Call it only where no other process is writing into {@code dir}.
     */
    public static int deleteStaleTemps(Path dir) throws IOException {
        int n = 0;
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (TEMP.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                    n++;
                }
            }
        }
        return n;
    }

    private static String tempName(String name) {
        String prefix = name.length() > MAX_TEMP_NAME_PREFIX ? name.substring(0, MAX_TEMP_NAME_PREFIX) : name;
        return "." + prefix + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".tmp";
    }

    private static void copyPermissions(Path from, Path to) throws IOException {
        PosixFileAttributeView src = Files.getFileAttributeView(from, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (src == null || !Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.setPosixFilePermissions(to, src.readAttributes().permissions());
        } catch (UnsupportedOperationException | IOException e) {
            // best effort: the content matters, the mode is a courtesy
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not possible on every platform (e.g. Windows); the rename has happened either way
        }
    }

    /** Passes writes through; {@code close()} only flushes, so the owner decides when the file is done. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
