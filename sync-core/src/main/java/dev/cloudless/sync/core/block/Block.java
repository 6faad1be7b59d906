package dev.cloudless.sync.core.block;

import java.util.Objects;

/**
 * One block of a file: its place in the file and the SHA-256 of its bytes.
 *
 * @param offset byte offset of the block's first byte in the file
 * @param length number of bytes, at least 1
 * @param hash SHA-256 of the block's bytes
 */
public record Block(long offset, int length, Sha256 hash) {
    public Block {
        if (offset < 0) {
            throw new IllegalArgumentException("Block.offset must be >= 0, was " + offset);
        }
        if (length < 1) {
            throw new IllegalArgumentException("Block.length must be >= 1, was " + length);
        }
        Objects.requireNonNull(hash, "Block.hash");
    }

    /** Offset just past the block's last byte. */
    public long end() {
        return offset + length;
    }
}
