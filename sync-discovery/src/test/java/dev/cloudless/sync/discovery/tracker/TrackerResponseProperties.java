package dev.cloudless.sync.discovery.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.discovery.bencode.Bencode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The HTTP (bencoded) and UDP announce response decoders. */
class TrackerResponseProperties {

    @Provide
    Arbitrary<InetSocketAddress> ipv4Peers() {
        return Combinators.combine(Arbitraries.bytes().array(byte[].class).ofSize(4), Arbitraries.integers().between(1, 65535))
                .as((ip, port) -> {
                    try {
                        return new InetSocketAddress(InetAddress.getByAddress(ip), port);
                    } catch (UnknownHostException e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    private static byte[] compact(List<InetSocketAddress> peers) {
        ByteBuffer b = ByteBuffer.allocate(6 * peers.size());
        for (InetSocketAddress p : peers) {
            b.put(p.getAddress().getAddress()).putShort((short) p.getPort());
        }
        return b.array();
    }

    @Property
    void anHttpResponseRoundTrips(@ForAll @Size(max = 100) List<@net.jqwik.api.From("ipv4Peers") InetSocketAddress> peers,
                                  @ForAll @IntRange(max = 100_000) int interval) throws TrackerException {
        byte[] body = Bencode.encode(Map.of("interval", (long) interval, "peers", compact(peers)));
        AnnounceResult r = HttpResponses.decode(body);
        assertEquals(interval, r.intervalSeconds());
        assertEquals(peers, r.peers());
    }

    @Property
    void aUdpResponseRoundTrips(@ForAll @Size(max = 100) List<@net.jqwik.api.From("ipv4Peers") InetSocketAddress> peers,
                                @ForAll int tx, @ForAll @IntRange(max = 100_000) int interval) throws TrackerException {
        byte[] c = compact(peers);
        byte[] d = ByteBuffer.allocate(20 + c.length).putInt(UdpMessages.ACTION_ANNOUNCE).putInt(tx).putInt(interval)
                .putInt(1).putInt(2).put(c).array();
        AnnounceResult r = UdpMessages.announceResponse(d, d.length, tx, false);
        assertEquals(interval, r.intervalSeconds());
        assertEquals(peers, r.peers());
        assertNull(UdpMessages.announceResponse(d, d.length, tx + 1, false), "another transaction's reply is ignored");
    }

    @Property
    void randomHttpBodiesDecodeOrThrowTheTypedException(@ForAll @Size(max = 300) byte[] body) {
        try {
            AnnounceResult r = HttpResponses.decode(body);
            assertTrue(r.peers().size() <= HttpResponses.MAX_PEERS);
        } catch (TrackerException expected) {
            // the documented failure
        }
    }

    @Property
    void mutatedHttpBodiesDecodeOrThrowTheTypedException(
            @ForAll @Size(max = 20) List<@net.jqwik.api.From("ipv4Peers") InetSocketAddress> peers,
            @ForAll @IntRange(max = 10_000) int where, @ForAll byte value) {
        byte[] body = Bencode.encode(Map.of("interval", 1800L, "peers", compact(peers),
                "peers6", new byte[18], "complete", 3L));
        body[where % body.length] = value;
        try {
            HttpResponses.decode(body);
        } catch (TrackerException expected) {
            // the documented failure
        }
    }

    @Property
    void randomDatagramsAreIgnoredOrThrowTheTypedException(@ForAll @Size(max = 600) byte[] d, @ForAll boolean withTx,
                                                           @ForAll int tx, @ForAll boolean v6) {
        if (withTx && d.length >= 8) {
            ByteBuffer.wrap(d).putInt(4, tx);
        }
        try {
            UdpMessages.announceResponse(d, d.length, tx, v6);
        } catch (TrackerException expected) {
            // the documented failure
        }
        try {
            UdpMessages.connectResponse(d, d.length, tx);
        } catch (TrackerException expected) {
            // the documented failure
        }
    }

    @Example
    void failuresShortRepliesAndErrorsAreErrors() throws TrackerException {
        byte[] failure = Bencode.encode(Map.of("failure reason", "Requested download is not authorized"));
        TrackerException e = assertThrows(TrackerException.class, () -> HttpResponses.decode(failure));
        assertTrue(e.getMessage().contains("not authorized"));
        assertThrows(TrackerException.class, () -> HttpResponses.decode(Bencode.encode(Map.of("peers", new byte[6]))));
        assertThrows(TrackerException.class,
                () -> HttpResponses.decode(Bencode.encode(Map.of("interval", 10L, "peers", new byte[7]))));
        // Debian's opentracker refuses a hash with a bare 8-byte reply.
        byte[] bare = ByteBuffer.allocate(8).putInt(UdpMessages.ACTION_ANNOUNCE).putInt(7).array();
        assertThrows(TrackerException.class, () -> UdpMessages.announceResponse(bare, 8, 7, false));
        byte[] err = ByteBuffer.allocate(13).putInt(UdpMessages.ACTION_ERROR).putInt(7).put("nope!".getBytes(StandardCharsets.US_ASCII)).array();
        assertTrue(assertThrows(TrackerException.class, () -> UdpMessages.connectResponse(err, 13, 7)).getMessage().contains("nope!"));
        byte[] conn = ByteBuffer.allocate(16).putInt(0).putInt(7).putLong(0x1234L).array();
        assertEquals(0x1234L, UdpMessages.connectResponse(conn, 16, 7));
        // Non-compact lists: literals only, never a host name.
        List<Object> dicts = new ArrayList<>(List.of(Map.of("ip", "10.0.0.1", "port", 4000L),
                Map.of("ip", "tracker-chosen.example", "port", 4001L), Map.of("ip", "::1", "port", 4002L)));
        AnnounceResult r = HttpResponses.decode(Bencode.encode(Map.of("interval", 5L, "peers", dicts)));
        assertEquals(List.of(new InetSocketAddress("10.0.0.1", 4000), new InetSocketAddress("::1", 4002)), r.peers());
        byte[] six = new byte[18];
        six[15] = 1;
        six[17] = 9;
        r = HttpResponses.decode(Bencode.encode(Map.of("interval", 5L, "peers", new byte[0], "peers6", six)));
        assertEquals(List.of(new InetSocketAddress("::1", 9)), r.peers());
        assertEquals("%00%FFab-~", HttpTrackerClient.percent(Arrays.copyOf(new byte[] {0, -1, 'a', 'b', '-', '~'}, 6)));
    }
}
