package dev.cloudless.sync.core.index;

/** The index database failed: an SQLite error, a corrupt row, or a schema this build can't use. */
public class IndexException extends RuntimeException {
    IndexException(String message, Throwable cause) {
        super(message, cause);
    }

    IndexException(String message) {
        super(message);
    }
}
