package dev.cloudless.sync.discovery.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.DiscoveredPeer;
import dev.cloudless.sync.DiscoverySettings;
import dev.cloudless.sync.FolderConfig;
import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.SyncNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our tracker clients and two whole nodes against Debian's opentracker on loopback. */
@Tag("integration")
class OpenTrackerInteropTest {
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(40);
    private static final byte[] PEER_ID = "-CS0100-testtesttest".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Test
    void twoNodesThatKnowOnlyAUdpTrackerFindEachOtherAndSync(@TempDir Path dir) throws Exception {
        nodesSyncThrough(dir, true);
    }

    @Test
    void twoNodesThatKnowOnlyAnHttpTrackerFindEachOtherAndSync(@TempDir Path dir) throws Exception {
        nodesSyncThrough(dir, false);
    }

    private static void nodesSyncThrough(Path dir, boolean udp) throws Exception {
        SyncKey key = SyncKey.generate();
        try (OpenTracker tracker = OpenTracker.start(dir, List.of(key.discoveryId()))) {
            URI uri = udp ? tracker.udp() : tracker.http();
            DiscoverySettings only = DiscoverySettings.NONE.withTrackers(List.of(uri));
            Files.createDirectories(dir.resolve("a"));
            Files.writeString(dir.resolve("a/hello.txt"), "found through the tracker");
            try (SyncNode a = node(dir.resolve("a"), dir.resolve("a.state"), key, only)) {
                Thread.sleep(500); // A is registered before B asks
                try (SyncNode b = node(dir.resolve("b"), dir.resolve("b.state"), key, only)) {
                    Path got = dir.resolve("b/hello.txt");
                    long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
                    while (!(Files.exists(got) && Files.readString(got).equals("found through the tracker"))) {
                        assertTrue(System.nanoTime() < deadline, "B did not receive the file through the tracker");
                        Thread.sleep(100);
                    }
                    List<DiscoveredPeer> seen = b.folders().get(0).discoveredPeers();
                    assertTrue(seen.stream().anyMatch(p -> p.method().equals("tracker")
                            && p.address().getPort() == a.listenAddresses().get(0).getPort()), seen.toString());
                }
                // B closed and sent stopped: the tracker no longer lists it.
                TrackerClient probe = client(uri);
                AnnounceResult r = probe.announce(key.discoveryId(), PEER_ID, 1, UdpMessages.EVENT_NONE, false);
                assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"),
                        a.listenAddresses().get(0).getPort())), r.peers().stream().filter(p -> p.getPort() != 1).toList());
            }
        }
    }

    private static TrackerClient client(URI uri) {
        return uri.getScheme().equals("udp")
                ? new UdpTrackerClient(uri.getHost(), uri.getPort(), new SecureRandom(), 500, 3)
                : new HttpTrackerClient(uri, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
    }

    private static SyncNode node(Path folder, Path data, SyncKey key, DiscoverySettings discovery) {
        return SyncNode.builder().dataDir(data).deviceName(folder.getFileName().toString())
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .folder(FolderConfig.builder(folder, key).discovery(discovery).build())
                .shutdownTimeout(Duration.ofSeconds(5)).build().start();
    }

    @Test
    void aRefusedInfoHashIsAnErrorOverUdpAndHttp(@TempDir Path dir) throws Exception {
        byte[] allowed = SyncKey.generate().discoveryId();
        byte[] refused = SyncKey.generate().discoveryId();
        try (OpenTracker tracker = OpenTracker.start(dir, List.of(allowed))) {
            for (URI uri : List.of(tracker.udp(), tracker.http())) {
                TrackerClient c = client(uri);
                assertThrows(TrackerException.class,
                        () -> c.announce(refused, PEER_ID, 4000, UdpMessages.EVENT_STARTED, false), uri.toString());
                AnnounceResult ok = c.announce(allowed, PEER_ID, 4000, UdpMessages.EVENT_STARTED, false);
                assertTrue(ok.intervalSeconds() > 0);
                c.announce(allowed, PEER_ID, 4000, UdpMessages.EVENT_STOPPED, true);
            }
        }
    }
}
