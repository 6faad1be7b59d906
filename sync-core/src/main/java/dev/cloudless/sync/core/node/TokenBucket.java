package dev.cloudless.sync.core.node;

/**
 * A rate limiter shared by all peers of a node: callers take bytes and learn how long to wait
 * before the taken bytes are "paid for". Never blocks; a rate of 0 means unlimited.
 * Thread-safe.
 */
final class TokenBucket {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private long bytesPerSecond;
    private double tokens;
    private long lastNanos;

    TokenBucket(long bytesPerSecond) {
        setRate(bytesPerSecond);
    }

    synchronized void setRate(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        this.tokens = Math.min(tokens, burst());
        this.lastNanos = System.nanoTime();
    }

    synchronized long rate() {
        return bytesPerSecond;
    }

    /** Takes {@code bytes}; returns the nanoseconds until the bucket is no longer in debt (0: go on). */
    synchronized long take(long bytes) {
        if (bytesPerSecond <= 0) {
            return 0;
        }
        long now = System.nanoTime();
        tokens = Math.min(burst(), tokens + (now - lastNanos) * (double) bytesPerSecond / NANOS_PER_SECOND);
        lastNanos = now;
        tokens -= bytes;
        if (tokens >= 0) {
            return 0;
        }
        return (long) (-tokens * NANOS_PER_SECOND / bytesPerSecond);
    }

    // A quarter of a second of credit smooths bursts without letting idle time buy a flood.
    private double burst() {
        return Math.max(64 * 1024, bytesPerSecond / 4.0);
    }
}
