package dev.cloudless.sync.transport.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class UtpPacketProperties {

    @Provide
    Arbitrary<UtpPacket> packets() {
        Arbitrary<byte[]> sack = Arbitraries.integers().between(1, UtpPacket.MAX_SACK_BYTES / 4)
                .flatMap(units -> Arbitraries.bytes().array(byte[].class).ofSize(units * 4))
                .injectNull(0.5);
        Arbitrary<byte[]> payload = Arbitraries.bytes().array(byte[].class).ofMaxSize(1500);
        Arbitrary<Long> u32 = Arbitraries.longs().between(0, 0xFFFF_FFFFL);
        Arbitrary<Integer> u16 = Arbitraries.integers().between(0, 0xFFFF);
        return Combinators.combine(Arbitraries.integers().between(0, 4), u16, u32, u32, u32, u16, u16, sack)
                .flatAs((type, id, ts, diff, wnd, seq, ack, s) -> payload.map(
                        p -> new UtpPacket(type, id, ts, diff, wnd, seq, ack, s, p)));
    }

    private static byte[] encode(UtpPacket p) {
        ByteBuf b = Unpooled.buffer();
        p.encode(b);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    @Property(tries = 500)
    void decodeOfEncodeIsIdentity(@ForAll("packets") UtpPacket p) throws Exception {
        byte[] wire = encode(p);
        assertEquals(p.encodedLength(), wire.length);
        assertTrue(UtpPacket.looksLikeUtp(Unpooled.wrappedBuffer(wire)));
        assertEquals(p, UtpPacket.decode(Unpooled.wrappedBuffer(wire)));
    }

    @Property(tries = 2000)
    void randomBytesOnlyThrowTheTypedException(@ForAll @Size(max = 2000) byte[] bytes) {
        decodeBounded(bytes);
    }

    @Property(tries = 2000)
    void mutatedPacketsOnlyThrowTheTypedException(@ForAll("packets") UtpPacket p,
                                                  @ForAll @IntRange(min = 0, max = 4095) int position,
                                                  @ForAll byte value,
                                                  @ForAll @IntRange(min = 0, max = 2100) int truncateTo) {
        byte[] wire = encode(p);
        wire[position % wire.length] = value;
        if (truncateTo < wire.length) {
            wire = java.util.Arrays.copyOf(wire, truncateTo);
        }
        decodeBounded(wire);
    }

    /** The decoder returns a packet no larger than its input, or throws MalformedPacketException; nothing else. */
    private static void decodeBounded(byte[] bytes) {
        try {
            UtpPacket p = UtpPacket.decode(Unpooled.wrappedBuffer(bytes));
            assertTrue(p.payload().length + (p.selectiveAck() == null ? 0 : p.selectiveAck().length) <= bytes.length,
                    "allocated more than the datagram");
            assertTrue(p.type() >= 0 && p.type() <= 4);
        } catch (MalformedPacketException expected) {
            // the documented outcome
        }
    }

    @Property(tries = 300)
    void seqDistanceWrapsAround(@ForAll @IntRange(min = 0, max = 0xFFFF) int a,
                                @ForAll @IntRange(min = -32768, max = 32767) int d) {
        int b = SeqNumbers.add(a, d);
        assertEquals(d, SeqNumbers.distance(a, b));
        assertEquals(d > 0, SeqNumbers.before(a, b));
    }
}
