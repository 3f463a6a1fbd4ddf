package dev.surge.io;

import java.nio.file.Path;

/**
 * A file that cannot be read because its content is malformed. The message always starts with the file name,
 * followed by what is wrong, e.g. {@code runs/model.safetensors: header length 912 exceeds the 40 bytes that
 * follow the length prefix}.
 *
 * <p>This is an {@link java.io.IOException}, so callers that already handle I/O failures handle malformed files
 * too; catch it separately to tell "the file is broken" from "the disk is broken".
 */
public class FormatException extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** A malformed {@code file}; {@code problem} says what is wrong. */
    public FormatException(Path file, String problem) {
        this(file, problem, null);
    }

    /** A malformed {@code file}; {@code problem} says what is wrong and {@code cause} is the underlying error. */
    public FormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file at fault, as it was given to the reader. */
    public Path file() {
        return file;
    }
}
