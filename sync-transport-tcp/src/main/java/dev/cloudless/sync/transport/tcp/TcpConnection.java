package dev.cloudless.sync.transport.tcp;

import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.StreamHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One TCP connection: the {@link StreamConnection} the engine sees and the only handler in the
 * channel's pipeline.
 *
 * <p>Every handler event runs on the channel's event loop, which gives the SPI's "one at a time"
 * for free. Writes from any thread go to a lock-free outbox that one task per burst drains into
 * the channel and flushes once, so a sender producing many frames costs one flush (one
 * {@code writev}) per burst rather than one per frame, without any write being left unflushed.
 */
final class TcpConnection extends ChannelInboundHandlerAdapter implements StreamConnection {
    /** How long {@link #close()} lets queued bytes drain to a peer that does not read before closing anyway. */
    static final long CLOSE_DRAIN_TIMEOUT_MILLIS = 5_000;

    private final Channel channel;
    private final EventLoop loop;
    /** Accepted connections only: who decides about the connection once it is active. */
    private Consumer<StreamConnection> acceptor;
    private volatile InetSocketAddress remote;
    private volatile InetSocketAddress local;

    private final AtomicBoolean started = new AtomicBoolean();
    private volatile StreamHandler handler;
    private volatile boolean readable = true;
    private volatile boolean closeRequested;

    private final Queue<ByteBuffer> outbox = new ConcurrentLinkedQueue<>();
    /** Bytes in the outbox, not yet counted by Netty's outbound buffer; part of isWritable(). */
    private final AtomicLong outboxBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;

    // Event loop only:
    /** Reads that arrived after setReadable(false) (Netty may finish the read in progress). */
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private boolean delivering;
    private boolean inactive;
    private boolean closedReported;
    private Throwable failure;

    TcpConnection(Channel channel, Consumer<StreamConnection> acceptor) {
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.acceptor = acceptor;
    }

    @Override
    public String transport() {
        return TcpTransportProvider.NAME;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        InetSocketAddress r = remote;
        return r != null ? r : (InetSocketAddress) channel.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        InetSocketAddress l = local;
        return l != null ? l : (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void start(StreamHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("connection already started");
        }
        this.handler = handler;
        onLoop(() -> {
            if (inactive) {
                reportClosed(); // closed before anyone listened
            } else if (readable) {
                channel.config().setAutoRead(true);
            }
        });
    }

    @Override
    public void write(ByteBuffer data) {
        if (closeRequested || !channel.isOpen()) {
            return; // dropped, as the SPI says
        }
        outboxBytes.addAndGet(data.remaining());
        outbox.add(data);
        scheduleDrain();
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable() && outboxBytes.get() < TcpTransport.HIGH_WATER_MARK_BYTES;
    }

    @Override
    public void setReadable(boolean readable) {
        this.readable = readable;
        if (!started.get()) {
            return; // start() applies it
        }
        onLoop(this::applyReadable);
    }

    @Override
    public boolean isOpen() {
        return !closeRequested && channel.isOpen();
    }

    @Override
    public void close() {
        if (closeRequested) {
            return;
        }
        closeRequested = true;
        onLoop(() -> {
            drain();
            // The empty write completes after everything queued before it was written.
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            ScheduledFuture<?> force = loop.schedule(() -> channel.close(), CLOSE_DRAIN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(f -> force.cancel(false));
        });
    }

    @Override
    public String toString() {
        return "TcpConnection[" + localAddress() + " -> " + remoteAddress() + (channel.isOpen() ? "" : ", closed") + "]";
    }

    // ---- Netty events (event loop) ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        remote = (InetSocketAddress) channel.remoteAddress();
        local = (InetSocketAddress) channel.localAddress();
        Consumer<StreamConnection> a = acceptor;
        acceptor = null;
        if (a != null) {
            try {
                a.accept(this);
            } catch (RuntimeException e) {
                failure = e;
                channel.close();
            }
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        if (!readable || !held.isEmpty() || delivering || closedReported || closeRequested) {
            if (closedReported || closeRequested) {
                buf.release();
            } else {
                held.add(buf);
            }
            return;
        }
        deliver(buf);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        StreamHandler h = handler;
        if (h != null && !closedReported) {
            try {
                h.onWritabilityChanged(isWritable());
            } catch (RuntimeException e) {
                fail(e);
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive = true;
        releaseHeld();
        reportClosed();
    }

    // ---- internals (event loop unless noted) ----

    private void deliver(ByteBuf buf) {
        delivering = true;
        try {
            handler.onData(buf.nioBuffer());
        } catch (RuntimeException e) {
            fail(e);
        } finally {
            delivering = false;
            buf.release();
        }
    }

    private void applyReadable() {
        if (inactive) {
            return;
        }
        if (readable) {
            // Deliver what was held back, in order, unless a handler pauses again meanwhile.
            while (readable && !delivering && !held.isEmpty() && !closedReported) {
                deliver(held.poll());
            }
            if (readable) {
                channel.config().setAutoRead(true);
            }
        } else {
            channel.config().setAutoRead(false);
        }
    }

    private void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        channel.close();
    }

    private void reportClosed() {
        StreamHandler h = handler;
        if (h == null || closedReported) {
            return; // start() reports it later
        }
        closedReported = true;
        h.onClosed(failure);
    }

    private void releaseHeld() {
        ByteBuf b;
        while ((b = held.poll()) != null) {
            b.release();
        }
    }

    /** Any thread. */
    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(drain);
            } catch (RejectedExecutionException e) {
                outbox.clear(); // the transport is closed: the writes are dropped with it
            }
        }
    }

    private void drain() {
        // Reset first: a write that lands after this line either is polled below or schedules a new drain.
        drainScheduled.set(false);
        boolean wrote = false;
        ByteBuffer b;
        while ((b = outbox.poll()) != null) {
            int n = b.remaining();
            channel.write(Unpooled.wrappedBuffer(b), channel.voidPromise());
            outboxBytes.addAndGet(-n);
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    /** Any thread: runs {@code task} on the event loop, inline if already there. */
    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            try {
                loop.execute(task);
            } catch (RejectedExecutionException e) {
                // the transport is shut down; its close() closed the channel
            }
        }
    }
}
