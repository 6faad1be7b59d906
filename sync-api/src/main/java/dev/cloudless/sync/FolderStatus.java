package dev.cloudless.sync;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of one folder's progress.
 *
 * @param state what the folder is doing
 * @param localFiles live entries on this device
 * @param localBytes bytes of those entries
 * @param globalFiles live entries in the newest version known from all devices
 * @param globalBytes bytes of those entries
 * @param neededFiles entries this device still has to fetch, delete or resolve
 * @param neededBytes bytes of content still to fetch for them
 * @param lastScan when the last scan finished, if any
 * @param error why the folder stopped, when {@link #state()} is {@link FolderState#ERROR}
 */
public record FolderStatus(FolderState state, long localFiles, long localBytes, long globalFiles, long globalBytes,
                           long neededFiles, long neededBytes, Optional<Instant> lastScan, Optional<String> error) {
    /** Checks for nulls. */
    public FolderStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lastScan, "lastScan");
        Objects.requireNonNull(error, "error");
    }

    /** Share of the global bytes present locally, 0.0 to 1.0 (1.0 for an empty folder). */
    public double completion() {
        if (neededFiles == 0) {
            return 1.0;
        }
        if (globalBytes <= 0) {
            return 0.0;
        }
        return Math.max(0.0, Math.min(1.0, 1.0 - (double) neededBytes / globalBytes));
    }
}
