package dev.cloudless.sync.transport.tcp;

import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.Transport;
import dev.cloudless.sync.spi.TransportListener;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One TCP transport: an event loop group of {@link #IO_THREADS} threads shared by its listeners
 * and connections. The pipeline of a connection is a single {@link TcpConnection} handler: framing
 * and protection live above the SPI, in the session layer.
 */
final class TcpTransport implements Transport {
    /** I/O threads per transport: a sync node has few, fat connections, two loops keep both cores busy. */
    static final int IO_THREADS = 2;
    /** Queued outbound bytes above which a connection reports unwritable. */
    static final int HIGH_WATER_MARK_BYTES = 4 << 20;
    /** Queued outbound bytes below which an unwritable connection reports writable again. */
    static final int LOW_WATER_MARK_BYTES = 1 << 20;
    /** Receive buffer sizes Netty adapts between: large reads cut per-read overhead on bulk transfers. */
    static final int MIN_READ_BYTES = 512;
    static final int INITIAL_READ_BYTES = 16 << 10;
    static final int MAX_READ_BYTES = 256 << 10;
    /** Pending accepts the kernel queues per listener. */
    static final int ACCEPT_BACKLOG = 128;
    /** Quiet period and bound of the event loop shutdown in {@link #close()}. */
    static final long SHUTDOWN_QUIET_MILLIS = 0;
    static final long SHUTDOWN_TIMEOUT_MILLIS = 2_000;
    /** How long {@link #close()} waits for listeners and connections to close before stopping the loops. */
    static final long CLOSE_CHANNELS_WAIT_MILLIS = 1_000;

    private static final WriteBufferWaterMark WATER_MARK =
            new WriteBufferWaterMark(LOW_WATER_MARK_BYTES, HIGH_WATER_MARK_BYTES);

    private final EventLoopGroup group = new NioEventLoopGroup(IO_THREADS, new DefaultThreadFactory("cloudless-tcp", true));
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    @Override
    public String name() {
        return TcpTransportProvider.NAME;
    }

    @Override
    public TransportListener listen(InetSocketAddress local, Consumer<StreamConnection> acceptor) throws IOException {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(acceptor, "acceptor");
        ensureOpen();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, readAllocator())
                // Nothing is read before the engine calls start(): no byte can arrive without a handler.
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        track(ch);
                        ch.pipeline().addLast(new TcpConnection(ch, acceptor));
                        if (closed) {
                            ch.close();
                        }
                    }
                });
        ChannelFuture bound = bootstrap.bind(local).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw asIoException("cannot listen on " + local, bound.cause());
        }
        Channel server = bound.channel();
        track(server);
        if (closed) { // raced with close(): do not leak the listener
            server.close();
            throw new IOException("transport closed");
        }
        return new TcpListener(server);
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
        int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new TcpConnection(ch, null));
                    }
                });
        configure(bootstrap);
        ChannelFuture connecting;
        try {
            connecting = bootstrap.connect(remote);
        } catch (RuntimeException e) { // the group shut down under us
            result.completeExceptionally(asIoException("cannot connect to " + remote, e));
            return result;
        }
        track(connecting.channel());
        connecting.addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                result.complete(f.channel().pipeline().get(TcpConnection.class));
            } else {
                result.completeExceptionally(asIoException("cannot connect to " + remote, f.cause()));
            }
        });
        return result;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ChannelFuture> closing = new ArrayList<>();
        for (Channel ch : channels) {
            closing.add(ch.close());
        }
        boolean onLoop = group.next().inEventLoop() || channels.stream().anyMatch(ch -> ch.eventLoop().inEventLoop());
        if (!onLoop) {
            // Let onClosed reach every handler before the loops stop.
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_CHANNELS_WAIT_MILLIS);
            for (ChannelFuture f : closing) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !f.awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(left))) {
                    break;
                }
            }
        }
        group.shutdownGracefully(SHUTDOWN_QUIET_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        if (!onLoop) {
            group.terminationFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS + CLOSE_CHANNELS_WAIT_MILLIS);
        }
    }

    @Override
    public String toString() {
        return "TcpTransport[" + (closed ? "closed" : "open") + ", " + channels.size() + " channels]";
    }

    private void track(Channel ch) {
        channels.add(ch);
        ch.closeFuture().addListener(f -> channels.remove(ch));
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
    }

    /** Options of outgoing connections; accepted ones get the same as child options. */
    private static void configure(Bootstrap bootstrap) {
        bootstrap.option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.RCVBUF_ALLOCATOR, readAllocator())
                .option(ChannelOption.AUTO_READ, false);
    }

    private static AdaptiveRecvByteBufAllocator readAllocator() {
        return new AdaptiveRecvByteBufAllocator(MIN_READ_BYTES, INITIAL_READ_BYTES, MAX_READ_BYTES);
    }

    static IOException asIoException(String message, Throwable cause) {
        if (cause instanceof IOException io) {
            return io;
        }
        return new IOException(message + (cause == null ? "" : ": " + cause), cause);
    }

    /** A bound server channel. */
    private static final class TcpListener implements TransportListener {
        private final Channel server;
        private final InetSocketAddress local;

        TcpListener(Channel server) {
            this.server = server;
            this.local = (InetSocketAddress) server.localAddress();
        }

        @Override
        public InetSocketAddress localAddress() {
            return local;
        }

        @Override
        public void close() {
            ChannelFuture f = server.close();
            if (!server.eventLoop().inEventLoop()) {
                f.awaitUninterruptibly(CLOSE_CHANNELS_WAIT_MILLIS);
            }
        }

        @Override
        public String toString() {
            return "TcpListener[" + local + "]";
        }
    }
}
