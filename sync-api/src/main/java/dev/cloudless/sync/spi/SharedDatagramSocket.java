package dev.cloudless.sync.spi;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Predicate;

/**
 * A transport listener's UDP socket, opened to other protocols so that one port carries them
 * all: the mainline DHT answers from the port uTP accepts connections on, so the port a node
 * announces is also the port its DHT node is known by, and the node needs one UDP socket, not two.
 * Obtained from {@link TransportListener#datagramSocket()}; discovery methods get the node's
 * sockets from {@link DiscoveryContext#datagramSockets()}.
 *
 * <p><b>Who gets a datagram.</b> The socket's own protocol (uTP) looks at every datagram first
 * and keeps those it recognises; each remaining datagram goes to the first registered handler,
 * in registration order, whose claim accepts it; what nobody claims is dropped. A claim must
 * therefore be disjoint from the owner's protocol, which documents what it takes (uTP: byte 0
 * with version 1 in its low nibble and type 0..4 in its high nibble, at least 20 bytes). A
 * bencoded KRPC message starts with {@code 'd'} ({@code 0x64}: "version 4, type 6"), which uTP
 * never takes.
 *
 * <p><b>Threads.</b> Claims and handlers run on the socket's I/O thread, which also carries
 * every uTP connection of the socket: they must not block, wait for a lock held elsewhere, or do
 * more than look at the bytes and hand a copy to the protocol's own thread. The buffer they are
 * given is read-only and valid only during the call. A claim or handler that throws loses that
 * datagram (the failure is counted); the socket and its other protocols carry on.
 * {@link #send} may be called from any thread and never blocks.
 *
 * <p><b>Lifetime.</b> The socket belongs to its listener: once the listener or its transport is
 * closed, {@link #send} returns false and handlers hear nothing more. Closing a
 * {@link Registration} removes the handler and never closes the socket.
 *
 * <pre>{@code
 * Optional<SharedDatagramSocket> udp = listener.datagramSocket();
 * SharedDatagramSocket.Registration r = udp.orElseThrow().register(
 *         d -> d.remaining() > 0 && d.get(d.position()) == 'd',    // first bytes only
 *         (from, d) -> inbox.offer(copyOf(from, d)));                // never block here
 * udp.orElseThrow().send(peer, ByteBuffer.wrap(query));             // false: dropped
 * r.close();                                                         // the socket stays open
 * }</pre>
 */
public interface SharedDatagramSocket {
    /** The address the socket is bound to (a wildcard address means every interface). */
    InetSocketAddress localAddress();

    /**
     * Queues one datagram of the bytes between {@code datagram}'s position and limit, copied
     * before this returns (the buffer itself is not modified). Never blocks.
     *
     * @return false if the datagram was dropped: the socket is closed, its outbound buffer is
     *     full (the socket's own traffic has priority), or {@code to} is unresolved or of
     *     another address family than the socket
     */
    boolean send(InetSocketAddress to, ByteBuffer datagram);

    /**
     * Starts delivering the datagrams {@code claim} accepts to {@code handler}, after the
     * socket's own protocol and earlier registrations (see the class comment for the rules
     * both must follow).
     *
     * @param claim looks at a datagram's first bytes (from position to limit), must not block
     * @param handler receives each claimed datagram on the socket's I/O thread
     * @return the registration; closing it stops the delivery
     */
    Registration register(Predicate<ByteBuffer> claim, DatagramHandler handler);

    /** Receives the datagrams a registration claimed. */
    @FunctionalInterface
    interface DatagramHandler {
        /**
         * One datagram, on the socket's I/O thread: copy what is needed and return at once.
         *
         * @param sender where it came from
         * @param datagram its bytes from position to limit, read-only, valid during this call only
         */
        void receive(InetSocketAddress sender, ByteBuffer datagram);
    }

    /** A handler's place on the socket. */
    interface Registration extends AutoCloseable {
        /**
         * Stops delivery to the handler (a datagram already being handled may still finish);
         * the socket stays open. Idempotent.
         */
        @Override
        void close();
    }
}
