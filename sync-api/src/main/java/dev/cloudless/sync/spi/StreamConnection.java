package dev.cloudless.sync.spi;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One reliable, ordered, bidirectional byte stream of a {@link Transport}.
 *
 * <p>Lifecycle: the engine calls {@link #start} once with its handler; from then on the
 * transport delivers received bytes in order to {@link StreamHandler#onData}, and finally calls
 * {@link StreamHandler#onClosed} exactly once, whoever closed the stream. Writes are queued and
 * may be made from any thread; {@link #isWritable()} turns false when the queue passes the
 * transport's high-water mark and the handler hears when it drains, so a sender can stop
 * producing instead of buffering without bound. {@link #setReadable} pauses delivery so a slow
 * receiver pushes back on the remote sender.
 */
public interface StreamConnection {
    /** The transport's name, such as {@code "tcp"}. */
    String transport();

    /** The remote end's address. */
    InetSocketAddress remoteAddress();

    /** The local end's address. */
    InetSocketAddress localAddress();

    /**
     * Starts delivering events to {@code handler}; must be called exactly once.
     *
     * @throws IllegalStateException if already started
     */
    void start(StreamHandler handler);

    /**
     * Queues {@code data} (from its position to its limit) for sending. The connection takes
     * ownership: the caller must not touch the buffer afterwards. Writes after close are dropped.
     */
    void write(ByteBuffer data);

    /** Whether the write queue is below the high-water mark. */
    boolean isWritable();

    /** Pauses ({@code false}) or resumes ({@code true}) delivery of received bytes. */
    void setReadable(boolean readable);

    /** Whether the stream is still open. */
    boolean isOpen();

    /** Sends what is queued, then closes; idempotent. */
    void close();
}
