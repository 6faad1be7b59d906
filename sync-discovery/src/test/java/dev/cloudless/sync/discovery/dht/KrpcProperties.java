package dev.cloudless.sync.discovery.dht;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.discovery.dht.KrpcMessage.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Example;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Bencode and KRPC decoding of hostile bytes: only {@link DhtProtocolException}, bounded, lossless round trips. */
class KrpcProperties {

    @Property(tries = 3000)
    void randomBytesOnlyThrowTheTypedException(@ForAll @Size(max = 300) byte[] data) {
        decodeQuietly(data);
    }

    @Property(tries = 3000)
    void mutatedMessagesOnlyThrowTheTypedException(@ForAll("messages") KrpcMessage m,
            @ForAll @IntRange(min = 1, max = 8) int mutations, @ForAll long seed) {
        byte[] data = Krpc.encode(m);
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < mutations; i++) {
            int kind = r.nextInt(3);
            int at = r.nextInt(data.length);
            if (kind == 0) {
                data[at] = (byte) r.nextInt(256);
            } else if (kind == 1) {
                data = Arrays.copyOf(data, at); // truncate
                if (data.length == 0) {
                    break;
                }
            } else { // insert a structural byte
                byte[] longer = new byte[data.length + 1];
                System.arraycopy(data, 0, longer, 0, at);
                longer[at] = (byte) "dlie:0123456789-".charAt(r.nextInt(16));
                System.arraycopy(data, at, longer, at + 1, data.length - at);
                data = longer;
            }
        }
        decodeQuietly(data);
    }

    @Property(tries = 2000)
    void messagesRoundTrip(@ForAll("messages") KrpcMessage m) throws DhtProtocolException {
        assertEquals(m, Krpc.decode(Krpc.encode(m)));
    }

    @Property(tries = 1000)
    void trailingGarbageIsRejected(@ForAll("messages") KrpcMessage m, @ForAll @Size(min = 1, max = 20) byte[] tail) {
        byte[] data = Krpc.encode(m);
        byte[] longer = Arrays.copyOf(data, data.length + tail.length);
        System.arraycopy(tail, 0, longer, data.length, tail.length);
        assertThrows(DhtProtocolException.class, () -> Krpc.decode(longer));
    }

    @Property(tries = 1000)
    void bencodeRoundTrips(@ForAll("values") Object v) throws DhtProtocolException {
        byte[] once = Bencode.encode(v);
        Object back = Bencode.decode(once);
        assertArrayEquals(once, Bencode.encode(back));
        assertTrue(deepEquals(v, back), "structure differs");
    }

    @Property(tries = 200)
    void hugeDeclaredLengthsAllocateNothing(@ForAll @IntRange(min = 10, max = Integer.MAX_VALUE) int len) {
        byte[] data = (len + ":abc").getBytes(StandardCharsets.US_ASCII);
        assertThrows(DhtProtocolException.class, () -> Bencode.decode(data));
        byte[] big = ("d1:t" + len + ":xe").getBytes(StandardCharsets.US_ASCII);
        assertThrows(DhtProtocolException.class, () -> Krpc.decode(big));
    }

    @Example
    void limitsAreEnforced() {
        byte[] deep = new byte[4000];
        Arrays.fill(deep, (byte) 'l');
        assertThrows(DhtProtocolException.class, () -> Bencode.decode(deep));
        byte[] tooBig = new byte[Bencode.MAX_INPUT_BYTES + 1];
        assertThrows(DhtProtocolException.class, () -> Bencode.decode(tooBig));
        StringBuilder many = new StringBuilder("l");
        for (int i = 0; i <= Bencode.MAX_VALUES; i++) {
            many.append("i1e");
        }
        many.append('e');
        assertThrows(DhtProtocolException.class, () -> Bencode.decode(ascii(many.toString())));
        for (String bad : List.of("i-0e", "i01e", "ie", "i-e", "01:a", "i99999999999999999999e", "d1:ai1e1:ai2ee",
                "di1ei2ee", "le ", "")) {
            assertThrows(DhtProtocolException.class, () -> Bencode.decode(ascii(bad)), bad);
        }
    }

    @Example
    void decodesAKnownQueryAndAnswersUnknownMethodsWithTheirTid() throws DhtProtocolException {
        byte[] ping = ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe");
        KrpcMessage m = Krpc.decode(ping);
        assertEquals(KrpcMessage.Query.ping(ascii("aa"), NodeId.of(ascii("abcdefghij0123456789"))), m);
        DhtProtocolException e = assertThrows(DhtProtocolException.class,
                () -> Krpc.decode(ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:vote1:t2:xy1:y1:qe")));
        assertEquals(DhtProtocolException.METHOD_UNKNOWN, e.errorCode());
        assertArrayEquals(ascii("xy"), e.transactionId());
    }

    private static void decodeQuietly(byte[] data) {
        try {
            Krpc.decode(data);
        } catch (DhtProtocolException expected) {
            // the only allowed failure
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Provide
    Arbitrary<Object> values() {
        return Arbitraries.recursive(this::leaf, this::container, 0, 4);
    }

    private Arbitrary<Object> leaf() {
        return Arbitraries.oneOf(Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(b -> (Object) b));
    }

    private Arbitrary<Object> container(Arbitrary<Object> inner) {
        return Arbitraries.oneOf(inner.list().ofMaxSize(5).map(l -> (Object) l),
                Arbitraries.maps(Arbitraries.strings().withCharRange('\0', '\u00ff').ofMaxLength(6), inner)
                        .ofMaxSize(5).map(m -> (Object) m));
    }

    static boolean deepEquals(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!deepEquals(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!x.keySet().equals(y.keySet())) {
                return false;
            }
            for (Object k : x.keySet()) {
                if (!deepEquals(x.get(k), y.get(k))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    @Provide
    Arbitrary<KrpcMessage> messages() {
        Arbitrary<byte[]> tids = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(Krpc.MAX_TID_BYTES);
        Arbitrary<byte[]> tokens = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(Krpc.MAX_TOKEN_BYTES);
        Arbitrary<NodeId> ids = Arbitraries.bytes().array(byte[].class).ofSize(NodeId.BYTES).map(NodeId::of);
        Arbitrary<InetSocketAddress> peers = Combinators.combine(Arbitraries.bytes().array(byte[].class).ofSize(4),
                Arbitraries.integers().between(1, 65535)).as(KrpcProperties::address);
        Arbitrary<NodeInfo> nodes = Combinators.combine(ids, peers).as(NodeInfo::new);
        Arbitrary<KrpcMessage> queries = Combinators.combine(tids, Arbitraries.of(Method.class), ids, ids,
                Arbitraries.integers().between(1, 65535), Arbitraries.of(true, false), tokens,
                Arbitraries.of(true, false)).as((t, method, id, target, port, implied, token, ro) ->
                        new KrpcMessage.Query(t, method, id, method == Method.PING ? null : target,
                                method == Method.ANNOUNCE_PEER ? port : 0,
                                method == Method.ANNOUNCE_PEER && implied,
                                method == Method.ANNOUNCE_PEER ? token : null, ro));
        Arbitrary<KrpcMessage> responses = Combinators.combine(tids, ids, nodes.list().ofMaxSize(16),
                peers.list().ofMaxSize(50), tokens.injectNull(0.3), peers.injectNull(0.5))
                .as(KrpcMessage.Response::new);
        Arbitrary<KrpcMessage> errors = Combinators.combine(tids, Arbitraries.longs().between(-1, 1000),
                Arbitraries.strings().alpha().numeric().withChars(' ').ofMaxLength(60)).as(KrpcMessage.Error::new);
        return Arbitraries.oneOf(queries, responses, errors);
    }

    static InetSocketAddress address(byte[] ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
