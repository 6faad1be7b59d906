package dev.cloudless.sync.transport.udp;

import dev.cloudless.sync.spi.SharedDatagramSocket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A uTP listener's socket opened to other protocols ({@link SharedDatagramSocket}): each
 * registration is a {@link DatagramProtocol} appended to the socket's
 * {@link DatagramDemultiplexer}, behind uTP, and sends go through the same Netty channel.
 *
 * <p>Sends from any thread go into a lock-free outbox that one task on the channel's event loop
 * writes and flushes per burst, so they interleave with uTP's writes without a lock and a busy
 * sharer costs one loop wakeup per burst, not per datagram. They are refused while the channel
 * is above its high-water mark or the outbox holds {@value #MAX_OUTBOX_BYTES} bytes: uTP's own
 * packets keep the buffer, and the sharer (the DHT, which retries by itself) loses a datagram
 * instead of growing it.
 */
final class SharedUdpSocket implements SharedDatagramSocket {
    /** Largest datagram accepted for sending: a UDP payload over IPv4. */
    static final int MAX_SEND_BYTES = 65_507;
    /** Bytes waiting for the loop at most; beyond, sends are refused (a DHT reply is a few hundred bytes). */
    static final int MAX_OUTBOX_BYTES = 256 << 10;

    private final Channel channel;
    private final EventLoop loop;
    private final DatagramDemultiplexer demux;
    /** Datagrams from other threads, written by one loop task per burst (a wakeup per datagram halved DHT throughput). */
    private final Queue<DatagramPacket> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger outboxBytes = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private final InetSocketAddress local;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong sendsDropped = new AtomicLong();

    SharedUdpSocket(Channel channel, DatagramDemultiplexer demux) {
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.demux = demux;
        this.local = (InetSocketAddress) channel.localAddress();
        channel.closeFuture().addListener(f -> releaseOutbox());
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
        if (outboxBytes.addAndGet(n) > MAX_OUTBOX_BYTES) {
            outboxBytes.addAndGet(-n);
            sendsDropped.incrementAndGet();
            return false;
        }
        ByteBuf buf = channel.alloc().directBuffer(n, n);
        buf.writeBytes(datagram.duplicate());
        outbox.add(new DatagramPacket(buf, to));
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(drain);
            } catch (RejectedExecutionException e) { // the transport is closed
                releaseOutbox();
                sendsDropped.incrementAndGet();
                return false;
            }
        }
        sent.incrementAndGet();
        return true;
    }

    /** On the loop: writes everything queued, then flushes once. */
    private void drain() {
        drainScheduled.set(false); // first, so a send racing with this poll schedules another drain
        boolean wrote = false;
        for (DatagramPacket p; (p = outbox.poll()) != null; ) {
            outboxBytes.addAndGet(-p.content().readableBytes());
            if (channel.isActive()) {
                channel.write(p, channel.voidPromise());
                wrote = true;
            } else {
                p.release();
            }
        }
        if (wrote) {
            channel.flush();
        }
    }

    private void releaseOutbox() {
        for (DatagramPacket p; (p = outbox.poll()) != null; ) {
            outboxBytes.addAndGet(-p.content().readableBytes());
            p.release();
        }
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

    /** Bytes accepted by {@link #send} and not yet handed to the channel. */
    int outboxBytes() {
        return outboxBytes.get();
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
