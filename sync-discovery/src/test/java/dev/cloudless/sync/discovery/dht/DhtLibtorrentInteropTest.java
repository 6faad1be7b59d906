package dev.cloudless.sync.discovery.dht;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.DiscoveredPeer;
import dev.cloudless.sync.DiscoverySettings;
import dev.cloudless.sync.FolderConfig;
import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.SyncNode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our DHT against libtorrent 2.0's (Debian python3-libtorrent), all on 127.0.0.1. libtorrent is
 * linked to other nodes with add_dht_node and has its public bootstrap router cleared, so
 * nothing leaves the machine.
 */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DhtLibtorrentInteropTest {
    private static final long WAIT_MILLIS = 60_000;

    @TempDir
    Path dir;

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    private static void await(String what, BooleanSupplier condition, LibtorrentDht lt) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what + "; libtorrent said " + lt.lines);
            }
            Thread.sleep(50);
        }
    }

    private DhtDiscovery ours(TestContext ctx, SyncKey key, String name) throws Exception {
        DhtDiscovery d = new DhtDiscovery(ctx, DhtDiscoveryTest.FAST);
        d.start();
        d.addFolder(FolderConfig.builder(dir.resolve(name), key).build());
        return d;
    }

    @Test
    void libtorrentFindsOurAnnounce() throws Exception {
        SyncKey key = SyncKey.generate();
        InetSocketAddress listen = loopback(TestContext.freePort());
        try (LibtorrentDht lt = new LibtorrentDht(List.of("--nodes", "2", "--get-peers", key.discoveryIdHex()))) {
            TestContext ctx = new TestContext(List.of(listen), dir.resolve("a"), List.of(loopback(lt.port(0))));
            try (DhtDiscovery a = ours(ctx, key, "fa")) {
                await("libtorrent to find our announce",
                        () -> lt.printed("PEER " + key.discoveryIdHex() + " 127.0.0.1:" + listen.getPort()), lt);
            }
        }
    }

    @Test
    void ourLookupFindsLibtorrentsAnnounce() throws Exception {
        SyncKey key = SyncKey.generate();
        try (LibtorrentDht lt = new LibtorrentDht(List.of("--nodes", "2", "--announce", key.discoveryIdHex()))) {
            TestContext ctx = new TestContext(List.of(loopback(TestContext.freePort())), dir.resolve("b"),
                    List.of(loopback(lt.port(1))));
            try (DhtDiscovery b = ours(ctx, key, "fb")) {
                await("our lookup to find libtorrent's announce",
                        () -> ctx.hasFound(key.discoveryId(), loopback(lt.port(0))), lt);
            }
        }
    }

    @Test
    void twoOfOurNodesFindEachOtherThroughLibtorrentOnly() throws Exception {
        SyncKey key = SyncKey.generate();
        InetSocketAddress listenA = loopback(TestContext.freePort());
        InetSocketAddress listenB = loopback(TestContext.freePort());
        try (LibtorrentDht lt = new LibtorrentDht(List.of("--nodes", "2"))) {
            TestContext ctxA = new TestContext(List.of(listenA), dir.resolve("a"), List.of(loopback(lt.port(0))));
            TestContext ctxB = new TestContext(List.of(listenB), dir.resolve("b"), List.of(loopback(lt.port(1))));
            try (DhtDiscovery a = ours(ctxA, key, "fa"); DhtDiscovery b = ours(ctxB, key, "fb")) {
                await("b to find a", () -> ctxB.hasFound(key.discoveryId(), listenA), lt);
                await("a to find b", () -> ctxA.hasFound(key.discoveryId(), listenB), lt);
                assertTrue(!a.node().knows(b.udpAddress()) || !b.node().knows(a.udpAddress())
                        || a.node().tableSize() > 1, "they met through libtorrent's nodes");
            }
        }
    }

    /**
     * The "done when": two whole nodes that know nothing but a DHT bootstrap node (a
     * libtorrent node each) find each other through the DHT and sync a file; their DHT nodes run
     * on the uTP listeners' sockets, on the listen port.
     */
    @Test
    void twoWholeNodesBootstrappedOnlyFromLibtorrentFindEachOtherAndSync() throws Exception {
        SyncKey key = SyncKey.generate();
        DiscoverySettings dhtOnly = DiscoverySettings.NONE.withDht(true);
        try (LibtorrentDht lt = new LibtorrentDht(List.of("--nodes", "2"))) {
            java.nio.file.Files.createDirectories(dir.resolve("a"));
            java.nio.file.Files.writeString(dir.resolve("a/hello.txt"), "found through the DHT");
            try (SyncNode a = wholeNode("a", key, dhtOnly, loopback(lt.port(0)));
                 SyncNode b = wholeNode("b", key, dhtOnly, loopback(lt.port(1)))) {
                Path got = dir.resolve("b/hello.txt");
                await("B to receive the file through the DHT", () -> {
                    try {
                        return java.nio.file.Files.exists(got)
                                && java.nio.file.Files.readString(got).equals("found through the DHT");
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }, lt);
                List<DiscoveredPeer> seen = new java.util.ArrayList<>(a.folders().get(0).discoveredPeers());
                seen.addAll(b.folders().get(0).discoveredPeers());
                assertTrue(seen.stream().anyMatch(p -> p.method().equals("dht")), seen.toString());
                assertTrue(seen.stream().allMatch(p -> p.method().equals("dht")), "no other method ran: " + seen);
                // uTP is on the class path, so each DHT shares uTP's socket: libtorrent knows our nodes by
                // the ports they listen on, not by a second socket's.
                for (SyncNode n : List.of(a, b)) {
                    int port = n.listenAddresses().get(0).getPort();
                    await("libtorrent's table to hold our node at its listen port " + port,
                            () -> lt.printed("NODE 0 127.0.0.1:" + port) || lt.printed("NODE 1 127.0.0.1:" + port), lt);
                }
            }
        }
    }

    private SyncNode wholeNode(String name, SyncKey key, DiscoverySettings discovery, InetSocketAddress bootstrap) {
        return SyncNode.builder().dataDir(dir.resolve(name + ".state")).deviceName(name)
                .listen(loopback(0)).dhtBootstrap(bootstrap)
                .folder(FolderConfig.builder(dir.resolve(name), key).discovery(discovery).build())
                .shutdownTimeout(java.time.Duration.ofSeconds(5)).build().start();
    }
}
