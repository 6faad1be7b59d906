package dev.cloudless.sync.discovery.dht;

import static dev.cloudless.sync.discovery.dht.DhtNodeTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.DiscoverySettings;
import dev.cloudless.sync.FolderConfig;
import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.spi.DiscoveryProvider;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DhtDiscoveryTest {
    static final DhtDiscovery.Timing FAST = new DhtDiscovery.Timing(Duration.ofMillis(300), Duration.ofSeconds(1));

    @TempDir
    Path dir;

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Test
    void isRegisteredAsAProvider() {
        assertTrue(ServiceLoader.load(DiscoveryProvider.class).stream()
                .anyMatch(p -> p.type() == DhtDiscoveryProvider.class && p.get().name().equals("dht")));
    }

    @Test
    void twoNodesFindEachOtherThroughABootstrapNodeAndTheTableSurvivesARestart() throws Exception {
        SyncKey key = SyncKey.generate();
        SyncKey other = SyncKey.generate();
        InetSocketAddress listenA = loopback(TestContext.freePort());
        InetSocketAddress listenB = loopback(TestContext.freePort());
        TestContext ctxA = new TestContext(List.of(listenA), dir.resolve("a"), List.of());
        try (DhtDiscovery a = new DhtDiscovery(ctxA, FAST)) {
            a.start();
            assertEquals(listenA.getPort(), a.udpAddress().getPort(), "binds the listen port");
            a.addFolder(FolderConfig.builder(dir.resolve("fa"), key).build());
            a.addFolder(FolderConfig.builder(dir.resolve("fo"), other)
                    .discovery(DiscoverySettings.DEFAULT.withDht(false)).build());
            TestContext ctxB = new TestContext(List.of(listenB), dir.resolve("b"), List.of(a.udpAddress()));
            try (DhtDiscovery b = new DhtDiscovery(ctxB, FAST)) {
                b.start();
                b.addFolder(FolderConfig.builder(dir.resolve("fb"), key).build());
                b.addFolder(FolderConfig.builder(dir.resolve("fb2"), other).build());
                await("b finds a", () -> ctxB.hasFound(key.discoveryId(), listenA));
                await("a finds b", () -> ctxA.hasFound(key.discoveryId(), listenB));
                Thread.sleep(1500); // a few more rounds
                assertFalse(ctxB.found.stream().anyMatch(f -> f.discoveryIdHex().equals(other.discoveryIdHex())
                        && f.address().equals(listenA)), "a never announced the folder with the DHT off");
                assertFalse(ctxA.hasFound(key.discoveryId(), listenA), "a does not report itself");
            }
            assertTrue(Files.exists(dir.resolve("b").resolve(RoutingTableFile.FILE_NAME)));
            // b again, with no bootstrap node: its saved table leads it back to a
            TestContext ctxB2 = new TestContext(List.of(listenB), dir.resolve("b"), List.of());
            try (DhtDiscovery b2 = new DhtDiscovery(ctxB2, FAST)) {
                b2.start();
                b2.addFolder(FolderConfig.builder(dir.resolve("fb"), key).build());
                await("restarted b finds a", () -> ctxB2.hasFound(key.discoveryId(), listenA));
            }
        }
    }

    @Test
    void withNoBootstrapAndNoSavedTableItContactsNobody() throws Exception {
        TestContext ctx = new TestContext(List.of(loopback(TestContext.freePort())), dir.resolve("x"), List.of());
        try (DhtDiscovery d = new DhtDiscovery(ctx, FAST)) {
            d.start();
            d.addFolder(FolderConfig.builder(dir.resolve("f"), SyncKey.generate()).build());
            Thread.sleep(1200);
            assertEquals(0, d.sentDatagrams());
            assertTrue(ctx.found.isEmpty());
        }
    }

    @Test
    void fallsBackToAFreePortWhenTheListenPortIsTaken() throws Exception {
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            TestContext ctx = new TestContext(List.of(loopback(taken.getLocalPort())), dir.resolve("y"), List.of());
            try (DhtDiscovery d = new DhtDiscovery(ctx, FAST)) {
                d.start();
                assertTrue(d.udpAddress().getPort() != taken.getLocalPort());
            }
        }
    }
}
