package dev.cloudless.sync.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.index.SequencedRecord;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class IndexBatcherProperties {
    @Provide
    Arbitrary<List<SequencedRecord>> records() {
        return Gen.sequencedRecords(20);
    }

    @Property(tries = 100)
    void batchesPreserveOrderRespectSizesAndConcatenateToTheInput(@ForAll("records") List<SequencedRecord> records,
                                                                  @ForAll boolean firstIsFull,
                                                                  @ForAll @IntRange(min = 1, max = 3000) int target) {
        List<IndexUpdate> out = IndexBatcher.batches(records, firstIsFull, target);
        List<SequencedRecord> concatenated = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            IndexUpdate u = out.get(i);
            assertEquals(firstIsFull && i == 0, u.full());
            assertTrue(!u.records().isEmpty() || (records.isEmpty() && firstIsFull), "no empty batches");
            int size = MessageEncoder.encodedLength(u);
            assertTrue(size <= target || u.records().size() <= 1, size + " bytes for " + u.records().size() + " records");
            if (i + 1 < out.size()) {
                // greedy: the next batch's first record would not have fitted
                List<SequencedRecord> more = new ArrayList<>(u.records());
                more.add(out.get(i + 1).records().get(0));
                assertTrue(MessageEncoder.encodedLength(new IndexUpdate(u.full(), more)) > target);
            }
            concatenated.addAll(u.records());
        }
        assertEquals(records, concatenated);
        assertEquals(records.isEmpty() && !firstIsFull, out.isEmpty());
    }
}
