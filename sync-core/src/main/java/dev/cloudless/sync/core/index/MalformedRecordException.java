package dev.cloudless.sync.core.index;

/**
 * Bytes that are not the canonical encoding of a consistent {@link FileRecord}. Unchecked, like
 * Netty's {@code CorruptedFrameException}: the session turns it into a protocol violation and
 * disconnects the peer that sent the bytes.
 */
public final class MalformedRecordException extends RuntimeException {
    /** What was wrong with the bytes. */
    public enum Reason {
        /** The input ended inside the record. */
        TRUNCATED,
        /** A format version this build does not know. */
        UNKNOWN_FORMAT,
        /** A flag bit that is reserved (including "sealed", not supported yet). */
        UNKNOWN_FLAGS,
        /** A type byte that names no {@link FileRecord.Type}. */
        UNKNOWN_TYPE,
        /** A length above its named limit. */
        TOO_LONG,
        /** Text that is not valid UTF-8, or a path that is not a canonical {@code FolderPath}. */
        BAD_TEXT,
        /** A field value out of range (nanoseconds, permissions, signature length, size). */
        BAD_VALUE,
        /** The embedded version vector is malformed. */
        BAD_VERSION,
        /** Well-formed fields that fail {@link FileRecord#consistencyCheck()}. */
        INCONSISTENT,
        /** Bytes after the record where none may be. */
        TRAILING_BYTES
    }

    private final Reason reason;
    private final int offset;

    MalformedRecordException(Reason reason, int offset, String detail) {
        super("malformed file record at byte " + offset + ": " + detail + " [" + reason + "]");
        this.reason = reason;
        this.offset = offset;
    }

    /** What was wrong. */
    public Reason reason() {
        return reason;
    }

    /** Offset of the offending field from the start of the encoding. */
    public int offset() {
        return offset;
    }
}
