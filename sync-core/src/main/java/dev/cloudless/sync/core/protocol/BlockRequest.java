package dev.cloudless.sync.core.protocol;

import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.path.FolderPath;
import java.util.Objects;

/**
 * Asks the peer for one block of a file. The answer is a {@link BlockResponse} with the same
 * {@code requestId}, possibly after responses to later requests.
 *
 * <p>Body (type {@value Messages#TYPE_BLOCK_REQUEST}), at most {@link Messages#MAX_BLOCK_REQUEST_BODY_BYTES}:
 * <pre>
 * +-----------+---------+-------+--------+--------+-----------+
 * | requestId | pathLen | path  | offset | length | hash      |
 * | u32       | u16     | UTF-8 | u64    | u32    | 32 bytes  |
 * +-----------+---------+-------+--------+--------+-----------+
 * </pre>
 *
 * @param requestId chosen by the requester, echoed in the response (any 32-bit value)
 * @param path the file
 * @param offset first byte of the block in the file, at least 0
 * @param length bytes, 1 .. {@link FileRecord#MAX_BLOCK_LENGTH}, with offset + length ≤ {@link FileRecord#MAX_FILE_SIZE}
 * @param hash the SHA-256 the block must have
 */
public record BlockRequest(int requestId, FolderPath path, long offset, int length, Sha256 hash) implements Message {
    /** @throws IllegalArgumentException if offset or length is out of range */
    public BlockRequest {
        Objects.requireNonNull(path, "BlockRequest.path");
        Objects.requireNonNull(hash, "BlockRequest.hash");
        if (length < 1 || length > FileRecord.MAX_BLOCK_LENGTH) {
            throw new IllegalArgumentException("BlockRequest.length must be 1.." + FileRecord.MAX_BLOCK_LENGTH
                    + ", was " + Integer.toUnsignedString(length));
        }
        if (offset < 0 || offset > FileRecord.MAX_FILE_SIZE - length) {
            throw new IllegalArgumentException("BlockRequest.offset " + Long.toUnsignedString(offset)
                    + " + length " + length + " is outside 0.." + FileRecord.MAX_FILE_SIZE);
        }
    }
}
