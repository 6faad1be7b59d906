package dev.cloudless.sync.core.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class BlockHasherProperties {
    private static final ChunkerParams SMALL = new ChunkerParams(192, 256, 1024);

    enum Feed { ARRAY_SLICES, HEAP_BUFFERS, DIRECT_BUFFERS }

    /** Hashes data cut into pieces of the given sizes (cycled), through the chosen input type. */
    static FileBlocks hashInPieces(ChunkerParams params, byte[] data, List<Integer> pieceSizes, Feed feed) {
        BlockHasher hasher = new BlockHasher(params);
        int off = 0;
        for (int i = 0; off < data.length; i++) {
            int n = pieceSizes.isEmpty() ? data.length : Math.min(data.length - off, pieceSizes.get(i % pieceSizes.size()));
            switch (feed) {
                case ARRAY_SLICES -> hasher.update(data, off, n);
                case HEAP_BUFFERS -> hasher.update(ByteBuffer.wrap(data, off, n));
                case DIRECT_BUFFERS -> hasher.update(ByteBuffer.allocateDirect(n).put(data, off, n).flip());
            }
            off += n;
        }
        return hasher.finish();
    }

    @Property(tries = 100)
    void anySplitGivesTheSameBlocks(@ForAll long seed, @ForAll @IntRange(max = 120_000) int size,
                                    @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 3000) Integer> pieces,
                                    @ForAll Feed feed) throws Exception {
        byte[] data = TestBytes.splitMix64(seed, size);
        FileBlocks whole = BlockHasherTest.hash(SMALL, data);
        FileBlocks split = hashInPieces(SMALL, data, pieces, feed);
        assertEquals(whole.blocks(), split.blocks());
        assertEquals(whole.fileHash(), split.fileHash());
        BlockHasherTest.assertDescribes(split, data, SMALL);
        assertEquals(ReferenceChunker.blockLengths(data, SMALL), split.blocks().stream().map(Block::length).toList());
    }

    @Property(tries = 25)
    void anySplitGivesTheSameBlocksWithDefaultParams(
            @ForAll long seed, @ForAll @IntRange(max = 700_000) int size,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 1, max = 100_000) Integer> pieces) throws Exception {
        byte[] data = TestBytes.splitMix64(seed, size);
        FileBlocks split = hashInPieces(ChunkerParams.DEFAULT, data, pieces, Feed.ARRAY_SLICES);
        assertEquals(BlockHasherTest.hash(ChunkerParams.DEFAULT, data), split);
        BlockHasherTest.assertDescribes(split, data, ChunkerParams.DEFAULT);
    }

    @Property(tries = 100)
    void lowEntropyDataStillRespectsTheBounds(@ForAll @IntRange(max = 20_000) int size,
                                              @ForAll @IntRange(min = 1, max = 300) int period,
                                              @ForAll byte fill) throws Exception {
        // Periodic content: the rolling hash cycles, so cuts come at max or at a fixed phase.
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i % period == 0 ? fill : i % period);
        }
        FileBlocks file = hashInPieces(SMALL, data, List.of(333), Feed.ARRAY_SLICES);
        BlockHasherTest.assertDescribes(file, data, SMALL);
        assertEquals(ReferenceChunker.blockLengths(data, SMALL), file.blocks().stream().map(Block::length).toList());
    }
}
