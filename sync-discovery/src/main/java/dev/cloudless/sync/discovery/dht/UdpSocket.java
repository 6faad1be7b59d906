package dev.cloudless.sync.discovery.dht;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHT's own IPv4 UDP socket, for nodes without a UDP transport to share (uTP off): one
 * receive thread hands every datagram to a handler ({@link DhtNode#handleDatagram}). Datagrams
 * longer than {@link Bencode#MAX_INPUT_BYTES} reach the handler truncated to one byte more, so
 * it can tell and drop them.
 */
final class UdpSocket implements DhtSocket {
    private static final Logger LOG = LoggerFactory.getLogger(UdpSocket.class);
    /** Socket buffer sizes, in bytes: room for bursts of queries. */
    static final int SOCKET_BUFFER_BYTES = 1 << 20;
    /** How long {@link #close} waits for the receive thread, in milliseconds. */
    static final long CLOSE_WAIT_MILLIS = 2_000;

    private final DatagramChannel channel;
    private final Thread receiver;
    private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();

    private UdpSocket(DatagramChannel channel, BiConsumer<InetSocketAddress, ByteBuffer> handler, String name) {
        this.channel = channel;
        this.receiver = new Thread(() -> receive(handler), name);
        this.receiver.setDaemon(true);
    }

    /** Binds {@code local} and starts receiving. */
    static UdpSocket open(InetSocketAddress local, BiConsumer<InetSocketAddress, ByteBuffer> handler)
            throws IOException {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            ch.bind(local);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        UdpSocket s = new UdpSocket(ch, handler, "dht-udp-" + ((InetSocketAddress) ch.getLocalAddress()).getPort());
        s.receiver.start();
        return s;
    }

    @Override
    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void receive(BiConsumer<InetSocketAddress, ByteBuffer> handler) {
        ByteBuffer buf = ByteBuffer.allocate(Bencode.MAX_INPUT_BYTES + 1);
        while (channel.isOpen()) {
            try {
                buf.clear();
                SocketAddress from = channel.receive(buf);
                buf.flip();
                if (from instanceof InetSocketAddress a) {
                    handler.accept(a, buf);
                }
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.debug("DHT receive: {}", e.toString()); // a bad datagram must not stop the loop
            }
        }
    }

    @Override
    public void send(InetSocketAddress to, ByteBuffer data) {
        try {
            sent.incrementAndGet();
            channel.send(data, to);
        } catch (IOException e) {
            LOG.debug("DHT send to {}: {}", to, e.toString());
        }
    }

    @Override
    public long sentDatagrams() {
        return sent.get();
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public void close() {
        try {
            channel.close();
            receiver.join(CLOSE_WAIT_MILLIS);
        } catch (IOException e) {
            LOG.debug("DHT socket close: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
