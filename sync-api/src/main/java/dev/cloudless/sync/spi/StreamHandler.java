package dev.cloudless.sync.spi;

import java.nio.ByteBuffer;

/**
 * Receives the events of one {@link StreamConnection}, on a transport thread, one at a time.
 * Implementations must return quickly and never block.
 */
public interface StreamHandler {
    /**
     * The next received bytes, from the buffer's position to its limit. The buffer is only valid
     * during the call: copy what must be kept.
     */
    void onData(ByteBuffer data);

    /** The write queue crossed the high-water mark ({@code false}) or drained below the low-water mark ({@code true}). */
    void onWritabilityChanged(boolean writable);

    /** The stream closed; {@code cause} is null for an orderly close. Called exactly once. */
    void onClosed(Throwable cause);
}
