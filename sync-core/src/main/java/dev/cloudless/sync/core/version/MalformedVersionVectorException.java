package dev.cloudless.sync.core.version;

/**
 * Bytes that are not the canonical encoding of a {@link VersionVector}. Unchecked, like
 * Netty's {@code CorruptedFrameException}: the record decoder turns it into a protocol
 * violation and disconnects the peer that sent it.
 */
public final class MalformedVersionVectorException extends RuntimeException {
    /** What was wrong with the bytes. */
    public enum Reason {
        /** The input ended inside the vector. */
        TRUNCATED,
        /** The entry count is above {@link VersionVector#MAX_ENTRIES}. */
        TOO_MANY_ENTRIES,
        /** A varint longer than needed, or longer than 63 bits. */
        BAD_VARINT,
        /** A counter of zero (absent devices are simply not listed). */
        ZERO_COUNTER,
        /** Device ids not strictly increasing (unsorted or duplicated). */
        UNSORTED,
        /** Bytes after the vector where none may be. */
        TRAILING_BYTES
    }

    private final Reason reason;
    private final int offset;

    MalformedVersionVectorException(Reason reason, int offset, String detail) {
        super("malformed version vector at byte " + offset + ": " + detail + " [" + reason + "]");
        this.reason = reason;
        this.offset = offset;
    }

    /** What was wrong. */
    public Reason reason() {
        return reason;
    }

    /** Offset of the offending byte from where decoding started. */
    public int offset() {
        return offset;
    }
}
