package dev.cloudless.sync.core.protocol;

import java.util.List;
import java.util.Objects;

/**
 * Index records sent as {@linkplain RecordDelta deltas} from records the receiver holds. It
 * continues the sender's run of {@link IndexUpdate}s: sequences increase across both message
 * types, and the receiver applies them in arrival order. A receiver that cannot find a delta's
 * base applies the entries before it, ignores the rest and asks with {@link IndexResend}.
 *
 * @param entries the deltas, sequences strictly increasing
 */
public record IndexDelta(List<RecordDelta> entries) implements Message {
    /** Bytes of the entry count. */
    static final int FIXED_BYTES = 4;

    /**
     * Copies the list.
     *
     * @throws IllegalArgumentException if the sequences are not strictly increasing
     */
    public IndexDelta {
        entries = List.copyOf(Objects.requireNonNull(entries, "IndexDelta.entries"));
        long previous = 0;
        for (RecordDelta d : entries) {
            if (d.sequence() <= previous) {
                throw new IllegalArgumentException("IndexDelta sequences must increase strictly: " + d.sequence()
                        + " after " + previous);
            }
            previous = d.sequence();
        }
    }

    /** The encoded body length. */
    long bodyLength() {
        long n = FIXED_BYTES;
        for (RecordDelta d : entries) {
            n += d.encodedLength();
        }
        return n;
    }
}
