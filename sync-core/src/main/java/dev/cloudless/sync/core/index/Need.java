package dev.cloudless.sync.core.index;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.core.path.FolderPath;
import java.util.Objects;

/**
 * A path where a peer has a version the local device has not seen: one entry of the pull list.
 *
 * @param path the path
 * @param kind what to do
 * @param from the peer whose record is the one to pull (the global winner among the candidates)
 * @param record that peer's record
 */
public record Need(FolderPath path, Kind kind, DeviceId from, FileRecord record) {
    /** What the local device has to do about the path. */
    public enum Kind {
        /** The remote version is newer (GREATER) and live: fetch it. */
        UPDATE,
        /** The remote version is newer and a tombstone: delete locally. */
        DELETE,
        /** The remote version is CONCURRENT with the local one: resolve with a conflict copy. */
        CONFLICT
    }

    public Need {
        Objects.requireNonNull(path, "Need.path");
        Objects.requireNonNull(kind, "Need.kind");
        Objects.requireNonNull(from, "Need.from");
        Objects.requireNonNull(record, "Need.record");
    }
}
