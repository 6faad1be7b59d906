package dev.cloudless.sync;

/**
 * Node-wide transfer limits in bytes per second of file data; 0 means unlimited.
 *
 * @param uploadBytesPerSecond limit on block data sent to all peers together
 * @param downloadBytesPerSecond limit on block data received from all peers together
 */
public record RateLimits(long uploadBytesPerSecond, long downloadBytesPerSecond) {
    /** No limits. */
    public static final RateLimits UNLIMITED = new RateLimits(0, 0);

    /** Rejects negative limits. */
    public RateLimits {
        if (uploadBytesPerSecond < 0 || downloadBytesPerSecond < 0) {
            throw new IllegalArgumentException("rate limits must not be negative: up " + uploadBytesPerSecond
                    + ", down " + downloadBytesPerSecond);
        }
    }
}
