package dev.cloudless.sync.core.version;

import static dev.cloudless.sync.core.version.VersionVector.Ordering.CONCURRENT;
import static dev.cloudless.sync.core.version.VersionVector.Ordering.EQUAL;
import static dev.cloudless.sync.core.version.VersionVector.Ordering.GREATER;
import static dev.cloudless.sync.core.version.VersionVector.Ordering.LESSER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.version.MalformedVersionVectorException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VersionVectorTest {
    private static final long A = 0x0AL;
    private static final long B = 0xFF00000000000000L; // negative as a long, largest unsigned

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("[\\s|]", ""));
    }

    private static VersionVector v(long... deviceCounterPairs) {
        Map<Long, Long> m = new HashMap<>();
        for (int i = 0; i < deviceCounterPairs.length; i += 2) {
            m.put(deviceCounterPairs[i], deviceCounterPairs[i + 1]);
        }
        return VersionVector.of(m);
    }

    @Test
    void encodesTheDocumentedExampleExactly() {
        VersionVector v = v(B, 300, A, 1);
        byte[] expected = hex("02 | 00 00 00 00 00 00 00 0a 01 | ff 00 00 00 00 00 00 00 ac 02");
        assertArrayEquals(expected, v.encode());
        assertEquals(expected.length, v.encodedLength());
        assertEquals(v, VersionVector.decode(expected));
        assertEquals("{000000000000000a=1, ff00000000000000=300}", v.toString());
        assertEquals(List.of(A, B), List.copyOf(v.toMap().keySet()));
    }

    @Test
    void emptyVectorIsOneZeroByte() {
        assertArrayEquals(new byte[] {0}, VersionVector.empty().encode());
        assertSame(VersionVector.empty(), VersionVector.decode(new byte[] {0}));
        assertEquals("{}", VersionVector.empty().toString());
        assertTrue(VersionVector.empty().isEmpty());
    }

    @Test
    void largestCounterTakesNineBytes() {
        VersionVector v = v(A, Long.MAX_VALUE);
        byte[] bytes = v.encode();
        assertEquals(1 + 8 + 9, bytes.length);
        assertEquals(v, VersionVector.decode(bytes));
        assertThrows(ArithmeticException.class, () -> v.increment(A));
    }

    @Test
    void encodesBigEndianWhateverTheBufferOrder() {
        ByteBuffer out = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        v(A, 1).encodeTo(out);
        assertArrayEquals(hex("01 000000000000000a 01"), java.util.Arrays.copyOf(out.array(), out.position()));
        out.flip();
        assertEquals(v(A, 1), VersionVector.decode(out));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "'', TRUNCATED",
        "01, TRUNCATED",
        "01 000000000000000a, TRUNCATED",
        "02 000000000000000a 01 000000000000000b, TRUNCATED",
        "01 000000000000000a 81, TRUNCATED",
        "8108, TOO_MANY_ENTRIES", // 1025
        "ffffffffffffffff7f, TOO_MANY_ENTRIES",
        "7f 000000000000000a 01, TRUNCATED", // claims 127 entries in 10 bytes: refused before allocating
        "8000, BAD_VARINT",
        "01 000000000000000a 8100, BAD_VARINT",
        "01 000000000000000a ffffffffffffffffff01, BAD_VARINT",
        "01 000000000000000a 00, ZERO_COUNTER",
        "02 000000000000000b 01 000000000000000a 01, UNSORTED",
        "02 000000000000000a 01 000000000000000a 02, UNSORTED",
        "02 ff00000000000000 01 000000000000000a 01, UNSORTED", // unsigned order: ff.. is the largest
        "01 000000000000000a 01 00, TRAILING_BYTES",
        "00 00, TRAILING_BYTES"})
    void rejectsMalformedBytesWithTheRightReason(String hexBytes, Reason reason) {
        byte[] bytes = hex(hexBytes);
        MalformedVersionVectorException e = assertThrows(MalformedVersionVectorException.class,
                () -> VersionVector.decode(bytes));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.offset() >= 0 && e.offset() <= bytes.length, e.getMessage());
    }

    @Test
    void acceptsTheBoundaryOfMaxEntries() {
        Map<Long, Long> m = new HashMap<>();
        for (long d = 1; d <= VersionVector.MAX_ENTRIES; d++) {
            m.put(d, 1L);
        }
        VersionVector full = VersionVector.of(m);
        assertEquals(full, VersionVector.decode(full.encode()));
        assertThrows(IllegalStateException.class, () -> full.increment(0));
        assertEquals(2, full.increment(1).counter(1));
        m.put(0L, 1L);
        assertThrows(IllegalArgumentException.class, () -> VersionVector.of(m));
        assertThrows(IllegalStateException.class, () -> full.merge(v(0, 1)));
    }

    @Test
    void decodeFromABufferStopsAtTheVectorsEndAndLeavesTheRest() {
        byte[] vector = v(A, 5).encode();
        ByteBuffer in = ByteBuffer.allocate(vector.length + 3).put(vector).put(new byte[] {7, 8, 9}).flip();
        assertEquals(v(A, 5), VersionVector.decode(in));
        assertEquals(vector.length, in.position());
        assertEquals(7, in.get());
    }

    @Test
    void aFailedDecodeLeavesTheBufferPositionAlone() {
        ByteBuffer in = ByteBuffer.wrap(hex("02 000000000000000b 01 000000000000000a 01"));
        assertThrows(MalformedVersionVectorException.class, () -> VersionVector.decode(in));
        assertEquals(0, in.position());
    }

    @Test
    void ofRejectsNonPositiveCounters() {
        assertThrows(IllegalArgumentException.class, () -> v(A, 0));
        assertThrows(IllegalArgumentException.class, () -> v(A, -1));
    }

    @Test
    void compareCoversAllFourOrderings() {
        assertEquals(EQUAL, v(A, 1, B, 2).compare(v(B, 2, A, 1)));
        assertEquals(GREATER, v(A, 2).compare(v(A, 1)));
        assertEquals(GREATER, v(A, 1, B, 1).compare(v(A, 1)));
        assertEquals(LESSER, VersionVector.empty().compare(v(B, 1)));
        assertEquals(CONCURRENT, v(A, 2).compare(v(B, 1)));
        assertEquals(CONCURRENT, v(A, 2, B, 1).compare(v(A, 1, B, 2)));
        assertTrue(v(A, 2).dominates(v(A, 2)));
        assertTrue(v(A, 2).dominates(v(A, 1)));
        assertFalse(v(A, 2).dominates(v(B, 1)));
        assertFalse(v(A, 1).dominates(v(A, 2)));
    }

    @Test
    void incrementAndMerge() {
        VersionVector x = VersionVector.empty().increment(B).increment(A).increment(B);
        assertEquals(v(A, 1, B, 2), x);
        assertEquals(0, x.counter(0x0BL));
        assertEquals(v(A, 3, B, 2), x.merge(v(A, 3, B, 1)));
        assertEquals(2, x.size());
    }
}
