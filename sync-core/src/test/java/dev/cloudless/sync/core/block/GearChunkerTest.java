package dev.cloudless.sync.core.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class GearChunkerTest {
    private static final ChunkerParams SMALL = new ChunkerParams(192, 256, 1024);

    static List<Integer> lengths(GearChunker chunker, byte[] data) {
        List<Integer> out = new ArrayList<>();
        int off = 0;
        while (off < data.length) {
            int n = chunker.findBoundary(data, off, data.length - off);
            if (n < 0) {
                out.add(chunker.pendingBytes());
                break;
            }
            out.add(n);
            off += n;
        }
        return out;
    }

    @Test
    void gearTableIsSplitMix64FromTheDocumentedSeed() throws Exception {
        // Pinned: the table is part of the wire format, and these are the values in docs/PROTOCOL.md.
        assertEquals(0xa6037da1e003a6e1L, GearChunker.gear(0));
        assertEquals(0x2013f78f6a8c2d47L, GearChunker.gear(1));
        assertEquals(0x6d91c06d6a0dbe4dL, GearChunker.gear(255));
        ByteBuffer table = ByteBuffer.allocate(256 * 8);
        for (int i = 0; i < 256; i++) {
            table.putLong(GearChunker.gear(i));
        }
        assertEquals("344777fc37d1a2ea1c24115848964ca069a2c68e85ae6f3f65675923017eec82",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(table.array())));
    }

    @Test
    void agreesWithTheLiteralDefinitionOnRandomData() {
        byte[] data = TestBytes.splitMix64(7, 300_000);
        List<Integer> expected = ReferenceChunker.blockLengths(data, SMALL);
        assertEquals(expected, lengths(new GearChunker(SMALL), data));
        // Small params cut often, so this covers hundreds of cuts, odd and even positions alike.
        assertEquals(true, expected.size() > 900, "cuts: " + expected.size());
    }

    @Test
    void agreesWithTheLiteralDefinitionWithDefaultParams() {
        byte[] data = TestBytes.splitMix64(8, 1_500_000);
        assertEquals(ReferenceChunker.blockLengths(data, ChunkerParams.DEFAULT),
                lengths(new GearChunker(ChunkerParams.DEFAULT), data));
    }

    @Test
    void agreesWithTheLiteralDefinitionWhenFedOneByteAtATime() {
        byte[] data = TestBytes.splitMix64(9, 40_000);
        GearChunker chunker = new GearChunker(SMALL);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < data.length; i++) {
            if (chunker.findBoundary(data, i, 1) == 1) {
                out.add(i + 1);
            }
        }
        List<Integer> ends = new ArrayList<>();
        int end = 0;
        for (int len : ReferenceChunker.blockLengths(data, SMALL)) {
            end += len;
            ends.add(end);
        }
        if (ends.get(ends.size() - 1) != out.get(out.size() - 1)) {
            ends.remove(ends.size() - 1);  // the trailing partial block has no cut
        }
        assertEquals(ends, out);
    }

    @Test
    void constantDataIsCutAtMax() {
        // W of 64 zero bytes is -G[0] = 0x59fc825e1ffc591f, far above the default threshold.
        byte[] zeros = new byte[1_000_000];
        List<Integer> lengths = lengths(new GearChunker(ChunkerParams.DEFAULT), zeros);
        int max = ChunkerParams.DEFAULT.max();
        assertEquals(1_000_000 / max + 1, lengths.size());
        lengths.subList(0, lengths.size() - 1).forEach(l -> assertEquals(max, l));
        assertEquals(1_000_000 % max, lengths.get(lengths.size() - 1));
        assertEquals(0x59fc825e1ffc591fL, ReferenceChunker.windowHash(zeros, 63));
    }

    @Test
    void cutAtMaxHappensEvenWhenTheBlockEndsExactlyAtThePieceEnd() {
        GearChunker chunker = new GearChunker(new ChunkerParams(64, 64 + 1024, 2000));
        byte[] zeros = new byte[2000];  // never a content-defined cut: see constantDataIsCutAtMax
        assertEquals(-1, chunker.findBoundary(zeros, 0, 1960));
        assertEquals(1960, chunker.pendingBytes());
        assertEquals(40, chunker.findBoundary(zeros, 1960, 40));
        assertEquals(0, chunker.pendingBytes());
    }

    @Test
    void bytesBeforeRollingCountsDownToTheWindowBeforeMin() {
        GearChunker chunker = new GearChunker(SMALL);
        assertEquals(128, chunker.bytesBeforeRolling());
        chunker.findBoundary(new byte[100], 0, 100);
        assertEquals(28, chunker.bytesBeforeRolling());
        chunker.findBoundary(new byte[50], 0, 50);
        assertEquals(0, chunker.bytesBeforeRolling());
        chunker.reset();
        assertEquals(128, chunker.bytesBeforeRolling());
    }

    @Test
    void skippedBytesDoNotInfluenceCuts() {
        // Everything before min - 64 may differ without moving the first cut.
        byte[] a = TestBytes.splitMix64(10, 5000);
        byte[] b = a.clone();
        Arrays.fill(b, 0, SMALL.min() - GearChunker.WINDOW, (byte) 0x55);
        assertEquals(lengths(new GearChunker(SMALL), a).get(0), lengths(new GearChunker(SMALL), b).get(0));
    }
}
