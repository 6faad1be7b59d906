package dev.cloudless.sync.transport.udp;

import static dev.cloudless.sync.transport.udp.Recorder.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.Transport;
import dev.cloudless.sync.spi.TransportListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interoperability with libutp (BitTorrent's reference uTP) through the npm package utp-native:
 * both directions, 64 MiB each with the SHA-256 of the stream compared, many short connections,
 * and FIN and RESET from each side.
 */
@Tag("integration")
@Timeout(180)
class UtpInteropTest {
    static final long BULK_BYTES = 64L << 20;
    static final long BULK_MILLIS = 150_000;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final Transport utp = new UtpTransportProvider().create();

    @BeforeAll
    static void needsNodeAndUtpNative() {
        Assumptions.assumeTrue(NodeUtpPeer.nodeAvailable(), "node is not installed");
        Assumptions.assumeTrue(NodeUtpPeer.nodeModules() != null, "utp-native is not installed (scripts/install-test-deps.sh)");
    }

    @AfterEach
    void close() {
        utp.close();
    }

    private StreamConnection connect(int port) throws Exception {
        return utp.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT).get(20, TimeUnit.SECONDS);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static void report(String what, long start) {
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("interop %s: %d MiB in %.2f s (%.1f MiB/s)%n", what, BULK_BYTES >> 20, secs, (BULK_BYTES >> 20) / secs);
    }

    @Test
    void ourClientSends64MiBToALibutpServer() throws Exception {
        try (NodeUtpPeer server = NodeUtpPeer.start("server", "sink", 0, 0)) {
            StreamConnection c = connect(server.port());
            Recorder r = new Recorder().startOn(c);
            long start = System.nanoTime();
            byte[] sha = UtpTransportTest.send(c, BULK_BYTES, 1);
            c.close(); // our FIN ends libutp's stream
            String line = server.expect("SINK ", BULK_MILLIS);
            report("our client -> libutp server", start);
            assertEquals("SINK " + hex(sha) + " " + BULK_BYTES, line);
            assertTrue(r.awaitClosed());
            assertNull(r.cause);
        }
    }

    @Test
    void aLibutpServerSends64MiBToOurClient() throws Exception {
        try (NodeUtpPeer server = NodeUtpPeer.start("server", "source", BULK_BYTES, 0)) {
            StreamConnection c = connect(server.port());
            Recorder r = new Recorder(false).startOn(c);
            long start = System.nanoTime();
            c.write(ByteBuffer.wrap("go".getBytes(StandardCharsets.US_ASCII))); // libutp servers wait for our first data
            String line = server.expect("SOURCE ", BULK_MILLIS);
            assertTrue(await(() -> r.closedCalls.get() == 1, BULK_MILLIS), "libutp's FIN ends our stream; got " + r.received);
            report("libutp server -> our client", start);
            assertNull(r.cause);
            assertEquals(line, "SOURCE " + hex(r.digest()) + " " + r.received.get());
            assertEquals(BULK_BYTES, r.received.get());
        }
    }

    @Test
    void aLibutpClientSends64MiBToOurServer() throws Exception {
        BlockingQueue<Recorder> accepted = new LinkedBlockingQueue<>();
        TransportListener l = utp.listen(new InetSocketAddress("127.0.0.1", 0), c -> accepted.add(new Recorder(false).startOn(c)));
        long start = System.nanoTime();
        try (NodeUtpPeer client = NodeUtpPeer.start("client", "source", BULK_BYTES, l.localAddress().getPort())) {
            Recorder r = accepted.poll(20, TimeUnit.SECONDS);
            assertNotNull(r, "libutp's connection was not accepted");
            String line = client.expect("SOURCE ", BULK_MILLIS);
            assertTrue(await(() -> r.closedCalls.get() == 1, BULK_MILLIS), "libutp's FIN ends our stream; got " + r.received);
            report("libutp client -> our server", start);
            assertNull(r.cause);
            assertEquals(line, "SOURCE " + hex(r.digest()) + " " + r.received.get());
            client.expect("CLOSED", 20_000); // our FIN in return closed libutp's side cleanly
        }
    }

    @Test
    void ourServerSends64MiBToALibutpClient() throws Exception {
        CompletableFuture<byte[]> sent = new CompletableFuture<>();
        TransportListener l = utp.listen(new InetSocketAddress("127.0.0.1", 0), c -> c.start(new Recorder() {
            boolean asked;

            @Override
            public void onData(ByteBuffer data) {
                super.onData(data);
                if (!asked) {
                    asked = true;
                    CompletableFuture.runAsync(() -> {
                        try {
                            sent.complete(UtpTransportTest.send(c, BULK_BYTES, 2));
                            c.close();
                        } catch (Throwable t) {
                            sent.completeExceptionally(t);
                        }
                    });
                }
            }
        }));
        long start = System.nanoTime();
        try (NodeUtpPeer client = NodeUtpPeer.start("client", "sink", 0, l.localAddress().getPort())) {
            String line = client.expect("SINK ", BULK_MILLIS);
            report("our server -> libutp client", start);
            assertEquals("SINK " + hex(sent.get(10, TimeUnit.SECONDS)) + " " + BULK_BYTES, line);
        }
    }

    @Test
    void manyShortConnectionsFromLibutpToOurEchoServer() throws Exception {
        int n = 40; // libutp itself takes ~0.5 s per connection here: it closes on its 500 ms timeout tick
        TransportListener l = utp.listen(new InetSocketAddress("127.0.0.1", 0), c -> c.start(new Recorder() {
            @Override
            public void onData(ByteBuffer data) {
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                c.write(ByteBuffer.wrap(copy));
            }
        }));
        try (NodeUtpPeer client = NodeUtpPeer.start("client", "echo-many", n, l.localAddress().getPort())) {
            assertEquals("ECHOED " + n, client.expect("ECHOED ", 120_000));
        }
    }

    @Test
    void manyShortConnectionsFromUsToALibutpEchoServer() throws Exception {
        try (NodeUtpPeer server = NodeUtpPeer.start("server", "echo", 0, 0)) {
            int port = server.port();
            for (int i = 0; i < 200; i++) {
                StreamConnection c = connect(port);
                Recorder r = new Recorder().startOn(c);
                byte[] msg = ("ping " + i).getBytes(StandardCharsets.US_ASCII);
                c.write(ByteBuffer.wrap(msg));
                assertTrue(await(() -> r.received.get() == msg.length), "echo " + i);
                assertArrayEquals(msg, r.bytes());
                c.close(); // FIN from us; libutp's echo server answers with its FIN
                assertTrue(r.awaitClosed(), "close " + i);
                assertNull(r.cause);
            }
        }
    }

    @Test
    void ourResetReachesALibutpClient() throws Exception {
        TransportListener l = utp.listen(new InetSocketAddress("127.0.0.1", 0), c -> c.start(new Recorder() {
            @Override
            public void onData(ByteBuffer data) {
                throw new IllegalStateException("refuse this peer"); // the connection is reset
            }
        }));
        try (NodeUtpPeer client = NodeUtpPeer.start("client", "reset-wait", 0, l.localAddress().getPort())) {
            assertEquals("ERROR UTP_ECONNRESET", client.expect("ERROR ", 20_000));
        }
    }

    @Test
    void aRestartedLibutpPeerResetsOurConnection() throws Exception {
        int port;
        StreamConnection c;
        Recorder r;
        try (NodeUtpPeer server = NodeUtpPeer.start("server", "crash", 0, 0)) {
            port = server.port();
            c = connect(port);
            r = new Recorder().startOn(c);
            c.write(ByteBuffer.wrap(new byte[] {1}));
            server.expect("CRASH", 20_000);
            assertTrue(server.waitFor(10_000), "the libutp peer exits without FIN or RESET");
        }
        // A new libutp on the same port knows nothing of our connection and answers it with ST_RESET.
        try (NodeUtpPeer restarted = NodeUtpPeer.start("server", "idle", 0, port)) {
            assertEquals(port, restarted.port());
            c.write(ByteBuffer.wrap(new byte[] {2}));
            assertTrue(r.awaitClosed(), "no reset within the wait");
            assertInstanceOf(IOException.class, r.cause);
            assertTrue(r.cause.getMessage().contains("reset"), r.cause.getMessage());
        }
    }
}
