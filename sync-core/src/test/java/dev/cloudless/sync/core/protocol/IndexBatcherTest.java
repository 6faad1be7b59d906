package dev.cloudless.sync.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.block.Block;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.index.SequencedRecord;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.version.VersionVector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IndexBatcherTest {
    private static SequencedRecord seq(long s, int blocks) {
        List<Block> list = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            list.add(new Block(i * 10L, 10, Samples.hash0to31()));
        }
        FileRecord r = FileRecord.file(FolderPath.parse("f" + s), blocks * 10L, Instant.EPOCH, 0644,
                VersionVector.of(Map.of(1L, s)), list, 1);
        return new SequencedRecord(s, r);
    }

    @Test
    void emptyInput() {
        assertEquals(List.of(new IndexUpdate(true, List.of())), IndexBatcher.batches(List.of(), true, 1000));
        assertEquals(List.of(), IndexBatcher.batches(List.of(), false, 1000));
    }

    @Test
    void exactFitAndOneByteLess() {
        List<SequencedRecord> records = List.of(seq(1, 2), seq(2, 2), seq(3, 2));
        int all = MessageEncoder.encodedLength(new IndexUpdate(true, records));
        assertEquals(1, IndexBatcher.batches(records, true, all).size());
        List<IndexUpdate> split = IndexBatcher.batches(records, true, all - 1);
        assertEquals(2, split.size());
        assertEquals(records.subList(0, 2), split.get(0).records());
        assertTrue(split.get(0).full());
        assertFalse(split.get(1).full());
    }

    @Test
    void aRecordLargerThanTheTargetTravelsAlone() {
        List<SequencedRecord> records = List.of(seq(1, 1), seq(2, 100), seq(3, 1));
        List<IndexUpdate> out = IndexBatcher.batches(records, false, 200);
        assertEquals(3, out.size());
        assertEquals(List.of(records.get(1)), out.get(1).records());
        assertTrue(MessageEncoder.encodedLength(out.get(1)) > 200);
        out.forEach(u -> assertFalse(u.full()));
    }

    @Test
    void refusesBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> IndexBatcher.batches(List.of(), true, 0));
        assertThrows(IllegalArgumentException.class, () -> IndexBatcher.batches(List.of(seq(2, 1), seq(1, 1)), true, 1 << 20));
    }
}
