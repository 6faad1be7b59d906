package dev.cloudless.sync.discovery.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutingTableTest {
    private final Random random = new Random(1);

    private static InetSocketAddress addr(int i) {
        return new InetSocketAddress("10.0." + (i / 250) + "." + (i % 250 + 1), 6881);
    }

    @Test
    void staysBoundedAndSplitsOnlyItsOwnBucket() {
        NodeId own = NodeId.random(random);
        RoutingTable t = new RoutingTable(own, 0);
        for (int i = 0; i < 50_000; i++) {
            t.seen(new NodeInfo(NodeId.random(random), addr(i)), 1);
        }
        assertTrue(t.bucketCount() < 30, "random ids only split a few levels: " + t.bucketCount());
        assertTrue(t.size() <= t.bucketCount() * RoutingTable.K);
        assertTrue(t.sizeWithReplacements() <= t.bucketCount() * 2 * RoutingTable.K);
        // nodes close to us fill deeper buckets
        for (int p = 0; p < 40; p++) {
            t.seen(new NodeInfo(own.randomWithPrefix(p, random), addr(60_000 + p)), 1);
        }
        assertTrue(t.bucketCount() >= 30);
        assertTrue(t.bucketCount() <= NodeId.BITS);
        List<NodeInfo> closest = t.closest(own, RoutingTable.K);
        assertEquals(RoutingTable.K, closest.size());
        for (int i = 1; i < closest.size(); i++) {
            assertTrue(own.closer(closest.get(i - 1).id(), closest.get(i).id()) <= 0);
        }
    }

    @Test
    void badNodesAreReplacedByCandidates() {
        NodeId own = NodeId.random(random);
        RoutingTable t = new RoutingTable(own, 0);
        // fill the far bucket (first bit differs) and one more as a candidate
        NodeInfo[] far = new NodeInfo[RoutingTable.K + 1];
        for (int i = 0; i < far.length; i++) {
            far[i] = new NodeInfo(own.randomWithPrefix(0, random), addr(i));
        }
        // put one close node so the first split separates far from near
        t.seen(new NodeInfo(own.randomWithPrefix(5, random), addr(100)), 0);
        for (NodeInfo n : far) {
            t.seen(n, 0);
        }
        assertFalse(t.contains(far[RoutingTable.K].address()), "the ninth waits as a candidate");
        for (int f = 0; f < RoutingTable.BAD_AFTER_FAILURES; f++) {
            t.failed(far[0].address());
        }
        assertFalse(t.contains(far[0].address()));
        assertTrue(t.contains(far[RoutingTable.K].address()));
        // a questionable node is offered for a ping when a newcomer finds the bucket full
        NodeInfo newcomer = new NodeInfo(own.randomWithPrefix(0, random), addr(200));
        assertNull(t.seen(newcomer, 1));
        assertNotNull(t.seen(new NodeInfo(own.randomWithPrefix(0, random), addr(201)),
                RoutingTable.QUESTIONABLE_AFTER_NANOS + 10));
        // garbage senders leave
        assertTrue(t.remove(far[1].address()));
        assertFalse(t.contains(far[1].address()));
    }

    @Test
    void anAddressCannotHijackAKnownId() {
        NodeId own = NodeId.random(random);
        RoutingTable t = new RoutingTable(own, 0);
        NodeId id = NodeId.random(random);
        t.seen(new NodeInfo(id, addr(1)), 0);
        t.seen(new NodeInfo(id, addr(2)), 0);
        assertTrue(t.contains(addr(1)));
        assertFalse(t.contains(addr(2)));
    }

    @Test
    void persistsAndReloads(@TempDir Path dir) throws Exception {
        NodeId own = NodeId.random(random);
        RoutingTable t = new RoutingTable(own, 0);
        for (int i = 0; i < 300; i++) {
            t.seen(new NodeInfo(NodeId.random(random), addr(i)), i);
        }
        Path file = dir.resolve(RoutingTableFile.FILE_NAME);
        RoutingTableFile.save(file, own, t.nodes());
        RoutingTableFile.Saved saved = RoutingTableFile.load(file);
        assertNotNull(saved);
        assertEquals(own, saved.id());
        assertEquals(Math.min(t.size(), RoutingTableFile.MAX_SAVED_NODES), saved.nodes().size());
        assertEquals(t.nodes().subList(0, saved.nodes().size()), saved.nodes());
        Files.write(file, new byte[] {'d', '1', ':'});
        assertNull(RoutingTableFile.load(file), "a damaged file is ignored");
    }

    @Test
    void tokensRotateEveryFiveMinutesAndThePreviousIsAccepted() throws Exception {
        Tokens tokens = new Tokens(0);
        java.net.InetAddress ip = java.net.InetAddress.getByName("192.0.2.7");
        java.net.InetAddress other = java.net.InetAddress.getByName("192.0.2.8");
        byte[] t0 = tokens.token(ip, 0);
        assertTrue(tokens.valid(t0, ip, 1));
        assertFalse(tokens.valid(t0, other, 1), "bound to the IP");
        assertTrue(tokens.valid(t0, ip, Tokens.ROTATE_NANOS + 1), "previous secret still accepted");
        assertFalse(tokens.valid(t0, ip, 2 * Tokens.ROTATE_NANOS + 1), "two rotations later it is gone");
    }

    @Test
    void peerStoreIsBoundedAndExpires() throws Exception {
        PeerStore s = new PeerStore();
        NodeId h = NodeId.random(random);
        for (int i = 0; i < PeerStore.MAX_PEERS_PER_HASH * 3; i++) {
            s.add(h, addr(i), 0);
        }
        assertEquals(PeerStore.MAX_PEERS_PER_HASH, s.totalPeers());
        List<InetSocketAddress> got = s.get(h, 1, PeerStore.MAX_VALUES_PER_REPLY);
        assertEquals(PeerStore.MAX_VALUES_PER_REPLY, got.size());
        assertEquals(addr(PeerStore.MAX_PEERS_PER_HASH * 3 - 1), got.get(0), "newest first");
        for (int i = 0; i < PeerStore.MAX_INFO_HASHES * 2; i++) {
            s.add(NodeId.random(random), addr(i), 0);
        }
        assertEquals(PeerStore.MAX_INFO_HASHES, s.infoHashes());
        s.expire(PeerStore.PEER_TTL_NANOS + 1);
        assertEquals(0, s.infoHashes());
    }
}
