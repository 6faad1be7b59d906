package dev.cloudless.sync.core.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockHasherTest {
    private static final ChunkerParams SMALL = new ChunkerParams(192, 256, 1024);

    static FileBlocks hash(ChunkerParams params, byte[] data) {
        BlockHasher hasher = new BlockHasher(params);
        hasher.update(data);
        return hasher.finish();
    }

    static byte[] sha256(byte[] data, int off, int len) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(data, off, len);
        return md.digest();
    }

    /** Every structural promise of a FileBlocks, checked against the data it came from. */
    static void assertDescribes(FileBlocks file, byte[] data, ChunkerParams params) throws Exception {
        assertEquals(data.length, file.size());
        List<Block> blocks = file.blocks();
        long offset = 0;
        MessageDigest fileHash = MessageDigest.getInstance("SHA-256");
        fileHash.update("cloudless-sync v1 file hash".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            assertEquals(offset, b.offset(), "block " + i + " is not contiguous");
            assertTrue(b.length() <= params.max(), "block " + i + " longer than max: " + b.length());
            if (i < blocks.size() - 1) {
                assertTrue(b.length() >= params.min(), "block " + i + " shorter than min: " + b.length());
            }
            byte[] h = sha256(data, (int) b.offset(), b.length());
            assertArrayEquals(h, b.hash().toByteArray(), "hash of block " + i);
            fileHash.update(ByteBuffer.allocate(4).putInt(b.length()).array());
            fileHash.update(h);
            offset += b.length();
        }
        assertEquals(data.length, offset, "blocks do not cover the file");
        assertArrayEquals(fileHash.digest(), file.fileHash().toByteArray(), "file hash");
    }

    @Test
    void emptyInputHasNoBlocksAndTheLabelAsFileHash() throws Exception {
        FileBlocks empty = new BlockHasher().finish();
        assertEquals(0, empty.size());
        assertEquals(List.of(), empty.blocks());
        assertArrayEquals(sha256(FileBlocks.FILE_HASH_LABEL.getBytes(StandardCharsets.US_ASCII), 0, 27),
                empty.fileHash().toByteArray());
    }

    @Test
    void inputSmallerThanMinIsOneBlock() throws Exception {
        byte[] data = TestBytes.splitMix64(1, 1000);
        FileBlocks file = hash(ChunkerParams.DEFAULT, data);
        assertEquals(1, file.blocks().size());
        assertDescribes(file, data, ChunkerParams.DEFAULT);
    }

    @Test
    void blocksAreContiguousWithinBoundsAndHashTheirSlices() throws Exception {
        byte[] data = TestBytes.splitMix64(2, 3_000_000);
        FileBlocks file = hash(ChunkerParams.DEFAULT, data);
        assertDescribes(file, data, ChunkerParams.DEFAULT);
        assertEquals(ReferenceChunker.blockLengths(data, ChunkerParams.DEFAULT),
                file.blocks().stream().map(Block::length).toList());
        // About size / avg blocks: the mean length is avg on random data.
        double mean = (double) data.length / file.blocks().size();
        assertTrue(mean > 0.8 * ChunkerParams.DEFAULT.avg() && mean < 1.2 * ChunkerParams.DEFAULT.avg(), "mean " + mean);
    }

    @Test
    void allZerosGivesMaxSizedIdenticalBlocks() throws Exception {
        byte[] zeros = new byte[1_100_000];
        FileBlocks file = hash(ChunkerParams.DEFAULT, zeros);
        assertDescribes(file, zeros, ChunkerParams.DEFAULT);
        List<Block> full = file.blocks().subList(0, file.blocks().size() - 1);
        assertEquals(1_100_000 / ChunkerParams.DEFAULT.max(), full.size());
        full.forEach(b -> assertEquals(ChunkerParams.DEFAULT.max(), b.length()));
        assertEquals(1, full.stream().map(Block::hash).distinct().count());
    }

    @Test
    void heapDirectAndReadOnlyBuffersGiveTheSameBlocksAsArrays() throws Exception {
        byte[] data = TestBytes.splitMix64(3, 700_000);
        FileBlocks expected = hash(SMALL, data);
        for (ByteBuffer buf : List.of(
                ByteBuffer.wrap(data),
                ByteBuffer.allocateDirect(data.length).put(data).flip(),
                ByteBuffer.wrap(data).asReadOnlyBuffer(),
                ByteBuffer.wrap(new byte[data.length + 10], 5, data.length).slice().put(data).flip())) {
            BlockHasher hasher = new BlockHasher(SMALL);
            hasher.update(buf);
            assertEquals(0, buf.remaining());
            FileBlocks got = hasher.finish();
            assertEquals(expected.fileHash(), got.fileHash());
            assertDescribes(got, data, SMALL);
        }
    }

    @Test
    void hashingAFileEqualsHashingItsBytes(@TempDir Path dir) throws Exception {
        // Several I/O buffers long, and not a multiple of anything.
        byte[] data = TestBytes.splitMix64(4, 3 * BlockHasher.IO_BUFFER_SIZE + 12_345);
        Path file = Files.write(dir.resolve("data.bin"), data);
        FileBlocks fromFile = new BlockHasher().hash(file);
        FileBlocks fromMemory = hash(ChunkerParams.DEFAULT, data);
        assertEquals(fromMemory.blocks(), fromFile.blocks());
        assertEquals(fromMemory.fileHash(), fromFile.fileHash());
        assertDescribes(fromFile, data, ChunkerParams.DEFAULT);
        assertEquals(0, new BlockHasher().hash(Files.write(dir.resolve("empty"), new byte[0])).size());
    }

    @Test
    void hashingAStreamEqualsHashingItsBytes() throws Exception {
        byte[] data = TestBytes.splitMix64(5, 1_000_000);
        // A stream that returns short reads, as sockets and pipes do.
        InputStream trickle = new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 777));
            }
        };
        assertEquals(hash(ChunkerParams.DEFAULT, data).blocks(), new BlockHasher().hash(trickle).blocks());
    }

    @Test
    void aMissingFileFailsAndLeavesTheHasherUsable(@TempDir Path dir) {
        BlockHasher hasher = new BlockHasher(SMALL);
        hasher.update(new byte[500]);
        assertThrows(NoSuchFileException.class, () -> hasher.hash(dir.resolve("absent")));
        byte[] data = TestBytes.splitMix64(6, 5000);
        hasher.update(data);
        assertEquals(hash(SMALL, data).fileHash(), hasher.finish().fileHash());
    }

    @Test
    void aFailingStreamLeavesTheHasherUsable() {
        BlockHasher hasher = new BlockHasher(SMALL);
        InputStream failing = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ > 3000) {
                    throw new IOException("disk on fire");
                }
                return 1;
            }
        };
        assertThrows(IOException.class, () -> hasher.hash(failing));
        assertEquals(0, hasher.bytesHashed());
        assertEquals(0, hasher.finish().size());
    }

    @Test
    void finishResetsForTheNextFile() {
        byte[] a = TestBytes.splitMix64(11, 100_000);
        byte[] b = TestBytes.splitMix64(12, 50_000);
        BlockHasher hasher = new BlockHasher(SMALL);
        hasher.update(a);
        assertEquals(a.length, hasher.bytesHashed());
        FileBlocks first = hasher.finish();
        hasher.update(b);
        FileBlocks second = hasher.finish();
        assertEquals(hash(SMALL, a), first);
        assertEquals(hash(SMALL, b), second);
        assertNotEquals(first, second);
        assertEquals(0, hasher.bytesHashed());
    }

    @Test
    void outOfRangeSlicesAreRejectedBeforeAnythingIsHashed() {
        BlockHasher hasher = new BlockHasher(SMALL);
        assertThrows(IndexOutOfBoundsException.class, () -> hasher.update(new byte[10], 5, 6));
        assertThrows(IndexOutOfBoundsException.class, () -> hasher.update(new byte[10], -1, 2));
        assertEquals(0, hasher.bytesHashed());
    }

    /**
     * The point of content-defined chunking: an edit near the start of a large file changes one
     * block, not every block after it. A changed block is sent whole, so "cost" is the bytes of the
     * edited file's blocks whose hashes the old file does not have.
     */
    @Test
    void oneByteInsertedOrChangedIn64MiBChangesAlmostNoBlocks() throws Exception {
        byte[] data = TestBytes.splitMix64(2024, 64 << 20);
        BlockHasher hasher = new BlockHasher();
        hasher.update(data);
        FileBlocks original = hasher.finish();
        Set<Sha256> known = new HashSet<>();
        original.blocks().forEach(b -> known.add(b.hash()));

        int at = 1000;  // insert one byte near the start, fed as three pieces: nothing is copied
        hasher.update(data, 0, at);
        hasher.update(new byte[] {42});
        hasher.update(data, at, data.length - at);
        FileBlocks inserted = hasher.finish();
        assertEquals(data.length + 1L, inserted.size());
        assertResilient(known, inserted, "insert at " + at);

        int mid = data.length / 2;  // change one byte in the middle
        hasher.update(data, 0, mid);
        hasher.update(new byte[] {(byte) (data[mid] ^ 1)});
        hasher.update(data, mid + 1, data.length - mid - 1);
        FileBlocks changed = hasher.finish();
        assertEquals(data.length, changed.size());
        assertResilient(known, changed, "change at " + mid);
        assertNotEquals(original.fileHash(), changed.fileHash());
    }

    private static void assertResilient(Set<Sha256> known, FileBlocks edited, String what) {
        List<Block> fresh = edited.blocks().stream().filter(b -> !known.contains(b.hash())).toList();
        double unchanged = 1 - (double) fresh.size() / edited.blocks().size();
        long freshBytes = fresh.stream().mapToLong(Block::length).sum();
        assertTrue(unchanged >= 0.95, what + ": only " + unchanged + " of block hashes unchanged");
        assertTrue(freshBytes > 0 && freshBytes < 150 << 10, what + ": " + freshBytes + " bytes of new blocks");
    }

    @Test
    void fileBlocksRejectsGapsAndOverlaps() {
        Sha256 h = Sha256.of(new byte[32]);
        assertEquals("FileBlocks: block 1 starts at 11, expected 10",
                assertThrows(IllegalArgumentException.class,
                        () -> FileBlocks.of(List.of(new Block(0, 10, h), new Block(11, 5, h)))).getMessage());
        assertEquals("FileBlocks: block 0 starts at 3, expected 0",
                assertThrows(IllegalArgumentException.class, () -> FileBlocks.of(List.of(new Block(3, 10, h))))
                        .getMessage());
        assertEquals(15, FileBlocks.of(List.of(new Block(0, 10, h), new Block(10, 5, h))).size());
    }

    @Test
    void blockAndSha256RejectNonsense() {
        Sha256 h = Sha256.of(new byte[32]);
        assertEquals("Block.length must be >= 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> new Block(0, 0, h)).getMessage());
        assertEquals("Block.offset must be >= 0, was -1",
                assertThrows(IllegalArgumentException.class, () -> new Block(-1, 1, h)).getMessage());
        assertEquals("SHA-256 value must be 32 bytes, was 31",
                assertThrows(IllegalArgumentException.class, () -> Sha256.of(new byte[31])).getMessage());
        byte[] raw = new byte[32];
        Sha256 copy = Sha256.of(raw);
        raw[0] = 1;
        assertEquals(h, copy);  // defensive copy
        assertEquals(h, Sha256.ofHex(h.toHex()));
        assertTrue(Arrays.equals(new byte[32], copy.toByteArray()));
    }
}
