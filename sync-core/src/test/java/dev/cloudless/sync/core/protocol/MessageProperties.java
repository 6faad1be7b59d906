package dev.cloudless.sync.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Round trips of arbitrary messages, arbitrary chunking, and hostile bytes against the decoder. */
class MessageProperties {

    @Provide
    Arbitrary<Message> messages() {
        return Gen.messages();
    }

    @Provide
    Arbitrary<List<Message>> messageLists() {
        return Gen.messages().list().ofMinSize(1).ofMaxSize(6);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static byte[] encodeAll(List<Message> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Message m : messages) {
            out.writeBytes(bytes(MessageEncoder.encode(m)));
        }
        return out.toByteArray();
    }

    /** Feeds {@code wire} cut into pieces whose lengths cycle through {@code cuts} (0 = an empty chunk). */
    private static List<Message> feedInPieces(MessageDecoder d, byte[] wire, List<Integer> cuts) throws ProtocolException {
        List<Message> got = new ArrayList<>();
        int off = 0;
        for (int i = 0; off < wire.length; i++) {
            int n = cuts.isEmpty() ? wire.length : Math.min(cuts.get(i % cuts.size()), wire.length - off);
            d.feed(ByteBuffer.wrap(wire, off, n), got::add);
            off += n;
            if (n == 0) { // an empty chunk is fine, but then move on by one byte
                d.feed(ByteBuffer.wrap(wire, off++, 1), got::add);
            }
        }
        return got;
    }

    @Property(tries = 500)
    void decodeInvertsEncode(@ForAll("messages") Message m) throws ProtocolException {
        byte[] wire = bytes(MessageEncoder.encode(m));
        assertEquals(wire.length, MessageEncoder.encodedLength(m));
        List<Message> got = new ArrayList<>();
        MessageDecoder d = new MessageDecoder();
        d.feed(ByteBuffer.wrap(wire), got::add);
        assertEquals(List.of(m), got);
        assertEquals(0, d.bufferedBytes());
        assertArrayEquals(wire, bytes(MessageEncoder.encode(got.get(0))), "the encoding is canonical");
    }

    @Property(tries = 200)
    void anyChunkingOfAStreamDecodesTheSameMessages(@ForAll("messageLists") List<Message> messages,
                                                    @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 700) Integer> cuts)
            throws ProtocolException {
        byte[] wire = encodeAll(messages);
        MessageDecoder d = new MessageDecoder();
        assertEquals(messages, feedInPieces(d, wire, cuts));
        assertEquals(0, d.bufferedBytes());
    }

    @Property(tries = 300)
    void everyProperPrefixWaitsForMore(@ForAll("messages") Message m, @ForAll @IntRange(min = 0, max = 100_000) int cut)
            throws ProtocolException {
        byte[] wire = bytes(MessageEncoder.encode(m));
        int n = cut % wire.length;
        MessageDecoder d = new MessageDecoder();
        d.feed(ByteBuffer.wrap(wire, 0, n), x -> { throw new AssertionError("decoded from a prefix: " + x); });
        assertEquals(n, d.bufferedBytes());
    }

    /** Random input: messages, waiting for more, or ProtocolException; nothing else, and no large allocation. */
    @Property(tries = 1000)
    void randomBytesThrowOnlyProtocolException(@ForAll @Size(max = 2000) byte[] bytes,
                                               @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 300) Integer> cuts) {
        MessageDecoder d = new MessageDecoder();
        try {
            feedInPieces(d, bytes, cuts);
            assertTrue(d.bodyCapacity() <= Math.max(MessageDecoder.INITIAL_BODY_CAPACITY, 2 * bytes.length));
        } catch (ProtocolException expected) {
            // the only allowed failure
        }
    }

    /** A plausible header followed by random bytes reaches the body decoders, not just the header check. */
    @Property(tries = 1000)
    void randomBodiesThrowOnlyProtocolException(@ForAll @IntRange(min = 1, max = Messages.TYPE_PEER_EXCHANGE) int type,
                                                @ForAll @Size(max = 600) byte[] body) {
        ByteBuffer wire = ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(body.length).put(body).flip();
        List<Message> got = new ArrayList<>();
        try {
            new MessageDecoder().feed(wire, got::add);
            assertEquals(1, got.size());
            assertArrayEquals(wire.array(), bytes(MessageEncoder.encode(got.get(0))), "accepted bytes are canonical");
        } catch (ProtocolException expected) {
            // the only allowed failure
        }
    }

    /** Valid streams with bytes overwritten: decoded messages re-encode to the bytes they came from. */
    @Property(tries = 500)
    void mutatedEncodingsThrowOnlyProtocolException(@ForAll("messageLists") List<Message> messages,
                                                    @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 0, max = 1_000_000) Integer> at,
                                                    @ForAll @Size(min = 3, max = 3) List<Byte> values,
                                                    @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 300) Integer> cuts) {
        byte[] wire = encodeAll(messages);
        for (int i = 0; i < at.size(); i++) {
            wire[at.get(i) % wire.length] = values.get(i);
        }
        MessageDecoder d = new MessageDecoder();
        try {
            List<Message> got = feedInPieces(d, wire, cuts);
            byte[] again = encodeAll(got);
            byte[] consumed = java.util.Arrays.copyOf(wire, wire.length - d.bufferedBytes());
            assertArrayEquals(consumed, again, "accepted bytes are canonical");
        } catch (ProtocolException expected) {
            // the only allowed failure
        }
    }
}
