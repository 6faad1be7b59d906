package dev.cloudless.sync.core.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The JDK message digests the project uses, in one place. Always the default (intrinsified)
 * provider: block hashing's speed depends on it.
 */
public final class Digests {
    private Digests() {}

    /** A new SHA-256 digest. */
    public static MessageDigest sha256() {
        return get("SHA-256");
    }

    /** SHA-1 of {@code data}: only for the 20-byte discovery id, a BitTorrent info-hash. */
    public static byte[] sha1(byte[] data) {
        return get("SHA-1").digest(data);
    }

    private static MessageDigest get(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required by the Java platform", e);
        }
    }
}
