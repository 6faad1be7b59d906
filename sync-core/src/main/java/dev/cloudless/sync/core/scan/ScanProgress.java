package dev.cloudless.sync.core.scan;

import dev.cloudless.sync.core.path.FolderPath;

/**
 * Hashing progress, called on the scanning thread after each read of a file being hashed. Keep
 * it quick: the scan waits for it.
 */
@FunctionalInterface
public interface ScanProgress {
    /** Reports nothing. */
    ScanProgress NONE = (path, bytesDone, bytesTotal) -> { };

    /**
     * @param path the file being hashed
     * @param bytesDone bytes hashed so far
     * @param bytesTotal the file's size when hashing began
     */
    void hashing(FolderPath path, long bytesDone, long bytesTotal);
}
