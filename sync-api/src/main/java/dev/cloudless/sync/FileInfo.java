package dev.cloudless.sync;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a folder as the index sees it.
 *
 * @param path the path relative to the folder root, with {@code /} separators, in Unicode NFC
 * @param type the kind of entry
 * @param size bytes of content (0 for directories, links and deleted entries)
 * @param modified modification time of the version described
 * @param deleted whether the newest known version is a deletion
 * @param state how this device's copy relates to the newest known version
 */
public record FileInfo(String path, Type type, long size, Instant modified, boolean deleted, SyncState state) {
    /** Checks for nulls. */
    public FileInfo {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(modified, "modified");
        Objects.requireNonNull(state, "state");
    }

    /** The kind of file-system entry. */
    public enum Type {
        /** A regular file. */
        FILE,
        /** A directory. */
        DIRECTORY,
        /** A symbolic link, synced as a link and never followed. */
        SYMLINK
    }

    /** How the local copy relates to the global (newest known) version. */
    public enum SyncState {
        /** The local copy is the newest known version. */
        SYNCED,
        /** A newer version exists on a peer and is still to be fetched or applied. */
        NEEDED,
        /** The local copy and a peer's copy changed concurrently; resolving makes a conflict copy. */
        CONFLICTING,
        /** Changed locally on a read-only folder: kept here, never sent (see {@link Folder#revertLocalChanges()}). */
        LOCALLY_CHANGED
    }
}
