package dev.cloudless.sync.discovery.bencode;

/** Bencoded input that is malformed or beyond its limits; the message says what and where. */
public final class BencodeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An exception with this detail; no stack trace is needed to explain hostile input. */
    public BencodeException(String message) {
        super(message, null, false, false);
    }
}
