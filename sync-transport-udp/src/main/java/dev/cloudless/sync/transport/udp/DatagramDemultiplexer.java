package dev.cloudless.sync.transport.udp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The only inbound handler of a UDP channel: hands each datagram to the first registered
 * {@link DatagramProtocol} that claims it and drops (and counts) the rest.
 *
 * <p>Order matters because the first bytes overlap: a STUN success response starts with
 * {@code 0x01}, which uTP would read as version 1, type ST_DATA. So protocols with a strong
 * signature (STUN's magic cookie) register before uTP, whose check is one nibble.
 */
final class DatagramDemultiplexer extends ChannelInboundHandlerAdapter {
    private final List<DatagramProtocol> protocols = new CopyOnWriteArrayList<>();
    private final AtomicLong unclaimed = new AtomicLong();

    /** Adds {@code protocol} after those already registered. */
    void register(DatagramProtocol protocol) {
        protocols.add(protocol);
    }

    /** Datagrams no protocol claimed. */
    long unclaimed() {
        return unclaimed.get();
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
