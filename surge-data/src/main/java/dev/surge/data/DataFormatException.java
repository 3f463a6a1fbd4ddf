package dev.surge.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file that exists but cannot be read as the expected format: missing or mistyped dataset, inconsistent
 * counts, truncated record, value out of range, or a file that is not of the format at all.
 *
 * <p>The message is meant to be shown to users as is (no stack trace needed). It starts with the file and names the
 * dataset, field, sample or byte offset at fault, e.g. {@code shd_train.h5: missing dataset 'spikes/units'} or
 * {@code Train/3/00002.bin: truncated at byte 12 (file length 12 is not a multiple of 5)}.
 */
public class DataFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** A problem in {@code file}; the message is {@code "<file>: <detail>"}. */
    public DataFormatException(Path file, String detail) {
        super(file + ": " + detail);
        this.file = file;
    }

    /** A problem in {@code file} caused by a lower-level error; the message is {@code "<file>: <detail>"}. */
    public DataFormatException(Path file, String detail, Throwable cause) {
        super(file + ": " + detail, cause);
        this.file = file;
    }

    /** A problem not tied to one file (e.g. a dataset found nowhere); the message is shown as is. */
    public DataFormatException(String message) {
        super(message);
        this.file = null;
    }

    /** The file at fault, as it was passed to the reader, or null. */
    public Path file() {
        return file;
    }
}
