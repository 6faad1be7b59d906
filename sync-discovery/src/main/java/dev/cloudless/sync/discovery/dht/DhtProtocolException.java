package dev.cloudless.sync.discovery.dht;

/**
 * Bytes that are not a well-formed bencoded KRPC message within this implementation's limits.
 * The only exception the decoders throw for bad input. When the message was a query whose
 * transaction id could be read, {@link #transactionId()} lets the node answer with a KRPC error.
 */
final class DhtProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    /** KRPC error code for a malformed packet or invalid arguments (BEP 5). */
    static final int PROTOCOL_ERROR = 203;
    /** KRPC error code for an unknown query method (BEP 5). */
    static final int METHOD_UNKNOWN = 204;

    private final transient byte[] transactionId;
    private final int errorCode;

    DhtProtocolException(String message) {
        this(message, null, PROTOCOL_ERROR);
    }

    DhtProtocolException(String message, byte[] transactionId, int errorCode) {
        super(message, null, false, false); // no stack trace: thrown for every bad datagram
        this.transactionId = transactionId;
        this.errorCode = errorCode;
    }

    /** The transaction id of a query that should be answered with an error, else null. */
    byte[] transactionId() {
        return transactionId;
    }

    /** The KRPC error code to answer with. */
    int errorCode() {
        return errorCode;
    }
}
