package dev.cloudless.sync.discovery.dht;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Token buckets per source IP for incoming queries, in a fixed table: an address hashes (with a
 * secret seed, so senders cannot aim at a neighbour's slot) to one of {@link #SLOTS} buckets, so
 * memory stays constant however many addresses send. Colliding addresses share a bucket, which
 * only makes the limit stricter for them. Not thread-safe.
 */
final class RateLimiter {
    /** Buckets in the table. */
    static final int SLOTS = 4096;

    private final double perSecond;
    private final double burst;
    private final double[] tokens = new double[SLOTS];
    private final long[] updated = new long[SLOTS];
    private final int seed = new SecureRandom().nextInt();

    RateLimiter(double perSecond, double burst, long now) {
        this.perSecond = perSecond;
        this.burst = burst;
        Arrays.fill(tokens, burst);
        Arrays.fill(updated, now);
    }

    boolean allow(InetAddress ip, long now) {
        int h = Arrays.hashCode(ip.getAddress()) ^ seed;
        h ^= h >>> 16;
        h *= 0x45d9f3b;
        h ^= h >>> 16;
        int slot = h & (SLOTS - 1);
        double t = Math.min(burst, tokens[slot] + (now - updated[slot]) * perSecond / 1e9);
        updated[slot] = now;
        if (t < 1) {
            tokens[slot] = t;
            return false;
        }
        tokens[slot] = t - 1;
        return true;
    }
}
