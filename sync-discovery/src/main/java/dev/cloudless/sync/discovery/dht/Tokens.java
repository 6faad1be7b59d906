package dev.cloudless.sync.discovery.dht;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * announce_peer tokens (BEP 5): a hash of the requester's IP and a secret that changes every
 * {@link #ROTATE_NANOS}; tokens made with the current or the previous secret are accepted, so a
 * token lives 5 to 10 minutes. Not thread-safe.
 */
final class Tokens {
    /** How often the secret changes: 5 minutes. */
    static final long ROTATE_NANOS = 5L * 60 * 1_000_000_000L;
    /** Bytes of a token we hand out. */
    static final int TOKEN_BYTES = 8;
    private static final int SECRET_BYTES = 16;

    private final SecureRandom random = new SecureRandom();
    private final MessageDigest sha256;
    private byte[] current = new byte[SECRET_BYTES];
    private byte[] previous = new byte[SECRET_BYTES];
    private long rotatedAt;

    Tokens(long now) {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        random.nextBytes(current);
        random.nextBytes(previous);
        rotatedAt = now;
    }

    byte[] token(InetAddress ip, long now) {
        rotate(now);
        return make(current, ip);
    }

    boolean valid(byte[] token, InetAddress ip, long now) {
        rotate(now);
        return MessageDigest.isEqual(token, make(current, ip)) || MessageDigest.isEqual(token, make(previous, ip));
    }

    private void rotate(long now) {
        while (now - rotatedAt >= ROTATE_NANOS) {
            previous = current;
            current = new byte[SECRET_BYTES];
            random.nextBytes(current);
            rotatedAt += ROTATE_NANOS;
            if (now - rotatedAt >= ROTATE_NANOS) { // long idle: both secrets are stale
                rotatedAt = now - ROTATE_NANOS;
            }
        }
    }

    private byte[] make(byte[] secret, InetAddress ip) {
        sha256.update(secret);
        sha256.update(ip.getAddress());
        return Arrays.copyOf(sha256.digest(), TOKEN_BYTES);
    }
}
