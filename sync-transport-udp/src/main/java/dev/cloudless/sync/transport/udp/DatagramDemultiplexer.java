package dev.cloudless.sync.transport.udp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only inbound handler of a UDP channel: hands each datagram to the first registered
 * {@link DatagramProtocol} that claims it and drops (and counts) the rest.
 *
 * <p>Order matters because the first bytes can overlap. Today the order is:
 * <ol>
 *   <li>uTP ({@link UtpSocket}), registered when the socket is bound: byte 0 has version 1 in
 *       its low nibble and type 0..4 in its high nibble, and the datagram has at least 20 bytes.
 *       It goes first because it carries nearly all the traffic, so a uTP datagram costs one
 *       check.</li>
 *   <li>Protocols that share the socket through {@link SharedUdpSocket} (the DHT), in the order
 *       they registered. Their claims must not overlap uTP's: a KRPC message is a bencoded
 *       dictionary, byte 0 {@code 'd'} = {@code 0x64}, which reads as version 4, type 6.</li>
 * </ol>
 * A STUN success response starts with {@code 0x01}, which uTP would read as version 1, type
 * ST_DATA, so STUN (when it comes) must be inserted ahead of uTP and claim on its magic cookie
 * {@code 0x2112A442} at bytes 4..7.
 *
 * <p>A protocol that throws loses that datagram (counted in {@link #failures()}); the others and
 * the socket carry on.
 */
final class DatagramDemultiplexer extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(DatagramDemultiplexer.class);

    private final List<DatagramProtocol> protocols = new CopyOnWriteArrayList<>();
    private final AtomicLong unclaimed = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    /** Adds {@code protocol} after those already registered. */
    void register(DatagramProtocol protocol) {
        protocols.add(protocol);
    }

    /** Removes {@code protocol}; datagrams it would have claimed go to the next claimant or are dropped. */
    void unregister(DatagramProtocol protocol) {
        protocols.remove(protocol);
    }

    /** Datagrams no protocol claimed. */
    long unclaimed() {
        return unclaimed.get();
    }

    /** Datagrams lost because a protocol's claim or receive threw. */
    long failures() {
        return failures.get();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket packet = (DatagramPacket) msg;
        try {
            for (DatagramProtocol p : protocols) {
                if (p.claims(packet.content())) {
                    p.receive(packet.content(), packet.sender());
                    return;
                }
            }
            unclaimed.incrementAndGet();
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.debug("datagram from {} dropped: a protocol failed on it", packet.sender(), e);
        } finally {
            packet.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        for (DatagramProtocol p : protocols) {
            p.readComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        for (DatagramProtocol p : protocols) {
            p.writabilityChanged(writable);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A UDP socket reports ICMP errors (port unreachable) as read exceptions: not fatal to the socket.
    }
}
