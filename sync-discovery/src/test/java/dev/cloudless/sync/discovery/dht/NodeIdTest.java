package dev.cloudless.sync.discovery.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NodeIdTest {
    /** The first 21 bits of the test vectors in BEP 42's table. */
    @Test
    void bep42MatchesTheSpecificationVectors() throws Exception {
        check("124.31.75.21", 1, 0x5fbfb8);
        check("21.75.31.124", 86, 0x5a3ce8);
        check("65.23.51.170", 22, 0xa5d430);
    }

    private static void check(String ip, int r, int prefix21) throws Exception {
        NodeId id = NodeId.bep42((Inet4Address) InetAddress.getByName(ip), r, new Random(r));
        byte[] b = id.toBytes();
        int got = ((b[0] & 0xff) << 16) | ((b[1] & 0xff) << 8) | (b[2] & 0xf8);
        assertEquals(prefix21, got, ip);
        assertEquals((byte) r, b[19]);
        assertTrue(id.isBep42ValidFor(InetAddress.getByName(ip)));
        assertFalse(id.isBep42ValidFor(InetAddress.getByName("8.8.8.8")));
        assertTrue(id.isBep42ValidFor(InetAddress.getByName("127.0.0.1")), "loopback is exempt");
    }

    @Test
    void prefixAndDistance() {
        Random rnd = new Random(7);
        NodeId a = NodeId.random(rnd);
        for (int p = 0; p < NodeId.BITS; p += 13) {
            NodeId b = a.randomWithPrefix(p, rnd);
            assertEquals(p, a.commonPrefix(b));
        }
        assertEquals(NodeId.BITS, a.commonPrefix(a));
        NodeId near = a.randomWithPrefix(100, rnd);
        NodeId far = a.randomWithPrefix(3, rnd);
        assertTrue(a.closer(near, far) < 0);
        assertTrue(a.closer(far, near) > 0);
    }
}
