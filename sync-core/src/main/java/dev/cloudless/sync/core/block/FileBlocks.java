package dev.cloudless.sync.core.block;

import dev.cloudless.sync.core.crypto.Digests;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;

/**
 * A file's content as a list of blocks, and the file hash that commits to it.
 *
 * <p>The file hash is not a second SHA-256 pass over the data (that would halve hashing speed)
 * but a Merkle-style commitment to the block list:
 * <pre>
 *   fileHash = SHA-256( "cloudless-sync v1 file hash"                  27 ASCII bytes, no terminator
 *                       || for each block, in file order:
 *                            uint32 big-endian length || 32-byte SHA-256 of the block )
 * </pre>
 * The label is fixed-length and each record is 36 bytes, so the input parses one way only; an
 * empty file has no blocks and hashes the label alone. Since SHA-256 is collision resistant, equal
 * file hashes mean equal block lists, hence equal content.
 *
 * <p>Instances are always consistent: blocks are contiguous from offset 0, {@link #size()} is
 * their total and {@link #fileHash()} is computed here, never taken on trust. To check a block
 * list received from a peer, build it with {@link #of} and compare the file hash it claimed.
 */
public final class FileBlocks {
    /** Domain-separation label that starts the file-hash input. */
    public static final String FILE_HASH_LABEL = "cloudless-sync v1 file hash";
    private static final byte[] LABEL = FILE_HASH_LABEL.getBytes(StandardCharsets.US_ASCII);
    private static final int RECORD = 4 + Sha256.LENGTH;

    private final long size;
    private final List<Block> blocks;
    private final Sha256 fileHash;

    private FileBlocks(long size, List<Block> blocks, Sha256 fileHash) {
        this.size = size;
        this.blocks = blocks;
        this.fileHash = fileHash;
    }

    /**
     * The file made of {@code blocks}.
     *
     * @throws IllegalArgumentException if the blocks do not start at 0 or are not contiguous
     */
    public static FileBlocks of(List<Block> blocks) {
        List<Block> copy = List.copyOf(blocks);
        MessageDigest sha = Digests.sha256();
        sha.update(LABEL);
        byte[] record = new byte[RECORD];
        long expected = 0;
        for (int i = 0; i < copy.size(); i++) {
            Block b = copy.get(i);
            if (b.offset() != expected) {
                throw new IllegalArgumentException(
                        "FileBlocks: block " + i + " starts at " + b.offset() + ", expected " + expected);
            }
            expected = Math.addExact(expected, b.length());
            int len = b.length();
            record[0] = (byte) (len >>> 24);
            record[1] = (byte) (len >>> 16);
            record[2] = (byte) (len >>> 8);
            record[3] = (byte) len;
            b.hash().writeTo(record, 4);
            sha.update(record);
        }
        return new FileBlocks(expected, copy, Sha256.wrap(sha.digest()));
    }

    /** File size in bytes: the sum of the block lengths. */
    public long size() {
        return size;
    }

    /** The blocks in file order; unmodifiable. */
    public List<Block> blocks() {
        return blocks;
    }

    public Sha256 fileHash() {
        return fileHash;
    }

    @Override
    public boolean equals(Object o) {
        // The file hash commits to the whole block list.
        return o instanceof FileBlocks other && fileHash.equals(other.fileHash);
    }

    @Override
    public int hashCode() {
        return fileHash.hashCode();
    }

    @Override
    public String toString() {
        return "FileBlocks[size=" + size + ", blocks=" + blocks.size() + ", fileHash=" + fileHash + "]";
    }
}
