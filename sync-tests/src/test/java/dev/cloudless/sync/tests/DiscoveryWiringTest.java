package dev.cloudless.sync.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.DiscoveredPeer;
import dev.cloudless.sync.DiscoverySettings;
import dev.cloudless.sync.FolderConfig;
import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.SyncNode;
import dev.cloudless.sync.spi.SharedDatagramSocket;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
            // Nobody accepts connections at a wildcard, multicast or broadcast address.
            for (String undialable : List.of("0.0.0.0", "::", "224.0.0.1", "ff02::1", "255.255.255.255")) {
                da.context.found(id(key), new InetSocketAddress(InetAddress.getByName(undialable), 4004), null, "scripted");
            }
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

    private static SyncNode node(Path dir, String name, SyncKey key, String... transports) {
        return SyncNode.builder().dataDir(dir.resolve(name + ".state")).deviceName(name)
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .folder(FolderConfig.builder(dir.resolve(name), key).discovery(DiscoverySettings.NONE).build())
                .transports(transports).shutdownTimeout(Duration.ofSeconds(5)).build().start();
    }

    /** What the DHT relies on: the context offers uTP's listener socket, on the listen port, and nothing without uTP. */
    @Test
    void methodsGetTheUtpListenersSocketOnTheListenPortAndNoneWithTcpOnly(@TempDir Path dir) throws Exception {
        SyncKey key = SyncKey.generate();
        try (SyncNode both = node(dir, "both", key, "tcp", "utp"); SyncNode tcpOnly = node(dir, "tcp", key, "tcp")) {
            assertEquals(List.of(), ScriptedDiscovery.BY_DEVICE.get(tcpOnly.deviceId()).context.datagramSockets());

            List<SharedDatagramSocket> sockets = ScriptedDiscovery.BY_DEVICE.get(both.deviceId()).context.datagramSockets();
            assertEquals(1, sockets.size(), sockets.toString());
            SharedDatagramSocket udp = sockets.get(0);
            InetSocketAddress listen = both.listenAddresses().get(0);
            assertEquals(listen.getPort(), udp.localAddress().getPort(), "uTP listens on TCP's port number");
            // A method talks on it: whatever starts with "d1:" is echoed from the listen port.
            SharedDatagramSocket.Registration r = udp.register(
                    d -> d.remaining() > 3 && d.get(d.position()) == 'd' && d.get(d.position() + 1) == '1',
                    (from, d) -> udp.send(from, d));
            try (DatagramSocket raw = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                raw.setSoTimeout(1000);
                byte[] q = "d1:q4:pinge".getBytes(StandardCharsets.US_ASCII);
                DatagramPacket answer = new DatagramPacket(new byte[64], 64);
                for (int attempt = 0; ; attempt++) {
                    raw.send(new DatagramPacket(q, q.length, new InetSocketAddress(InetAddress.getLoopbackAddress(),
                            listen.getPort())));
                    try {
                        raw.receive(answer);
                        break;
                    } catch (java.net.SocketTimeoutException lost) {
                        assertTrue(attempt < 5, "no echo from the node's listen port");
                    }
                }
                assertEquals(listen.getPort(), answer.getPort());
                assertEquals("d1:q4:pinge", new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII));
            } finally {
                r.close();
            }
            // uTP on that socket is untouched: a uTP-only node reaches the node there and syncs.
            Files.writeString(dir.resolve("both/hello.txt"), "over the shared socket");
            try (SyncNode utpOnly = node(dir, "utp", key, "utp")) {
                ScriptedDiscovery.BY_DEVICE.get(utpOnly.deviceId()).context.found(id(key), listen, null, "scripted");
                Cluster.await(WAIT, "the file to arrive over uTP", () -> Files.exists(dir.resolve("utp/hello.txt")));
                assertEquals("utp", utpOnly.folders().get(0).peers().get(0).transport());
            }
        }
    }
}
