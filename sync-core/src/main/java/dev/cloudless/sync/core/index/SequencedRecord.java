package dev.cloudless.sync.core.index;

import java.util.Objects;

/**
 * A record with the sequence number its device gave it: local records get the next local
 * sequence; remote ones keep the peer's, so the next index exchange asks "everything after N".
 *
 * @param sequence at least 1, unique per (folder, device)
 * @param record the record
 */
public record SequencedRecord(long sequence, FileRecord record) {
    public SequencedRecord {
        if (sequence < 1) {
            throw new IllegalArgumentException("SequencedRecord.sequence must be >= 1, was " + sequence);
        }
        Objects.requireNonNull(record, "SequencedRecord.record");
    }
}
