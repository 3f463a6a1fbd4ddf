package dev.surge.io.golden;

/** A case file that is malformed or asks for something Surge does not support; names the file and the field. */
public final class GoldenFormatException extends Exception {
    private final String file;
    private final String field;

    public GoldenFormatException(String file, String field, String message) {
        super(file + (field == null || field.isEmpty() ? "" : ": field '" + field + "'") + ": " + message);
        this.file = file;
        this.field = field;
    }

    public String file() {
        return file;
    }

    public String field() {
        return field;
    }
}
