package dev.cloudless.sync.discovery.dht;

import static dev.cloudless.sync.discovery.dht.DhtNodeTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.DiscoverySettings;
import dev.cloudless.sync.FolderConfig;
import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.spi.DiscoveryProvider;
import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.StreamHandler;
import dev.cloudless.sync.spi.Transport;
import dev.cloudless.sync.spi.TransportListener;
import dev.cloudless.sync.transport.udp.UtpTransportProvider;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
            assertFalse(a.onSharedSocket(), "no UDP transport to share: its own socket");
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

    /** Echoes nothing: completes {@code first} with the first byte it receives. */
    private static StreamHandler firstByte(CompletableFuture<Byte> first) {
        return new StreamHandler() {
            @Override
            public void onData(ByteBuffer data) {
                first.complete(data.get(data.position()));
            }

            @Override
            public void onWritabilityChanged(boolean writable) {
            }

            @Override
            public void onClosed(Throwable cause) {
            }
        };
    }

    /** A uTP connection to {@code listener} carries one byte. */
    private static void assertUtpCarries(Transport utp, InetSocketAddress listener,
                                         BlockingQueue<StreamConnection> accepted, byte b) throws Exception {
        StreamConnection c = utp.connect(listener, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        StreamConnection s = accepted.poll(10, TimeUnit.SECONDS);
        assertNotNull(s, "accepted");
        CompletableFuture<Byte> got = new CompletableFuture<>();
        s.start(firstByte(got));
        c.start(firstByte(new CompletableFuture<>()));
        c.write(ByteBuffer.wrap(new byte[] {b}));
        assertEquals(b, got.get(10, TimeUnit.SECONDS));
        c.close();
    }

    @Test
    void runsOnTheUtpListenersSocketAndLeavesItToUtpOnClose() throws Exception {
        SyncKey key = SyncKey.generate();
        BlockingQueue<StreamConnection> accepted = new LinkedBlockingQueue<>();
        try (Transport utp = new UtpTransportProvider().create()) {
            TransportListener l = utp.listen(loopback(0), accepted::add);
            InetSocketAddress listenA = l.localAddress();
            InetSocketAddress listenB = loopback(TestContext.freePort());
            TestContext ctxA = new TestContext(List.of(listenA), dir.resolve("a"), List.of(),
                    List.of(l.datagramSocket().orElseThrow()));
            try (DhtDiscovery a = new DhtDiscovery(ctxA, FAST)) {
                a.start();
                assertTrue(a.onSharedSocket());
                assertEquals(listenA, a.udpAddress(), "the DHT is known by the node's listen port");
                a.addFolder(FolderConfig.builder(dir.resolve("fa"), key).build());
                // b knows a only by the listen port, which uTP holds: only the shared socket can answer there
                TestContext ctxB = new TestContext(List.of(listenB), dir.resolve("b"), List.of(listenA));
                try (DhtDiscovery b = new DhtDiscovery(ctxB, FAST)) {
                    b.start();
                    b.addFolder(FolderConfig.builder(dir.resolve("fb"), key).build());
                    await("b finds a", () -> ctxB.hasFound(key.discoveryId(), listenA));
                    await("a finds b", () -> ctxA.hasFound(key.discoveryId(), listenB));
                    assertTrue(b.node().knows(listenA), "b's table has a at the listen port");
                    assertUtpCarries(utp, listenA, accepted, (byte) 1);
                }
            }
            // The DHT is gone from the port; uTP keeps it.
            try (DatagramSocket raw = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                raw.setSoTimeout(1000);
                byte[] ping = Krpc.encode(KrpcMessage.Query.ping(new byte[] {1, 2}, NodeId.random()));
                raw.send(new DatagramPacket(ping, ping.length, listenA));
                assertThrows(SocketTimeoutException.class, () -> raw.receive(new DatagramPacket(new byte[1500], 1500)),
                        "a closed DHT does not answer");
            }
            assertUtpCarries(utp, listenA, accepted, (byte) 2);
        }
    }

    @Test
    void claimsOnlyWhatLooksLikeABencodedDictionary() throws Exception {
        byte[] ping = Krpc.encode(KrpcMessage.Query.ping(new byte[] {1, 2}, NodeId.random()));
        assertTrue(SharedDhtSocket.looksLikeKrpc(ByteBuffer.wrap(ping)));
        assertFalse(SharedDhtSocket.looksLikeKrpc(ByteBuffer.wrap("de".getBytes(StandardCharsets.US_ASCII))));
        assertFalse(SharedDhtSocket.looksLikeKrpc(ByteBuffer.wrap("li1ee".getBytes(StandardCharsets.US_ASCII))));
        assertFalse(SharedDhtSocket.looksLikeKrpc(ByteBuffer.wrap("dxe".getBytes(StandardCharsets.US_ASCII))));
        byte[] utpData = new byte[20];
        utpData[0] = 0x01; // uTP ST_DATA, version 1
        assertFalse(SharedDhtSocket.looksLikeKrpc(ByteBuffer.wrap(utpData)));
    }
}
