package dev.cloudless.sync.discovery.dht;

import dev.cloudless.sync.discovery.bencode.BencodeException;

/** The shared bencoding ({@link dev.cloudless.sync.discovery.bencode.Bencode}) with KRPC's limits and exception. */
final class Bencode {
    /** Largest encoded message accepted, in bytes (a KRPC datagram is far smaller). */
    static final int MAX_INPUT_BYTES = 8192;
    /** Deepest nesting of lists and dictionaries accepted (KRPC needs 3). */
    static final int MAX_DEPTH = 8;
    /** Most values (of any kind, at any depth) in one message. */
    static final int MAX_VALUES = 1024;
    static final dev.cloudless.sync.discovery.bencode.Bencode.Limits LIMITS =
            new dev.cloudless.sync.discovery.bencode.Bencode.Limits(MAX_INPUT_BYTES, MAX_DEPTH, MAX_VALUES);

    private Bencode() {
    }

    /** Decodes exactly one value filling {@code data[offset, offset+length)}. */
    static Object decode(byte[] data, int offset, int length) throws DhtProtocolException {
        try {
            return dev.cloudless.sync.discovery.bencode.Bencode.decode(data, offset, length, LIMITS);
        } catch (BencodeException e) {
            throw new DhtProtocolException(e.getMessage());
        }
    }

    static Object decode(byte[] data) throws DhtProtocolException {
        return decode(data, 0, data.length);
    }

    static byte[] encode(Object value) {
        return dev.cloudless.sync.discovery.bencode.Bencode.encode(value);
    }

    static String key(byte[] raw) {
        return dev.cloudless.sync.discovery.bencode.Bencode.key(raw);
    }
}
