package dev.cloudless.sync.core.index;

import java.util.Objects;

/** A {@link FileRecord} whose fields contradict each other; names the first problem found. */
public final class InconsistentRecordException extends IllegalArgumentException {
    private final FileRecord.Inconsistency inconsistency;

    InconsistentRecordException(FileRecord.Inconsistency inconsistency, String path) {
        super("inconsistent record for " + path + ": " + inconsistency.description() + " [" + inconsistency + "]");
        this.inconsistency = Objects.requireNonNull(inconsistency);
    }

    /** The first problem found. */
    public FileRecord.Inconsistency inconsistency() {
        return inconsistency;
    }
}
