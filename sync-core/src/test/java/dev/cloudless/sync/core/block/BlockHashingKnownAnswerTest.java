package dev.cloudless.sync.core.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Known answers that pin the block format: gear table, cut rule, defaults and file hash. They
 * were computed by the independent Python reference implementation in docs/PROTOCOL.md
 * ("Blocks"), not by this code. If one of these fails, the wire format changed: peers running
 * the old code would stop sharing blocks with peers running the new.
 *
 * <p>Input: {@code TestBytes.splitMix64(seed, n)}, the little-endian bytes of successive
 * SplitMix64 outputs.
 */
class BlockHashingKnownAnswerTest {
    @Test
    void oneMebibyteWithDefaultParams() {
        byte[] data = TestBytes.splitMix64(0, 1 << 20);
        FileBlocks file = BlockHasherTest.hash(ChunkerParams.DEFAULT, data);
        assertEquals(List.of(60368, 61167, 60590, 69170, 69440, 70658, 61052, 60355, 70163, 64179, 59431,
                73526, 65231, 63818, 61178, 75665, 2585), file.blocks().stream().map(Block::length).toList());
        assertEquals("39ee8919857a466c2d513674cda922e584b92dcb382d316f817702e3bce15b2a",
                file.blocks().get(0).hash().toHex());
        assertEquals("77e32a6c25ddc8dc0b538a3f36d69fe7545ee4d2009f03d7f6f821e6f622fe9a", file.fileHash().toHex());
    }

    @Test
    void smallParamsWithAThresholdThatIsNotAPowerOfTwo() {
        byte[] data = TestBytes.splitMix64(1, 4096);
        FileBlocks file = BlockHasherTest.hash(new ChunkerParams(200, 300, 1000), data);
        assertEquals(List.of(279, 320, 266, 245, 281, 256, 217, 311, 236, 206, 247, 392, 265, 216, 359),
                file.blocks().stream().map(Block::length).toList());
        assertEquals("0bda4a077e572012ccb972a3d957713c1f8c305dfba5f6bcccc8902b6938d265", file.fileHash().toHex());
    }

    @Test
    void emptyFile() {
        // SHA-256("cloudless-sync v1 file hash"): the label alone, no block records.
        assertEquals("a7df0e28ae49d7c4df8bc5d981210c12c1a9237938e3becbb222cfe5a997666b",
                new BlockHasher().finish().fileHash().toHex());
    }
}
