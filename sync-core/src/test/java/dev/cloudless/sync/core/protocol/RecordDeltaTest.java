package dev.cloudless.sync.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.block.BlockHasher;
import dev.cloudless.sync.core.block.FileBlocks;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.version.VersionVector;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordDeltaTest {
    static final FolderPath PATH = FolderPath.parse("video.bin");

    private static FileRecord recordOf(byte[] content, VersionVector v) throws Exception {
        FileBlocks blocks = new BlockHasher().hash(new ByteArrayInputStream(content));
        return FileRecord.file(PATH, content.length, Instant.ofEpochSecond(1_700_000_000L, 5), 0644, v, blocks.blocks(), 1)
                .withSignature(new byte[64]);
    }

    private static byte[] content() {
        byte[] c = new byte[32 << 20]; // about 512 blocks
        new Random(11).nextBytes(c);
        return c;
    }

    @Test
    void aOneByteEditInTheMiddleSendsOneOrTwoBlockEntries() throws Exception {
        byte[] c = content();
        FileRecord before = recordOf(c, VersionVector.empty().increment(1));
        c[c.length / 2] ^= 1;
        FileRecord after = recordOf(c, before.version().increment(1));
        RecordDelta d = RecordDelta.diff(9, before, after).orElseThrow();
        assertEquals(after, d.apply(before));
        int fresh = d.ops().stream().filter(o -> o instanceof RecordDelta.Fresh).mapToInt(RecordDelta.Op::count).sum();
        assertTrue(fresh >= 1 && fresh <= 2, "fresh blocks: " + fresh);
        assertTrue(d.encodedLength() < 400, "delta of " + d.encodedLength() + " bytes for a "
                + after.encode().length + "-byte record");
    }

    @Test
    void aOneByteInsertAtTheStartSendsOneBlockEntry() throws Exception {
        byte[] c = content();
        FileRecord before = recordOf(c, VersionVector.empty().increment(1));
        byte[] inserted = new byte[c.length + 1];
        System.arraycopy(c, 0, inserted, 1, c.length);
        FileRecord after = recordOf(inserted, before.version().increment(1));
        RecordDelta d = RecordDelta.diff(9, before, after).orElseThrow();
        assertEquals(after, d.apply(before));
        assertEquals(List.of(1), d.ops().stream().filter(o -> o instanceof RecordDelta.Fresh).map(RecordDelta.Op::count).toList());
    }

    @Test
    void theSameRecordIsAnEmptyScript() throws Exception {
        FileRecord r = recordOf(content(), VersionVector.empty().increment(1));
        RecordDelta d = RecordDelta.diff(3, r, r).orElseThrow();
        assertEquals(List.of(new RecordDelta.Copy(0, r.blocks().size())), d.ops());
        assertEquals(r, d.apply(r));
    }

    @Test
    void unrelatedContentIsSentWhole() throws Exception {
        FileRecord a = recordOf(content(), VersionVector.empty().increment(1));
        byte[] other = new byte[32 << 20];
        new Random(12).nextBytes(other);
        assertTrue(RecordDelta.diff(3, a, recordOf(other, a.version().increment(1))).isEmpty());
        assertTrue(RecordDelta.diff(3, a, a.tombstone(a.version().increment(1), Instant.now(), 1)).isEmpty());
    }

    @Test
    void aCopyPastTheBaseIsAProtocolError() throws Exception {
        FileRecord r = recordOf(content(), VersionVector.empty().increment(1));
        RecordDelta d = RecordDelta.diff(3, r, r).orElseThrow();
        FileRecord shorter = recordOf(new byte[1000], VersionVector.empty().increment(1));
        ProtocolException e = assertThrows(ProtocolException.class, () -> d.apply(shorter));
        assertTrue(e.getMessage().contains("copies blocks"), e.getMessage());
    }
}
