package dev.cloudless.sync.core.version;

import static dev.cloudless.sync.core.version.VersionVector.Ordering.CONCURRENT;
import static dev.cloudless.sync.core.version.VersionVector.Ordering.EQUAL;
import static dev.cloudless.sync.core.version.VersionVector.Ordering.GREATER;
import static dev.cloudless.sync.core.version.VersionVector.Ordering.LESSER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class VersionVectorProperties {
    /** Few devices (so vectors share some), one of them negative as a long; counters small and huge. */
    @Provide
    Arbitrary<VersionVector> vectors() {
        Arbitrary<Long> counters = Arbitraries.oneOf(Arbitraries.longs().between(1, 4),
                Arbitraries.longs().between(1, Long.MAX_VALUE));
        // A subset of devices, then one counter each: cheaper than a map with unique random keys.
        return Arbitraries.subsetOf(1L, 2L, 3L, 0x7FFFFFFFFFFFFFFFL, 0x8000000000000000L, -1L)
                .flatMap(devices -> counters.list().ofSize(devices.size()).map(list -> {
                    Map<Long, Long> m = new HashMap<>();
                    Iterator<Long> c = list.iterator();
                    devices.forEach(d -> m.put(d, c.next()));
                    return VersionVector.of(m);
                }));
    }

    @Provide
    Arbitrary<Long> devices() {
        return Arbitraries.of(1L, 2L, 3L, 0x8000000000000000L, -1L, 42L);
    }

    @Property
    void compareIsAntisymmetric(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
        VersionVector.Ordering ab = a.compare(b);
        VersionVector.Ordering ba = b.compare(a);
        switch (ab) {
            case EQUAL -> assertEquals(EQUAL, ba);
            case GREATER -> assertEquals(LESSER, ba);
            case LESSER -> assertEquals(GREATER, ba);
            case CONCURRENT -> assertEquals(CONCURRENT, ba);
        }
        assertEquals(ab == EQUAL, a.equals(b));
        assertEquals(ab == GREATER || ab == EQUAL, a.dominates(b));
    }

    /** compare agrees with the pointwise definition over every device either vector knows. */
    @Property
    void compareIsPointwise(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
        Set<Long> all = new HashSet<>(a.toMap().keySet());
        all.addAll(b.toMap().keySet());
        boolean ge = all.stream().allMatch(d -> a.counter(d) >= b.counter(d));
        boolean le = all.stream().allMatch(d -> a.counter(d) <= b.counter(d));
        VersionVector.Ordering expected = ge && le ? EQUAL : ge ? GREATER : le ? LESSER : CONCURRENT;
        assertEquals(expected, a.compare(b));
    }

    @Property
    void mergeIsCommutativeAssociativeIdempotentAndDominatesBoth(
            @ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b, @ForAll("vectors") VersionVector c) {
        VersionVector ab = a.merge(b);
        assertEquals(ab, b.merge(a));
        assertEquals(a.merge(b).merge(c), a.merge(b.merge(c)));
        assertEquals(a, a.merge(a));
        assertTrue(ab.dominates(a) && ab.dominates(b));
        // And it is the least such vector: every counter comes from one of the inputs.
        ab.toMap().forEach((d, n) -> assertEquals((long) n, Math.max(a.counter(d), b.counter(d))));
    }

    @Property
    void incrementMakesGreater(@ForAll("vectors") VersionVector v, @ForAll("devices") long device) {
        if (v.counter(device) == Long.MAX_VALUE) {
            assertThrows(ArithmeticException.class, () -> v.increment(device));
            return;
        }
        VersionVector next = v.increment(device);
        assertEquals(GREATER, next.compare(v));
        assertEquals(v.counter(device) + 1, next.counter(device));
        assertEquals(v.merge(next), next);
    }

    @Property
    void decodeInvertsEncode(@ForAll("vectors") VersionVector v) {
        byte[] bytes = v.encode();
        assertEquals(bytes.length, v.encodedLength());
        assertEquals(v, VersionVector.decode(bytes));
        assertEquals(v.hashCode(), VersionVector.decode(bytes).hashCode());
    }

    @Property
    void trailingGarbageIsRejectedAndNeverRead(@ForAll("vectors") VersionVector v, @ForAll @Size(min = 1, max = 8) byte[] garbage) {
        byte[] bytes = v.encode();
        byte[] withGarbage = Arrays.copyOf(bytes, bytes.length + garbage.length);
        System.arraycopy(garbage, 0, withGarbage, bytes.length, garbage.length);
        MalformedVersionVectorException e = assertThrows(MalformedVersionVectorException.class,
                () -> VersionVector.decode(withGarbage));
        assertEquals(MalformedVersionVectorException.Reason.TRAILING_BYTES, e.reason());
        assertEquals(bytes.length, e.offset());
        ByteBuffer in = ByteBuffer.wrap(withGarbage);
        assertEquals(v, VersionVector.decode(in));
        assertEquals(bytes.length, in.position());
    }

    @Property
    void randomBytesOnlyEverGiveTheTypedException(@ForAll @Size(max = 40) byte[] bytes) {
        decodeCanonicallyOrFailTyped(bytes);
    }

    @Property
    void mutatedEncodingsOnlyEverGiveTheTypedException(@ForAll("mutations") byte[] bytes) {
        decodeCanonicallyOrFailTyped(bytes);
    }

    /** Valid encodings with one byte changed, inserted or removed, or cut short. */
    @Provide
    Arbitrary<byte[]> mutations() {
        return Combinators.combine(vectors(), Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 1000),
                Arbitraries.bytes()).as((v, kind, where, value) -> {
                    byte[] b = v.encode();
                    int at = where % b.length;
                    return switch (kind) {
                        case 0 -> {
                            byte[] c = b.clone();
                            c[at] = value;
                            yield c;
                        }
                        case 1 -> {
                            byte[] c = new byte[b.length + 1];
                            System.arraycopy(b, 0, c, 0, at);
                            c[at] = value;
                            System.arraycopy(b, at, c, at + 1, b.length - at);
                            yield c;
                        }
                        case 2 -> {
                            byte[] c = new byte[b.length - 1];
                            System.arraycopy(b, 0, c, 0, at);
                            System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                            yield c;
                        }
                        default -> Arrays.copyOf(b, at);
                    };
                });
    }

    // Either a typed failure or a vector whose encoding is exactly the input: the form is canonical.
    private static void decodeCanonicallyOrFailTyped(byte[] bytes) {
        VersionVector v;
        try {
            v = VersionVector.decode(bytes);
        } catch (MalformedVersionVectorException e) {
            assertTrue(e.offset() >= 0 && e.offset() <= bytes.length, e.getMessage());
            return;
        }
        assertArrayEquals(bytes, v.encode());
        Map<Long, Long> m = v.toMap();
        assertTrue(m.values().stream().allMatch(c -> c > 0));
    }
}
