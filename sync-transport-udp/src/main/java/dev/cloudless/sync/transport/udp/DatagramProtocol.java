package dev.cloudless.sync.transport.udp;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * One protocol sharing a UDP socket through {@link DatagramDemultiplexer}: uTP, and the
 * protocols of other modules registered through {@link SharedUdpSocket} (the DHT: bencoded,
 * first byte {@code 'd'}); STUN (RFC 8489, magic cookie {@code 0x2112A442} at bytes 4..7)
 * later. A protocol claims a datagram by its first bytes only.
 */
interface DatagramProtocol {
    /** Whether {@code datagram} belongs to this protocol. Must not move the buffer's indexes. */
    boolean claims(ByteBuf datagram);

    /** Handles a claimed datagram on the socket's event loop; the caller releases the buffer afterwards. */
    void receive(ByteBuf datagram, InetSocketAddress sender);

    /** The current burst of reads is over: a protocol may send the acks it deferred. */
    default void readComplete() {
    }

    /** The socket's outbound buffer crossed a water mark. */
    default void writabilityChanged(boolean writable) {
    }
}
