package dev.cloudless.sync.core.index;

import dev.cloudless.sync.core.path.FolderPath;
import java.util.Objects;
import java.util.Optional;

/**
 * One path as {@link FolderIndex#entries()} sees it.
 *
 * @param path the path
 * @param local this device's record, if it has one
 * @param global the record that wins among all devices
 * @param need what this device still has to do for the path, if anything
 */
public record PathEntry(FolderPath path, Optional<FileRecord> local, FileRecord global, Optional<Need> need) {
    public PathEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(global, "global");
        Objects.requireNonNull(need, "need");
    }
}
