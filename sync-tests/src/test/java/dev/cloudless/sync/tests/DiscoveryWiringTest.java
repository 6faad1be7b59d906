package dev.cloudless.sync.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.DiscoveredPeer;
import dev.cloudless.sync.DiscoverySettings;
import dev.cloudless.sync.SyncKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's side of discovery, driven through the real {@code DiscoveryContext} of real
 * nodes on loopback: the folder lifecycle reaches the methods, a report dials the peer and shows
 * in {@code Folder.discoveredPeers()}, self-reports, unknown folders and floods are ignored.
 */
class DiscoveryWiringTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static byte[] id(SyncKey key) {
        return key.discoveryId();
    }

    @Test
    void aReportedAddressIsDialledAndListedWithItsMethod(@TempDir Path dir) throws Exception {
        SyncKey key = SyncKey.generate();
        try (Cluster c = new Cluster(dir, key)) {
            Cluster.Member a = c.add("A", key, b -> b.discovery(DiscoverySettings.NONE));
            // B knows no peer: only the report below can connect the two.
            Cluster.Member b = new Cluster(dir, key).add("B", key, x -> x.discovery(DiscoverySettings.NONE));
            try {
                ScriptedDiscovery da = ScriptedDiscovery.BY_DEVICE.get(a.node().deviceId());
                assertNotNull(da, "the provider on the class path was loaded");
                assertTrue(da.started);
                assertEquals(List.of(key.discoveryIdHex()), da.added);
                assertEquals(a.node().listenAddresses(), da.context.listenAddresses());
                assertEquals(a.node().deviceId(), da.context.deviceId());

                a.write("hello.txt", "found by discovery");
                ScriptedDiscovery db = ScriptedDiscovery.BY_DEVICE.get(b.node().deviceId());
                db.context.found(id(key), a.address(), null, "scripted");
                b.awaitPeers(1);
                Cluster.await(WAIT, "the file to arrive", () -> java.nio.file.Files.exists(b.path("hello.txt")));

                List<DiscoveredPeer> seen = b.folderHandle().discoveredPeers();
                assertEquals(1, seen.size());
                DiscoveredPeer p = seen.get(0);
                assertEquals(a.address(), p.address());
                assertEquals("scripted", p.method());
                assertNull(p.device());
                assertTrue(!p.lastSeen().isBefore(p.firstSeen()));

                // A second report renews the entry without a second connection.
                db.context.found(id(key), a.address(), a.node().deviceId(), "scripted");
                Cluster.await(WAIT, "the renewal", () -> b.folderHandle().discoveredPeers().get(0).device() != null);
                assertEquals(p.firstSeen(), b.folderHandle().discoveredPeers().get(0).firstSeen());
                assertEquals(1, b.folderHandle().peers().size());

                b.node().removeFolder(key.discoveryIdHex());
                assertEquals(List.of(key.discoveryIdHex()), db.removed);
                b.stop();
                assertTrue(db.closed);
            } finally {
                b.stop();
            }
        }
    }

    @Test
    void selfReportsUnknownFoldersAndFloodsAreIgnoredOrBounded(@TempDir Path dir) throws Exception {
        SyncKey key = SyncKey.generate();
        try (Cluster c = new Cluster(dir, key)) {
            Cluster.Member a = c.add("A", key, b -> b.discovery(DiscoverySettings.NONE));
            ScriptedDiscovery da = ScriptedDiscovery.BY_DEVICE.get(a.node().deviceId());
            da.context.found(id(key), a.address(), null, "scripted");
            da.context.found(id(key), new InetSocketAddress("127.0.0.9", 4000), a.node().deviceId(), "scripted");
            da.context.found(id(SyncKey.generate()), new InetSocketAddress("127.0.0.9", 4001), null, "scripted");
            da.context.found(new byte[3], new InetSocketAddress("127.0.0.9", 4002), null, "scripted");
            // A marker report after the ignored ones: once it shows, the others were processed.
            InetSocketAddress marker = new InetSocketAddress("127.0.0.9", 4003);
            da.context.found(id(key), marker, null, "scripted");
            Cluster.await(WAIT, "the marker", () -> !a.folderHandle().discoveredPeers().isEmpty());
            Cluster.sleep(200);
            assertEquals(List.of(marker), a.folderHandle().discoveredPeers().stream().map(DiscoveredPeer::address).toList());

            // Nothing listens on these: each dial fails at once, and the table stays bounded.
            for (int i = 0; i < 600; i++) {
                da.context.found(id(key), new InetSocketAddress(InetAddress.getByName("127.0.1." + (i % 250 + 1)),
                        10_000 + i), null, "scripted");
            }
            Cluster.sleep(500);
            int n = a.folderHandle().discoveredPeers().size();
            assertTrue(n > 100 && n <= 256, "bounded table, was " + n);
        }
    }
}
