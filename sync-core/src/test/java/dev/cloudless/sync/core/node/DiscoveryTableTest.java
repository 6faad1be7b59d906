package dev.cloudless.sync.core.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.DiscoveredPeer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-folder discovery table: renewal, bound, expiry, and the LAN-before-WAN ranking. */
class DiscoveryTableTest {
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    private static final DeviceId D = DeviceId.fromBytes(new byte[DeviceId.LENGTH]);

    private static InetSocketAddress at(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    @Test
    void aReportIsRenewedPerMethodAndListedMostRecentFirst() {
        DiscoveryTable t = new DiscoveryTable();
        assertTrue(t.record(at("10.0.0.2", 4000), null, "tracker", T0, 10));
        assertTrue(t.record(at("10.0.0.2", 4000), D, "lan", T0.plusSeconds(5), 10));
        assertTrue(t.record(at("10.0.0.2", 4000), null, "tracker", T0.plusSeconds(9), 10));
        List<DiscoveredPeer> s = t.snapshot();
        assertEquals(2, s.size());
        assertEquals("tracker", s.get(0).method());
        assertEquals(T0, s.get(0).firstSeen());
        assertEquals(T0.plusSeconds(9), s.get(0).lastSeen());
        assertEquals(D, s.get(1).device());
    }

    @Test
    void aFullTableDropsNewAddressesButRenewsKnownOnes() {
        DiscoveryTable t = new DiscoveryTable();
        for (int i = 0; i < 3; i++) {
            assertTrue(t.record(at("10.0.0.1", 1000 + i), null, "dht", T0, 3));
        }
        assertFalse(t.record(at("10.0.0.1", 2000), null, "dht", T0, 3));
        assertTrue(t.record(at("10.0.0.1", 1000), null, "dht", T0.plusSeconds(1), 3));
        assertEquals(3, t.snapshot().size());
    }

    @Test
    void anAddressExpiresOnlyWhenNoMethodRenewedIt() {
        DiscoveryTable t = new DiscoveryTable();
        t.record(at("10.0.0.2", 4000), null, "tracker", T0, 10);
        t.record(at("10.0.0.2", 4000), null, "lan", T0.plus(Duration.ofMinutes(8)), 10);
        t.record(at("10.0.0.3", 4000), null, "tracker", T0, 10);
        List<InetSocketAddress> gone = t.expire(T0.plus(Duration.ofMinutes(1)));
        assertEquals(List.of(at("10.0.0.3", 4000)), gone);
        assertEquals(1, t.snapshot().size());
        assertEquals(List.of(at("10.0.0.2", 4000)), t.expire(T0.plus(Duration.ofMinutes(9))));
        assertTrue(t.snapshot().isEmpty());
    }

    @Test
    void aDeviceIsFoundByReportOrByConnection() {
        DiscoveryTable t = new DiscoveryTable();
        t.record(at("192.168.1.5", 4000), D, "lan", T0, 10);
        t.record(at("198.51.100.7", 4000), null, "tracker", T0, 10);
        t.record(at("198.51.100.8", 4000), null, "tracker", T0, 10);
        Set<InetSocketAddress> a = t.addressesOf(D, addr -> addr.getHostString().equals("198.51.100.7") ? D : null);
        assertEquals(Set.of(at("192.168.1.5", 4000), at("198.51.100.7", 4000)), a);
    }

    @Test
    void localAddressesRankBeforePublicOnes() {
        assertEquals(0, DiscoveryTable.rank(at("127.0.0.1", 1)));
        assertEquals(0, DiscoveryTable.rank(at("10.1.2.3", 1)));
        assertEquals(0, DiscoveryTable.rank(at("172.16.0.1", 1)));
        assertEquals(0, DiscoveryTable.rank(at("192.168.0.1", 1)));
        assertEquals(0, DiscoveryTable.rank(at("169.254.3.4", 1)));
        assertEquals(0, DiscoveryTable.rank(at("fe80::1", 1)));
        assertEquals(0, DiscoveryTable.rank(at("fd12:3456::1", 1)));
        assertEquals(0, DiscoveryTable.rank(at("::1", 1)));
        assertEquals(1, DiscoveryTable.rank(at("8.8.8.8", 1)));
        assertEquals(1, DiscoveryTable.rank(at("2001:db8::1", 1)));
        assertEquals(1, DiscoveryTable.rank(at("172.32.0.1", 1)));
    }
}
