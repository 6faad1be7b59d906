package dev.cloudless.sync.core.protocol;

import java.util.Objects;

/**
 * The peer's message stream broke the protocol. Final: the {@link MessageDecoder} refuses further
 * input, and the session closes the connection and reports the peer.
 */
public final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What was wrong with the bytes. */
    public enum Reason {
        /** A message type code this version does not know. */
        UNKNOWN_TYPE,
        /** A {@link Hello} with a protocol version this build does not speak. */
        UNSUPPORTED_VERSION,
        /** A length field above the type's limit; rejected from the 5 header bytes, before any buffering. */
        MESSAGE_TOO_LONG,
        /** A body that ends inside a field, or a field value out of range (text, code, count, flag). */
        MALFORMED,
        /** Bytes left in a body after its last field. */
        TRAILING_BYTES,
        /** An embedded file record, folder path or version vector was rejected by its own decoder (the cause). */
        BAD_RECORD,
        /** Record sequences in one {@link IndexUpdate} not strictly increasing. */
        NOT_INCREASING
    }

    private final Reason reason;

    ProtocolException(Reason reason, String detail) {
        this(reason, detail, null);
    }

    ProtocolException(Reason reason, String detail, Throwable cause) {
        super(detail + " [" + reason + "]", cause);
        this.reason = Objects.requireNonNull(reason);
    }

    /** What was wrong. */
    public Reason reason() {
        return reason;
    }
}
