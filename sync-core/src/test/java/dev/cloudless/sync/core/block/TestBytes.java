package dev.cloudless.sync.core.block;

/**
 * Deterministic pseudo-random test content: the little-endian bytes of successive SplitMix64
 * outputs from {@code seed} (the generator docs/PROTOCOL.md uses for the block-hashing KAT).
 */
final class TestBytes {
    private TestBytes() {}

    static byte[] splitMix64(long seed, int length) {
        byte[] out = new byte[length];
        long state = seed;
        for (int i = 0; i < length; i += 8) {
            state += 0x9e3779b97f4a7c15L;
            long v = GearChunker.splitMix64Finalize(state);
            for (int j = 0; j < 8 && i + j < length; j++) {
                out[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return out;
    }
}
