package dev.cloudless.sync.core.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ChunkerParamsTest {
    private static String rejection(int min, int avg, int max) {
        return assertThrows(IllegalArgumentException.class, () -> new ChunkerParams(min, avg, max)).getMessage();
    }

    @Test
    void defaultIsPinnedBecauseItIsPartOfTheWireFormat() {
        assertEquals(new ChunkerParams(60 << 10, 64 << 10, 256 << 10), ChunkerParams.DEFAULT);
        assertEquals(12, ChunkerParams.DEFAULT.maskBits());
        assertEquals(0xfff0_0000_0000_0000L, ChunkerParams.DEFAULT.mask());
    }

    @Test
    void maskIsTheTopLog2OfAvgMinusMinBits() {
        ChunkerParams p = new ChunkerParams(192, 256, 1024);
        assertEquals(6, p.maskBits());
        assertEquals(0xfc00_0000_0000_0000L, p.mask());
        assertEquals(1, new ChunkerParams(64, 66, 67).maskBits());
    }

    @Test
    void minShorterThanTheGearWindowIsRejected() {
        assertEquals("ChunkerParams.min must be at least 64 (the gear window), was 63", rejection(63, 127, 1000));
    }

    @Test
    void avgNotAboveMinIsRejected() {
        assertEquals("ChunkerParams.avg must be greater than min (4096), was 4096", rejection(4096, 4096, 8192));
    }

    @Test
    void avgMinusMinThatIsNotAPowerOfTwoIsRejected() {
        assertEquals("ChunkerParams.avg - min must be a power of two, at least 2, was 5000 - 4096 = 904",
                rejection(4096, 5000, 8192));
        assertEquals("ChunkerParams.avg - min must be a power of two, at least 2, was 4097 - 4096 = 1",
                rejection(4096, 4097, 8192));
    }

    @Test
    void maxNotAboveAvgIsRejected() {
        assertEquals("ChunkerParams.max must be greater than avg (8192), was 8192", rejection(4096, 8192, 8192));
    }

    @Test
    void maxAbove16MiBIsRejected() {
        assertEquals("ChunkerParams.max must be at most 16777216 (16 MiB), was 16777217",
                rejection(4096, 8192, (16 << 20) + 1));
        assertEquals(16 << 20, new ChunkerParams(4096, 8192, 16 << 20).max());
    }
}
