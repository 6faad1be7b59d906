package dev.cloudless.sync.core.session;

import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.StreamHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One end of an in-memory byte stream pair for session tests: each end delivers on its own
 * thread, like a transport's event loop, with high/low water marks, paused reads, an orderly
 * close and an abortive one ({@link #abort}). A {@link Tap} sees (and may alter) every write.
 */
public final class MemoryStream implements StreamConnection {
    static final int HIGH_WATER_MARK_BYTES = 4 << 20;
    static final int LOW_WATER_MARK_BYTES = 1 << 20;

    /** Sees each write of one direction, with the offset of its first byte; may modify the bytes. */
    public interface Tap {
        void onWrite(long offset, ByteBuffer data);
    }

    /** Two connected ends; closing the pair stops both threads. */
    public record Pair(MemoryStream client, MemoryStream server) implements AutoCloseable {
        @Override
        public void close() {
            client.loop.shutdownNow();
            server.loop.shutdownNow();
        }
    }

    private final String name;
    private final InetSocketAddress address;
    final ExecutorService loop;
    volatile Thread loopThread;
    private MemoryStream peer;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile StreamHandler handler;
    private volatile boolean readable = true;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private volatile boolean reportedWritable = true;
    volatile Tap tap;

    // loop thread only
    private final ArrayDeque<ByteBuffer> inbox = new ArrayDeque<>();
    private boolean endOfStream;
    private Throwable endCause;
    private boolean closedReported;

    private MemoryStream(String name, int port) {
        this.name = name;
        this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        this.loop = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "memory-stream-" + name);
            t.setDaemon(true);
            loopThread = t;
            return t;
        });
    }

    public static Pair pair() {
        MemoryStream c = new MemoryStream("client", 40001);
        MemoryStream s = new MemoryStream("server", 40002);
        c.peer = s;
        s.peer = c;
        return new Pair(c, s);
    }

    @Override
    public String transport() {
        return "memory";
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return peer.address;
    }

    @Override
    public InetSocketAddress localAddress() {
        return address;
    }

    @Override
    public void start(StreamHandler handler) {
        Objects.requireNonNull(handler);
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        this.handler = handler;
        run(this::pump);
    }

    @Override
    public void write(ByteBuffer data) {
        if (closed.get()) {
            return;
        }
        int n = data.remaining();
        long offset = written.getAndAdd(n);
        Tap t = tap;
        if (t != null) {
            t.onWrite(offset, data);
        }
        if (inFlight.addAndGet(n) >= HIGH_WATER_MARK_BYTES && reportedWritable) {
            reportedWritable = false;
            run(() -> tell(h -> h.onWritabilityChanged(false)));
        }
        peer.run(() -> peer.receive(data, this));
    }

    @Override
    public boolean isWritable() {
        return inFlight.get() < HIGH_WATER_MARK_BYTES;
    }

    @Override
    public void setReadable(boolean readable) {
        this.readable = readable;
        if (readable) {
            run(this::pump);
        }
    }

    @Override
    public boolean isOpen() {
        return !closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            peer.run(() -> peer.end(null));
            run(() -> {
                inbox.clear();
                end(null);
            });
        }
    }

    /** A connection reset: both ends report {@code cause} at once, undelivered bytes are lost. */
    public void abort(Throwable cause) {
        closed.set(true);
        peer.closed.set(true);
        peer.run(() -> {
            peer.inbox.clear();
            peer.end(cause);
        });
        run(() -> {
            inbox.clear();
            end(cause);
        });
    }

    /** Bytes written by this end so far. */
    public long bytesWritten() {
        return written.get();
    }

    @Override
    public String toString() {
        return "MemoryStream[" + name + "]";
    }

    private void receive(ByteBuffer data, MemoryStream from) {
        if (endOfStream) {
            from.delivered(data.remaining());
            return;
        }
        inbox.add(data);
        pump();
    }

    private void end(Throwable cause) {
        if (!endOfStream) {
            endOfStream = true;
            endCause = cause;
        }
        closed.set(true);
        pump();
    }

    private void pump() {
        StreamHandler h = handler;
        if (h == null) {
            return;
        }
        while (readable && !inbox.isEmpty() && !closedReported) {
            ByteBuffer b = inbox.poll();
            int n = b.remaining();
            try {
                h.onData(b);
            } finally {
                peer.delivered(n);
            }
        }
        if (endOfStream && (inbox.isEmpty() || endCause != null) && !closedReported) {
            closedReported = true;
            h.onClosed(endCause);
        }
    }

    private void delivered(int n) {
        if (inFlight.addAndGet(-n) < LOW_WATER_MARK_BYTES && !reportedWritable) {
            reportedWritable = true;
            run(() -> tell(h -> h.onWritabilityChanged(true)));
        }
    }

    private void tell(java.util.function.Consumer<StreamHandler> event) {
        StreamHandler h = handler;
        if (h != null && !closedReported) {
            event.accept(h);
        }
    }

    private void run(Runnable task) {
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the pair was closed by the test
        }
    }
}
