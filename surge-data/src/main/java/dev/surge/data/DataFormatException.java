package dev.surge.data;

import java.io.IOException;

/** A data file that is missing, truncated or malformed; the message starts with the file and names the field. */
public class DataFormatException extends IOException {
    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
