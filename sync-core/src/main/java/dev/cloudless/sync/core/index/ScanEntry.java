package dev.cloudless.sync.core.index;

import java.time.Instant;
import java.util.Objects;

/**
 * What the scanner saw the last time it hashed a local file. If size, mtime and file key are
 * unchanged, the local record's blocks are still valid and the file is not re-hashed after a
 * restart.
 *
 * @param size bytes
 * @param mtime modification time as the file system reported it
 * @param fileKey {@code BasicFileAttributes.fileKey()} as text (device and inode on Unix), or ""
 *     where the file system has none
 */
public record ScanEntry(long size, Instant mtime, String fileKey) {
    public ScanEntry {
        if (size < 0) {
            throw new IllegalArgumentException("ScanEntry.size must be >= 0, was " + size);
        }
        Objects.requireNonNull(mtime, "ScanEntry.mtime");
        Objects.requireNonNull(fileKey, "ScanEntry.fileKey");
    }
}
