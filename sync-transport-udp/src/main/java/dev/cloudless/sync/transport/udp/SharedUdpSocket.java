package dev.cloudless.sync.transport.udp;

import dev.cloudless.sync.spi.SharedDatagramSocket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A uTP listener's socket opened to other protocols ({@link SharedDatagramSocket}): each
 * registration is a {@link DatagramProtocol} appended to the socket's
 * {@link DatagramDemultiplexer}, behind uTP, and sends go through the same Netty channel.
 *
 * <p>Sends from other threads are {@code writeAndFlush} calls, which Netty runs as tasks on the
 * channel's event loop, so they interleave with uTP's writes without a lock. They are refused
 * while the channel is above its high-water mark: uTP's own packets keep the buffer, and the
 * sharer (the DHT, which retries by itself) loses a datagram instead of growing it.
 */
final class SharedUdpSocket implements SharedDatagramSocket {
    /** Largest datagram accepted for sending: a UDP payload over IPv4. */
    static final int MAX_SEND_BYTES = 65_507;

    private final Channel channel;
    private final DatagramDemultiplexer demux;
    private final InetSocketAddress local;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong sendsDropped = new AtomicLong();

    SharedUdpSocket(Channel channel, DatagramDemultiplexer demux) {
        this.channel = channel;
        this.demux = demux;
        this.local = (InetSocketAddress) channel.localAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public boolean send(InetSocketAddress to, ByteBuffer datagram) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(datagram, "datagram");
        int n = datagram.remaining();
        // The channel is IPv4 only (see UtpTransport#bind).
        if (to.isUnresolved() || !(to.getAddress() instanceof Inet4Address) || n > MAX_SEND_BYTES
                || !channel.isActive() || !channel.isWritable()) {
            sendsDropped.incrementAndGet();
            return false;
        }
        ByteBuf buf = channel.alloc().directBuffer(n, n);
        buf.writeBytes(datagram.duplicate());
        // From another thread Netty queues this on the loop, and releases the buffer if the loop is gone.
        channel.writeAndFlush(new DatagramPacket(buf, to), channel.voidPromise());
        sent.incrementAndGet();
        return true;
    }

    @Override
    public Registration register(Predicate<ByteBuffer> claim, DatagramHandler handler) {
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(handler, "handler");
        Sharer s = new Sharer(claim, handler);
        demux.register(s);
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                demux.unregister(s);
            }
        };
    }

    /** Datagrams that neither uTP nor any registration claimed. */
    long unclaimed() {
        return demux.unclaimed();
    }

    /** Datagrams lost because a protocol on this socket threw (uTP's or a sharer's). */
    long failures() {
        return demux.failures();
    }

    @Override
    public String toString() {
        return "SharedUdpSocket[" + local + "]";
    }

    /** One registration, as the demultiplexer sees it: a read-only view of the bytes for each call. */
    private static final class Sharer implements DatagramProtocol {
        private final Predicate<ByteBuffer> claim;
        private final DatagramHandler handler;

        Sharer(Predicate<ByteBuffer> claim, DatagramHandler handler) {
            this.claim = claim;
            this.handler = handler;
        }

        private static ByteBuffer view(ByteBuf datagram) {
            return datagram.nioBuffer(datagram.readerIndex(), datagram.readableBytes()).asReadOnlyBuffer();
        }

        @Override
        public boolean claims(ByteBuf datagram) {
            return claim.test(view(datagram));
        }

        @Override
        public void receive(ByteBuf datagram, InetSocketAddress sender) {
            handler.receive(sender, view(datagram));
        }
    }
}
