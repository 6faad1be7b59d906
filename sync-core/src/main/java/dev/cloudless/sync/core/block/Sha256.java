package dev.cloudless.sync.core.block;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** An immutable 32-byte SHA-256 value: a block hash or a file hash. Compared by content. */
public final class Sha256 {
    /** Length of a SHA-256 value in bytes. */
    public static final int LENGTH = 32;

    private final byte[] bytes;

    private Sha256(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of {@code bytes}, which must be exactly 32 bytes long. */
    public static Sha256 of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("SHA-256 value must be " + LENGTH + " bytes, was " + bytes.length);
        }
        return new Sha256(bytes.clone());
    }

    /** Parses 64 hex digits. */
    public static Sha256 ofHex(String hex) {
        return wrap(HexFormat.of().parseHex(hex));
    }

    /** Takes ownership of a fresh digest output without copying it (hot path: one per block). */
    static Sha256 wrap(byte[] digest) {
        if (digest.length != LENGTH) {
            throw new IllegalArgumentException("SHA-256 value must be " + LENGTH + " bytes, was " + digest.length);
        }
        return new Sha256(digest);
    }


    /** A copy of the 32 bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    void writeTo(byte[] dst, int off) {
        System.arraycopy(bytes, 0, dst, off, LENGTH);
    }

    public String toHex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sha256 other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        // The value is already uniformly distributed; its first four bytes are a fine hash code.
        return (bytes[0] << 24) | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
