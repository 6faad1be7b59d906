package dev.cloudless.sync.core.protocol;

import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.index.SequencedRecord;
import java.util.List;
import java.util.Objects;

/**
 * Records of the sender's index. The first one after {@link Hello} is {@code full}: every record
 * the peer lacks (those above the peer's {@link Hello#knownSequence()} if its
 * {@link Hello#knownIndexId()} is the sender's current index id, else the whole index); later
 * ones carry changes as they happen. Split large sets with
 * {@link IndexBatcher}.
 *
 * <p>Body (type {@value Messages#TYPE_INDEX_UPDATE}), at most {@link Messages#MAX_INDEX_MESSAGE_BYTES}:
 * <pre>
 * +-------+-------+------------------------------------------------------------------+
 * | flags | count | count × ( sequence u64 | recordLen u32 | record (recordLen bytes) ) |
 * | u8    | u32   |                                                                    |
 * +-------+-------+------------------------------------------------------------------+
 * flags:  bit 0 = full; bit 1 = resend (answers an {@link IndexResend}); bits 2-7 reserved, must be 0
 * record: {@link FileRecord#encode()}, signature included
 * </pre>
 * Sequences are at least 1 and strictly increasing within a message.
 *
 * @param full whether this starts a full index transfer rather than an incremental change
 * @param resend whether this answers an {@link IndexResend}: the records from the requested
 *     sequence follow, whole
 * @param records the records with the sender's sequences, strictly increasing
 */
public record IndexUpdate(boolean full, boolean resend, List<SequencedRecord> records) implements Message {
    /** flags bit 0. */
    static final int FLAG_FULL = 1;
    /** flags bit 1. */
    static final int FLAG_RESEND = 1 << 1;
    /** Bytes before each record: sequence (8) + length (4). */
    static final int ENTRY_HEADER_BYTES = 12;
    /** Bytes of flags and count. */
    static final int FIXED_BYTES = 5;

    /**
     * Copies the list.
     *
     * @throws IllegalArgumentException if the sequences are not strictly increasing
     */
    public IndexUpdate {
        records = List.copyOf(Objects.requireNonNull(records, "IndexUpdate.records"));
        long previous = 0;
        for (SequencedRecord r : records) {
            if (r.sequence() <= previous) {
                throw new IllegalArgumentException("IndexUpdate sequences must increase strictly: " + r.sequence()
                        + " after " + previous);
            }
            previous = r.sequence();
        }
    }

    /** An update that does not answer a resend request. */
    public IndexUpdate(boolean full, List<SequencedRecord> records) {
        this(full, false, records);
    }

    @Override
    public String toString() {
        return "IndexUpdate[full=" + full + (resend ? ", resend" : "") + ", records=" + records.size()
                + (records.isEmpty() ? "" : ", sequences " + records.get(0).sequence() + ".."
                + records.get(records.size() - 1).sequence()) + "]";
    }
}
