package dev.cloudless.sync.transport.udp;

/** A datagram that is not a well-formed uTP packet; the only exception {@link UtpPacket#decode} throws. */
final class MalformedPacketException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedPacketException(String message) {
        super(message, null, false, false); // no stack trace: hostile input is cheap to send
    }
}
