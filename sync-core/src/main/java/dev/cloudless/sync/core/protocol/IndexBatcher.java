package dev.cloudless.sync.core.protocol;

import dev.cloudless.sync.core.index.SequencedRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Splits a run of index records into {@link IndexUpdate} messages of bounded size, so a large
 * index goes out as a sequence of messages the peer can apply one by one.
 *
 * <pre>{@code
 * for (IndexUpdate u : IndexBatcher.batches(folder.localSince(peerMaxSequence), true, IndexBatcher.DEFAULT_TARGET_BYTES)) {
 *     send(u);
 * }
 * }</pre>
 */
public final class IndexBatcher {
    /** A reasonable message size for index transfers, in bytes: 1 MiB, one frame. */
    public static final int DEFAULT_TARGET_BYTES = 1 << 20;

    private IndexBatcher() {}

    /**
     * Splits {@code records} (sequences strictly increasing) into IndexUpdate messages of at most
     * {@code targetBytes} encoded bytes, header included, in order; a record too large to fit
     * with any other gets a message of its own. The first message has {@code full = firstIsFull},
     * the rest {@code full = false}. With no records the result is one empty full message if
     * {@code firstIsFull} (it tells the peer the index holds nothing for it), else empty.
     *
     * @param targetBytes the wished message size; values above
     *     {@link Messages#MAX_INDEX_MESSAGE_BYTES} are treated as that limit
     * @throws IllegalArgumentException if the sequences are not strictly increasing or
     *     {@code targetBytes} is not positive
     * @throws dev.cloudless.sync.core.index.InconsistentRecordException for an inconsistent record
     */
    public static List<IndexUpdate> batches(List<SequencedRecord> records, boolean firstIsFull, int targetBytes) {
        Objects.requireNonNull(records, "records");
        if (targetBytes <= 0) {
            throw new IllegalArgumentException("targetBytes must be positive, was " + targetBytes);
        }
        long target = Math.min(targetBytes, (long) Messages.HEADER_BYTES + Messages.MAX_INDEX_MESSAGE_BYTES);
        long empty = Messages.HEADER_BYTES + IndexUpdate.FIXED_BYTES;
        List<IndexUpdate> out = new ArrayList<>();
        List<SequencedRecord> current = new ArrayList<>();
        long size = empty;
        for (SequencedRecord r : records) {
            long entry = IndexUpdate.ENTRY_HEADER_BYTES + r.record().encode().length;
            if (!current.isEmpty() && size + entry > target) {
                out.add(new IndexUpdate(firstIsFull && out.isEmpty(), current));
                current = new ArrayList<>();
                size = empty;
            }
            current.add(r);
            size += entry;
        }
        if (!current.isEmpty() || (firstIsFull && out.isEmpty())) {
            out.add(new IndexUpdate(firstIsFull && out.isEmpty(), current));
        }
        return List.copyOf(out);
    }
}
