package dev.cloudless.sync.transport.udp;

import dev.cloudless.sync.spi.SharedDatagramSocket;
import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.Transport;
import dev.cloudless.sync.spi.TransportListener;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One uTP transport: an event loop group of {@link #IO_THREADS} threads, one UDP socket per
 * listener and one shared ephemeral socket for every outgoing connection. Each socket's
 * connections live on that socket's event loop.
 */
final class UtpTransport implements Transport {
    /** I/O threads per transport: listener and outgoing socket each get one of the two cores. */
    static final int IO_THREADS = 2;
    /** Kernel socket buffers: libutp on loopback drops heavily with the defaults (facts of issue 4). */
    static final int SOCKET_BUFFER_BYTES = 4 << 20;
    /** Read buffer per datagram: a whole UDP datagram (a datagram that fills it may be truncated and is dropped). */
    static final int MAX_DATAGRAM_BYTES = 64 << 10;
    /** Bytes queued in Netty above which sockets stop sending new data until the kernel takes them. */
    static final int CHANNEL_HIGH_WATER_BYTES = 1 << 20;
    static final int CHANNEL_LOW_WATER_BYTES = 256 << 10;
    static final long SHUTDOWN_QUIET_MILLIS = 0;
    static final long SHUTDOWN_TIMEOUT_MILLIS = 2_000;
    static final long CLOSE_WAIT_MILLIS = 1_000;

    private final EventLoopGroup group = new NioEventLoopGroup(IO_THREADS, new DefaultThreadFactory("cloudless-utp", true));
    private final Set<UtpSocket> sockets = ConcurrentHashMap.newKeySet();
    private UtpSocket clientSocket;
    private volatile boolean closed;
    private final boolean loopbackJumbo;

    /** A transport that sends 60 KiB packets to loopback addresses (see {@link UtpConnection#LOOPBACK_PAYLOAD_BYTES}). */
    UtpTransport() {
        this(true);
    }

    /** @param loopbackJumbo false keeps 1400-byte packets even on loopback (tests of the 1500-byte path) */
    UtpTransport(boolean loopbackJumbo) {
        this.loopbackJumbo = loopbackJumbo;
    }

    @Override
    public String name() {
        return UtpTransportProvider.NAME;
    }

    @Override
    public TransportListener listen(InetSocketAddress local, Consumer<StreamConnection> acceptor) throws IOException {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(acceptor, "acceptor");
        if (closed) {
            throw new IOException("transport closed");
        }
        Bound b = bind(local, acceptor);
        return new UtpListener(b.socket(), new SharedUdpSocket(b.socket().channel(), b.demux()));
    }

    @Override
    public CompletableFuture<StreamConnection> connect(InetSocketAddress remote, Duration timeout) {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(timeout, "timeout");
        CompletableFuture<StreamConnection> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new IOException("transport closed"));
            return result;
        }
        if (remote.isUnresolved() || !(remote.getAddress() instanceof Inet4Address)) {
            result.completeExceptionally(new IOException("uTP is IPv4 only here: " + remote));
            return result;
        }
        UtpSocket socket;
        try {
            socket = clientSocket();
        } catch (IOException e) {
            result.completeExceptionally(e);
            return result;
        }
        socket.connect(remote, result, Math.max(1, timeout.toMillis()));
        return result;
    }

    private synchronized UtpSocket clientSocket() throws IOException {
        if (clientSocket == null) {
            clientSocket = bind(new InetSocketAddress("0.0.0.0", 0), null).socket();
        }
        return clientSocket;
    }

    /** A bound socket and its demultiplexer, where other protocols join uTP. */
    private record Bound(UtpSocket socket, DatagramDemultiplexer demux) {
    }

    private Bound bind(InetSocketAddress local, Consumer<StreamConnection> acceptor) throws IOException {
        DatagramDemultiplexer demux = new DatagramDemultiplexer();
        Bootstrap b = new Bootstrap()
                .group(group)
                .channelFactory(() -> new NioDatagramChannel(InternetProtocolFamily.IPv4))
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM_BYTES))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(CHANNEL_LOW_WATER_BYTES, CHANNEL_HIGH_WATER_BYTES))
                .handler(demux);
        ChannelFuture f;
        try {
            f = b.bind(local).awaitUninterruptibly();
        } catch (RuntimeException e) {
            throw new IOException("cannot bind uTP socket on " + local + ": " + e, e);
        }
        if (!f.isSuccess()) {
            Throwable c = f.cause();
            throw c instanceof IOException io ? io : new IOException("cannot bind uTP socket on " + local + ": " + c, c);
        }
        Channel ch = f.channel();
        UtpSocket[] holder = new UtpSocket[1];
        UtpSocket socket = new UtpSocket(ch, acceptor, acceptor == null ? null : () -> {
            sockets.remove(holder[0]);
            ch.close();
        }, loopbackJumbo);
        holder[0] = socket;
        demux.register(socket);
        sockets.add(socket);
        ch.closeFuture().addListener(x -> sockets.remove(socket));
        if (closed) {
            ch.close();
            throw new IOException("transport closed");
        }
        return new Bound(socket, demux);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (UtpSocket s : sockets) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            s.onLoop(() -> {
                s.closeAll();
                done.complete(null);
            });
            if (!group.next().inEventLoop()) {
                try {
                    done.get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    // shutting down anyway
                }
            }
        }
        group.shutdownGracefully(SHUTDOWN_QUIET_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        group.terminationFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS + CLOSE_WAIT_MILLIS);
    }

    @Override
    public String toString() {
        return "UtpTransport[" + (closed ? "closed" : "open") + ", " + sockets.size() + " sockets]";
    }

    /** Sockets of this transport, for tests. */
    Set<UtpSocket> sockets() {
        return sockets;
    }

    /**
     * A listening socket: closing it stops accepting; the socket stays until its connections end.
     * Its socket is shared with other protocols (the DHT); the outgoing socket is not, since its
     * port is nobody's announced port.
     */
    private static final class UtpListener implements TransportListener {
        private final UtpSocket socket;
        private final SharedUdpSocket shared;

        UtpListener(UtpSocket socket, SharedUdpSocket shared) {
            this.socket = socket;
            this.shared = shared;
        }

        @Override
        public InetSocketAddress localAddress() {
            return socket.localAddress();
        }

        @Override
        public Optional<SharedDatagramSocket> datagramSocket() {
            return Optional.of(shared);
        }

        @Override
        public void close() {
            socket.stopAccepting();
        }

        @Override
        public String toString() {
            return "UtpListener[" + socket.localAddress() + "]";
        }
    }
}
