package dev.surge.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writeStringCreatesAndReplaces() throws Exception {
        Path f = dir.resolve("config.json");
        AtomicFiles.writeString(f, "{\"a\": \"ß\"}");
        assertEquals("{\"a\": \"ß\"}", Files.readString(f));
        AtomicFiles.writeString(f, "{}");
        assertEquals("{}", Files.readString(f));
        AtomicFiles.writeBytes(f, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
        assertEquals(List.of("config.json"), names());
    }

    @Test
    void existingFileIsUnchangedWhenTheWriterThrowsMidway() throws Exception {
        Path f = dir.resolve("metrics.csv");
        Files.writeString(f, "old content\n");
        IOException boom = new IOException("disk on fire");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeAtomically(f, out -> {
            out.write(new byte[300_000]); // more than the buffer: bytes really reach the temporary file
            out.write("partial".getBytes());
            throw boom;
        }));
        assertSame(boom, e);
        assertEquals("old content\n", Files.readString(f));
        assertEquals(List.of("metrics.csv"), names(), "no temporary file left behind");

        UncheckedIOException unchecked = new UncheckedIOException(new IOException("bug"));
        assertSame(unchecked, assertThrows(UncheckedIOException.class, () -> AtomicFiles.writeAtomically(f, out -> {
            out.write(new byte[100]);
            throw unchecked;
        })));
        assertEquals("old content\n", Files.readString(f));
        assertEquals(List.of("metrics.csv"), names());
    }

    @Test
    void newFileIsNotCreatedWhenTheWriterThrows() {
        Path f = dir.resolve("plot.png");
        assertThrows(IOException.class, () -> AtomicFiles.writeAtomically(f, out -> {
            out.write(42);
            throw new IOException("nope");
        }));
        assertFalse(Files.exists(f));
        assertEquals(List.of(), assertDoesNotThrowNames());
    }

    private List<String> assertDoesNotThrowNames() {
        try {
            return names();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void writerMayCloseTheStream() throws Exception {
        Path f = dir.resolve("closed.txt");
        AtomicFiles.writeAtomically(f, out -> {
            out.write("hi".getBytes());
            out.close();
        });
        assertEquals("hi", Files.readString(f));
    }

    @Test
    void missingDirectoryFailsWithoutCreatingAnything() throws Exception {
        Path f = dir.resolve("missing/x.txt");
        assertThrows(NoSuchFileException.class, () -> AtomicFiles.writeString(f, "x"));
        assertEquals(List.of(), names());
    }

    @Test
    void longFileNamesStillGetAValidTempName() throws Exception {
        Path f = dir.resolve("n".repeat(250));
        AtomicFiles.writeString(f, "x");
        assertEquals("x", Files.readString(f));
    }

    @Test
    void permissionsOfAnExistingFileAreKept() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path f = dir.resolve("private.json");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        AtomicFiles.writeString(f, "new");
        assertEquals("new", Files.readString(f));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }
}
