package dev.cloudless.sync.core.index;

import dev.cloudless.sync.core.path.FolderPath;
import java.util.Objects;

/**
 * Where a block with a given hash sits in a local file, as the local index last recorded it. The
 * caller re-hashes the bytes before reusing them: the file may have changed since the last scan.
 *
 * @param path the local file
 * @param offset byte offset of the block in it
 * @param length block length in bytes
 */
public record BlockLocation(FolderPath path, long offset, int length) {
    public BlockLocation {
        Objects.requireNonNull(path, "BlockLocation.path");
    }
}
