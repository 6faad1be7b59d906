package dev.cloudless.sync.core.transfer;

import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.path.FolderPath;

/**
 * Events of the {@link Puller}, called from worker threads; implementations must not block.
 * Every method has an empty default, so a listener implements only what it needs.
 */
public interface TransferListener {
    /** A file download began; {@code bytes} is the file size. */
    default void started(FolderPath path, long bytes) {}

    /** {@code done} of {@code total} bytes of the file are in place (reused, resumed or fetched). */
    default void progress(FolderPath path, long done, long total) {}

    /** The path now matches {@code record} on disk and in the index. */
    default void finished(FolderPath path, FileRecord record) {}

    /** The pull of {@code path} failed; the pull future completes exceptionally with the same cause. */
    default void failed(FolderPath path, Throwable cause) {}

    /** A concurrent change was kept as {@code conflictCopy}, a new local file the scanner picks up. */
    default void conflict(FolderPath path, FolderPath conflictCopy) {}

    /** The path was deleted (its last content is in the archive). */
    default void deleted(FolderPath path) {}

    /** A listener that ignores everything. */
    TransferListener NONE = new TransferListener() {};
}
