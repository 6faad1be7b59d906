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
        assertEquals(new ChunkerParams(58 << 10, 64 << 10, 256 << 10), ChunkerParams.DEFAULT);
        assertEquals(0x000a_aaaa_aaaa_aaaaL, ChunkerParams.DEFAULT.threshold());  // 2^64 / 6144
        assertEquals(1L << 52, new ChunkerParams(60 << 10, 64 << 10, 256 << 10).threshold());  // 2^64 / 2^12
    }

    @Test
    void thresholdIsTwoToThe64DividedByAvgMinusMin() {
        assertEquals(Long.MIN_VALUE, new ChunkerParams(64, 66, 67).threshold());  // 2^63, unsigned
        assertEquals(0x0aaa_aaaa_aaaa_aaaaL, new ChunkerParams(100, 124, 200).threshold());  // 2^64 / 24
        assertEquals(Long.divideUnsigned(-1L, 100), new ChunkerParams(200, 300, 1000).threshold());
    }

    @Test
    void minShorterThanTheGearWindowIsRejected() {
        assertEquals("ChunkerParams.min must be at least 64 (the gear window), was 63", rejection(63, 127, 1000));
    }

    @Test
    void avgLessThanTwoAboveMinIsRejected() {
        assertEquals("ChunkerParams.avg must be at least min + 2 (4098), was 4097", rejection(4096, 4097, 8192));
        assertEquals("ChunkerParams.avg must be at least min + 2 (4098), was 100", rejection(4096, 100, 8192));
        assertEquals("ChunkerParams.avg must be at least min + 2 (2147483649), was 2147483647",
                rejection(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE));
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
