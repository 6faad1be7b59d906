package dev.cloudless.sync.core.protocol;

import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.version.VersionVector;
import java.util.BitSet;
import java.util.Objects;

/**
 * Which blocks of one file version the sender already has while it downloads it, so peers can
 * fetch those blocks from it before it has the whole file.
 *
 * <p>Body (type {@value Messages#TYPE_PROGRESS}), at most {@link Messages#MAX_PROGRESS_BODY_BYTES}:
 * <pre>
 * +---------+-------+---------------------+------------+-----------------------------+
 * | pathLen | path  | version             | blockCount | have                        |
 * | u16     | UTF-8 | VersionVector codec | u32 ≤ 2^21 | ceil(blockCount / 8) bytes  |
 * +---------+-------+---------------------+------------+-----------------------------+
 * have: block i is bit (i mod 8) of byte i / 8 (least significant bit first, as
 *       BitSet.toByteArray); bits from blockCount up in the last byte must be 0
 * </pre>
 *
 * @param path the file
 * @param version the version of the file being downloaded, not empty
 * @param have the blocks the sender has; no bit at or above {@code blockCount}
 * @param blockCount the number of blocks of that version, 0 .. {@link FileRecord#MAX_BLOCKS_PER_FILE}
 */
public record Progress(FolderPath path, VersionVector version, BitSet have, int blockCount) implements Message {
    /**
     * Copies {@code have}.
     *
     * @throws IllegalArgumentException if the version is empty, the count out of range or a bit
     *     set at or above it
     */
    public Progress {
        Objects.requireNonNull(path, "Progress.path");
        Objects.requireNonNull(version, "Progress.version");
        have = (BitSet) Objects.requireNonNull(have, "Progress.have").clone();
        if (version.isEmpty()) {
            throw new IllegalArgumentException("Progress.version is empty");
        }
        if (blockCount < 0 || blockCount > FileRecord.MAX_BLOCKS_PER_FILE) {
            throw new IllegalArgumentException("Progress.blockCount must be 0.." + FileRecord.MAX_BLOCKS_PER_FILE
                    + ", was " + blockCount);
        }
        if (have.length() > blockCount) {
            throw new IllegalArgumentException("Progress.have has block " + (have.length() - 1) + " of "
                    + blockCount);
        }
    }

    /** A copy of the set of blocks the sender has. */
    @Override
    public BitSet have() {
        return (BitSet) have.clone();
    }

    /** How many blocks the sender has. */
    public int haveCount() {
        return have.cardinality();
    }

    /** Whether the sender has block {@code index}. */
    public boolean has(int index) {
        return index >= 0 && have.get(index);
    }

    @Override
    public String toString() {
        return "Progress[" + path + ", version=" + version + ", " + have.cardinality() + "/" + blockCount + " blocks]";
    }
}
