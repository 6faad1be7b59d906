package dev.cloudless.sync.discovery.bencode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The bencode decoder: round trips, and hostile input only ever throws BencodeException. */
class BencodeProperties {
    /** The tracker client's limits (the DHT's are tighter and tested in KrpcProperties). */
    static final Bencode.Limits LIMITS = new Bencode.Limits(64 << 10, 32, 100_000);

    private static Object decode(byte[] input) throws BencodeException {
        return Bencode.decode(input, LIMITS);
    }


    @Provide
    Arbitrary<Object> values() {
        return Arbitraries.recursive(this::leaf, this::container, 4);
    }

    private Arbitrary<Object> leaf() {
        return Arbitraries.oneOf(Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(b -> (Object) b));
    }

    private Arbitrary<Object> container(Arbitrary<Object> inner) {
        return Arbitraries.oneOf(inner.list().ofMaxSize(5).map(l -> (Object) l),
                Arbitraries.maps(Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(8), inner)
                        .ofMaxSize(5).map(m -> (Object) m));
    }

    @Property
    void decodeEncodeIsIdentity(@ForAll("values") Object v) throws BencodeException {
        assertEquals(normal(v), normal(decode(Bencode.encode(v))));
    }

    /** byte[] compares by identity: lists of bytes compare by content; maps sorted like the encoder. */
    private static Object normal(Object v) {
        if (v instanceof byte[] b) {
            return new String(b, StandardCharsets.ISO_8859_1) + "#bytes";
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(o -> out.add(normal(o)));
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new java.util.TreeMap<>();
            m.forEach((k, o) -> out.put(k, normal(o)));
            return out;
        }
        return v;
    }

    @Property
    void randomBytesDecodeOrThrowTheTypedException(@ForAll @Size(max = 200) byte[] input) {
        try {
            decode(input);
        } catch (BencodeException expected) {
            // the documented failure
        }
    }

    @Property
    void mutatedEncodingsDecodeOrThrowTheTypedException(@ForAll("values") Object v, @ForAll @IntRange(max = 1000) int where,
                                                        @ForAll byte replacement, @ForAll boolean truncate) {
        byte[] e = Bencode.encode(v);
        byte[] m = truncate ? Arrays.copyOf(e, where % (e.length + 1)) : e.clone();
        if (!truncate && m.length > 0) {
            m[where % m.length] = replacement;
        }
        try {
            decode(m);
        } catch (BencodeException expected) {
            // the documented failure
        }
    }

    @Property
    void aHugeDeclaredLengthIsRejectedBeforeAllocation(@ForAll @IntRange(min = 1) int extra) {
        byte[] input = ((Integer.MAX_VALUE - extra % 1000) + ":abc").getBytes(StandardCharsets.US_ASCII);
        assertThrows(BencodeException.class, () -> decode(input));
    }

    @Example
    void deepNestingAndMalformedIntegersAreRejected() throws BencodeException {
        byte[] deep = ("l".repeat(LIMITS.maxDepth() + 2) + "e".repeat(LIMITS.maxDepth() + 2)).getBytes(StandardCharsets.US_ASCII);
        assertThrows(BencodeException.class, () -> decode(deep));
        for (String bad : List.of("i-0e", "i03e", "ie", "i-e", "i99999999999999999999e", "03:abc", "-1:a", "d1:ai1ee1:b",
                "i1ei2e", "di1ei2ee", "d1:ai1e1:ai2ee")) {
            assertThrows(BencodeException.class, () -> decode(bad.getBytes(StandardCharsets.US_ASCII)), bad);
        }
        assertEquals(-42L, decode("i-42e".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(new byte[0], (byte[]) decode("0:".getBytes(StandardCharsets.US_ASCII)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", List.of());
        assertEquals(m, decode("d1:alee".getBytes(StandardCharsets.US_ASCII)));
    }
}
