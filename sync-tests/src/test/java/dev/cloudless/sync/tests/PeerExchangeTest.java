package dev.cloudless.sync.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.DiscoveredPeer;
import dev.cloudless.sync.DiscoverySettings;
import dev.cloudless.sync.PeerInfo;
import dev.cloudless.sync.SyncKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peer exchange between whole nodes on loopback, every other discovery method off: two nodes
 * that each know only a third one meet through it, and keep syncing when it is gone; a node with
 * peer exchange off never does.
 */
@Tag("integration")
class PeerExchangeTest {
    /** Covers the 10 s send interval of peer exchange twice over, plus connecting. */
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final DiscoverySettings PEX_ONLY = DiscoverySettings.NONE.withPeerExchange(true);

    private static boolean connected(Cluster.Member m, Cluster.Member other) {
        DeviceId id = other.node().deviceId();
        return m.folderHandle().peers().stream().map(PeerInfo::deviceId).anyMatch(id::equals);
    }

    private static List<DiscoveredPeer> pexReports(Cluster.Member m) {
        return m.folderHandle().discoveredPeers().stream().filter(p -> p.method().equals("pex")).toList();
    }

    @Test
    void twoPeersOfOneHubMeetThroughItAndSyncWithoutIt(@TempDir Path dir) throws Exception {
        SyncKey key = SyncKey.generate();
        try (Cluster c = new Cluster(dir, key)) {
            Cluster.Member b = c.addDialling("B", key, f -> f.discovery(PEX_ONLY), List.of());
            Cluster.Member a = c.addDialling("A", key, f -> f.discovery(PEX_ONLY), List.of(b));
            Cluster.Member cc = c.addDialling("C", key, f -> f.discovery(PEX_ONLY), List.of(b));
            // Both dialled B, so B knows their listen ports only from their own PeerExchange.
            Cluster.await(WAIT, "A and C to connect", () -> connected(a, cc) && connected(cc, a));

            // Whichever dialled first recorded the other; the second found it connected already.
            List<DiscoveredPeer> onA = pexReports(a);
            List<DiscoveredPeer> onC = pexReports(cc);
            assertTrue(onA.size() + onC.size() >= 1 && onA.size() <= 1 && onC.size() <= 1, onA + " " + onC);
            for (DiscoveredPeer p : onA) {
                assertEquals(cc.address(), p.address());
                assertEquals(cc.node().deviceId(), p.device());
            }
            for (DiscoveredPeer p : onC) {
                assertEquals(a.address(), p.address());
                assertEquals(a.node().deviceId(), p.device());
            }
            assertTrue(pexReports(b).isEmpty(), "B was told only of peers it is connected to");

            b.stop();
            Cluster.await(WAIT, "A and C to notice B left", () -> a.folderHandle().peers().size() == 1
                    && cc.folderHandle().peers().size() == 1);
            a.write("via-pex.txt", "from A, with B gone");
            Cluster.await(WAIT, "the file to reach C", () -> Files.exists(cc.path("via-pex.txt")));
            c.awaitConverged(WAIT, List.of(a, cc));
            assertEquals("from A, with B gone", Files.readString(cc.path("via-pex.txt")));
        }
    }

    @Test
    void aNodeWithPeerExchangeOffNeitherLearnsNorIsLearnt(@TempDir Path dir) throws Exception {
        SyncKey key = SyncKey.generate();
        try (Cluster c = new Cluster(dir, key)) {
            Cluster.Member b = c.addDialling("B", key, f -> f.discovery(PEX_ONLY), List.of());
            Cluster.Member a = c.addDialling("A", key, f -> f.discovery(DiscoverySettings.NONE), List.of(b));
            Cluster.Member cc = c.addDialling("C", key, f -> f.discovery(PEX_ONLY), List.of(b));
            Cluster.Member d = c.addDialling("D", key, f -> f.discovery(PEX_ONLY), List.of(b));
            // The control: B does exchange, so C and D, which have it on, meet.
            Cluster.await(WAIT, "C and D to connect", () -> connected(cc, d) && connected(d, cc));
            // Past two more send intervals of B: anything B was going to tell has been told.
            Cluster.sleep(Duration.ofSeconds(12).toMillis());

            assertEquals(List.of(b.node().deviceId()), a.folderHandle().peers().stream().map(PeerInfo::deviceId).toList(),
                    "A stays with the peer it was given");
            assertTrue(a.folderHandle().discoveredPeers().isEmpty(), "A records nothing: " + a.folderHandle().discoveredPeers());
            for (Cluster.Member m : List.of(cc, d)) {
                assertTrue(pexReports(m).stream().noneMatch(p -> a.node().deviceId().equals(p.device())
                        || a.address().equals(p.address())), m + " never heard of A: " + pexReports(m));
                assertTrue(!connected(m, a), m + " is not connected to A");
            }
        }
    }
}
