package dev.cloudless.sync.transport.tcp;

import static dev.cloudless.sync.transport.tcp.Recorder.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.StreamHandler;
import dev.cloudless.sync.spi.Transport;
import dev.cloudless.sync.spi.TransportListener;
import dev.cloudless.sync.spi.TransportProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TcpTransportTest {
    static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final Transport tcp = new TcpTransportProvider().create();
    private final BlockingQueue<StreamConnection> accepted = new LinkedBlockingQueue<>();

    @AfterEach
    void closeTransport() {
        tcp.close();
    }

    /** A listener whose accepted connections wait in {@link #accepted}, unstarted. */
    private TransportListener listen() throws IOException {
        return tcp.listen(ANY_LOOPBACK, accepted::add);
    }

    private StreamConnection connect(TransportListener l) throws Exception {
        return tcp.connect(l.localAddress(), CONNECT_TIMEOUT).get(10, TimeUnit.SECONDS);
    }

    private StreamConnection nextAccepted() throws InterruptedException {
        StreamConnection c = accepted.poll(10, TimeUnit.SECONDS);
        assertNotNull(c, "no connection accepted");
        return c;
    }

    @Test
    void providerIsFoundByServiceLoader() {
        TransportProvider p = ServiceLoader.load(TransportProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(x -> x.name().equals("tcp")).findFirst().orElseThrow();
        assertInstanceOf(TcpTransportProvider.class, p);
        try (Transport t = p.create()) {
            assertEquals("tcp", t.name());
        }
    }

    @Test
    void echo() throws Exception {
        // The server echoes every received byte back.
        TransportListener l = tcp.listen(ANY_LOOPBACK, c -> c.start(new StreamHandler() {
            @Override
            public void onData(ByteBuffer data) {
                ByteBuffer copy = ByteBuffer.allocate(data.remaining());
                copy.put(data).flip();
                c.write(copy);
            }

            @Override
            public void onWritabilityChanged(boolean writable) {}

            @Override
            public void onClosed(Throwable cause) {}
        }));
        StreamConnection client = connect(l);
        assertEquals("tcp", client.transport());
        assertEquals(l.localAddress(), client.remoteAddress());
        assertTrue(client.localAddress().getAddress().isLoopbackAddress());
        Recorder rec = new Recorder().startOn(client);
        byte[] msg = "hello, cloudless".getBytes(StandardCharsets.UTF_8);
        client.write(ByteBuffer.wrap(msg));
        assertTrue(await(() -> rec.received.get() >= msg.length));
        assertArrayEquals(msg, rec.bytes());
        client.close();
        assertTrue(rec.awaitClosed());
        assertNull(rec.cause);
        assertFalse(client.isOpen());
    }

    @Test
    void transfers256MiBEachWayIntact() throws Exception {
        long total = 256L << 20;
        TransportListener l = listen();
        StreamConnection client = connect(l);
        StreamConnection server = nextAccepted();
        Recorder atClient = new Recorder(false).startOn(client);
        Recorder atServer = new Recorder(false).startOn(server);
        CompletableFuture<byte[]> up = CompletableFuture.supplyAsync(() -> send(client, total, 1));
        CompletableFuture<byte[]> down = CompletableFuture.supplyAsync(() -> send(server, total, 2));
        byte[] sentUp = up.get(50, TimeUnit.SECONDS);
        byte[] sentDown = down.get(50, TimeUnit.SECONDS);
        assertTrue(await(() -> atServer.received.get() == total && atClient.received.get() == total),
                "received " + atServer.received + " and " + atClient.received);
        assertArrayEquals(sentUp, atServer.digest());
        assertArrayEquals(sentDown, atClient.digest());
    }

    /** Sends {@code total} pseudo-random bytes in 256 KiB writes, waiting while unwritable; returns their SHA-256. */
    static byte[] send(StreamConnection c, long total, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        MessageDigest sha = Recorder.sha256();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        for (long sent = 0; sent < total; ) {
            while (!c.isWritable()) {
                if (System.nanoTime() > deadline || !c.isOpen()) {
                    throw new AssertionError("stuck unwritable after " + sent + " bytes");
                }
                LockSupport.parkNanos(100_000);
            }
            int n = (int) Math.min(256 << 10, total - sent);
            byte[] chunk = new byte[n];
            for (int i = 0; i < n; i += 8) {
                long v = random.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    chunk[i + j] = (byte) (v >>> (8 * j));
                }
            }
            sha.update(chunk);
            c.write(ByteBuffer.wrap(chunk));
            sent += n;
        }
        return sha.digest();
    }

    @Test
    void writabilityFlipsWhenThePeerDoesNotRead() throws Exception {
        TransportListener l = listen();
        StreamConnection client = connect(l);
        StreamConnection server = nextAccepted();
        Recorder atServer = new Recorder(false);
        server.setReadable(false); // before start: nothing is read at all
        atServer.startOn(server);
        Recorder atClient = new Recorder().startOn(client);
        int chunk = 1 << 20;
        long written = 0;
        // Kernel buffers on loopback take a few MiB; 256 MiB is far beyond them plus the high-water mark.
        while (client.isWritable() && written < (256L << 20)) {
            client.write(ByteBuffer.allocate(chunk));
            written += chunk;
        }
        assertFalse(client.isWritable(), "still writable after " + written + " bytes to a peer that reads nothing");
        assertTrue(await(() -> atClient.writability.contains(false)), "no unwritable event");
        Thread.sleep(100);
        assertEquals(0, atServer.received.get(), "the paused peer read nothing");
        server.setReadable(true);
        long expected = written;
        assertTrue(await(() -> atServer.received.get() == expected), "received " + atServer.received);
        assertTrue(await(() -> atClient.writability.size() >= 2 && atClient.writability.get(atClient.writability.size() - 1)),
                "writable again: " + atClient.writability);
        assertTrue(client.isWritable());
    }

    @Test
    void setReadableFalseStopsDelivery() throws Exception {
        TransportListener l = listen();
        StreamConnection client = connect(l);
        StreamConnection server = nextAccepted();
        java.util.concurrent.atomic.AtomicInteger paused = new java.util.concurrent.atomic.AtomicInteger();
        Recorder atServer = new Recorder(false) {
            @Override
            public void onData(ByteBuffer data) {
                super.onData(data);
                server.setReadable(false); // pause after every delivery
                paused.incrementAndGet();
            }
        }.startOn(server);
        int total = 4 << 20;
        client.write(ByteBuffer.allocate(total));
        assertTrue(await(() -> paused.get() == 1));
        Thread.sleep(200);
        assertEquals(1, atServer.dataCalls.get(), "nothing is delivered while paused");
        assertTrue(atServer.received.get() < total);
        // Resume one delivery at a time until everything came.
        for (int round = 0; round < 100_000 && atServer.received.get() < total; round++) {
            int calls = paused.get();
            server.setReadable(true);
            assertTrue(await(() -> paused.get() > calls), "no delivery after resuming");
            assertEquals(paused.get(), atServer.dataCalls.get(), "one delivery per resume");
        }
        assertEquals(total, atServer.received.get());
    }

    @Test
    void connectToAClosedPortFails() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CompletableFuture<StreamConnection> f = tcp.connect(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT);
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void connectTimesOut() throws Exception {
        // A listener whose accept queue is full: Linux drops further SYNs, so connecting hangs.
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                boolean full = false;
                for (int i = 0; i < 16 && !full; i++) {
                    Socket f = new Socket();
                    fillers.add(f);
                    try {
                        f.connect(s.getLocalSocketAddress(), 200);
                    } catch (SocketTimeoutException e) {
                        full = true;
                    }
                }
                org.junit.jupiter.api.Assumptions.assumeTrue(full, "this kernel accepts beyond the backlog");
                long start = System.nanoTime();
                CompletableFuture<StreamConnection> f = tcp.connect(
                        (InetSocketAddress) s.getLocalSocketAddress(), Duration.ofMillis(300));
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertInstanceOf(IOException.class, e.getCause());
                assertTrue(millis >= 250, "failed after " + millis + " ms, before the timeout: " + e.getCause());
            } finally {
                for (Socket f : fillers) {
                    f.close();
                }
            }
        }
    }

    @Test
    void localCloseReportsOnceOnBothSides() throws Exception {
        TransportListener l = listen();
        StreamConnection client = connect(l);
        StreamConnection server = nextAccepted();
        Recorder atClient = new Recorder().startOn(client);
        Recorder atServer = new Recorder().startOn(server);
        client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        client.close();
        client.close();
        assertFalse(client.isOpen());
        client.write(ByteBuffer.wrap(new byte[] {4})); // dropped
        assertTrue(atClient.awaitClosed());
        assertTrue(atServer.awaitClosed());
        assertArrayEquals(new byte[] {1, 2, 3}, atServer.bytes(), "queued bytes are sent before the close");
        server.close();
        Thread.sleep(100);
        assertEquals(1, atClient.closedCalls.get());
        assertEquals(1, atServer.closedCalls.get());
        assertNull(atClient.cause);
        assertNull(atServer.cause);
    }

    @Test
    void resetByPeerReportsTheCauseOnce() throws Exception {
        TransportListener l = listen();
        try (Socket raw = new Socket()) {
            raw.connect(l.localAddress(), 5_000);
            Recorder atServer = new Recorder().startOn(nextAccepted());
            raw.getOutputStream().write(7);
            assertTrue(await(() -> atServer.received.get() == 1));
            raw.setSoLinger(true, 0); // close with RST
            raw.close();
            assertTrue(atServer.awaitClosed());
            assertInstanceOf(IOException.class, atServer.cause);
            Thread.sleep(100);
            assertEquals(1, atServer.closedCalls.get());
        }
    }

    @Test
    void closedBeforeStartIsReportedOnStart() throws Exception {
        TransportListener l = listen();
        StreamConnection client = connect(l);
        StreamConnection server = nextAccepted();
        server.close();
        assertTrue(await(() -> !server.isOpen()));
        Thread.sleep(50);
        Recorder atServer = new Recorder().startOn(server);
        assertTrue(atServer.awaitClosed());
        assertThrows(IllegalStateException.class, () -> server.start(new Recorder()));
        Recorder atClient = new Recorder().startOn(client);
        assertTrue(atClient.awaitClosed());
        Thread.sleep(50);
        assertEquals(1, atServer.closedCalls.get());
        assertEquals(1, atClient.closedCalls.get());
    }

    @Test
    void aFailingHandlerClosesTheConnectionWithItsException() throws Exception {
        TransportListener l = listen();
        StreamConnection client = connect(l);
        RuntimeException boom = new IllegalStateException("handler bug");
        Recorder atServer = new Recorder() {
            @Override
            public void onData(ByteBuffer data) {
                throw boom;
            }
        }.startOn(nextAccepted());
        Recorder atClient = new Recorder().startOn(client);
        client.write(ByteBuffer.wrap(new byte[] {1}));
        assertTrue(atServer.awaitClosed());
        assertEquals(boom, atServer.cause);
        assertTrue(atClient.awaitClosed());
        Thread.sleep(50);
        assertEquals(1, atServer.closedCalls.get());
        assertEquals(1, atClient.closedCalls.get());
    }

    @Test
    void closingTheTransportClosesEverything() throws Exception {
        TransportListener l = listen();
        StreamConnection client = connect(l);
        StreamConnection server = nextAccepted();
        Recorder atClient = new Recorder().startOn(client);
        Recorder atServer = new Recorder().startOn(server);
        tcp.close();
        assertTrue(atClient.awaitClosed());
        assertTrue(atServer.awaitClosed());
        assertFalse(client.isOpen());
        assertFalse(server.isOpen());
        assertThrows(IOException.class, () -> tcp.listen(ANY_LOOPBACK, c -> {}));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> tcp.connect(l.localAddress(), CONNECT_TIMEOUT).get(5, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        // The port is free again: the listener was closed.
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(l.localAddress());
        }
        tcp.close(); // idempotent
        assertEquals(1, atClient.closedCalls.get());
        assertEquals(1, atServer.closedCalls.get());
    }

    @Test
    void listenerCloseStopsAcceptingButKeepsConnections() throws Exception {
        TransportListener l = listen();
        StreamConnection client = connect(l);
        Recorder atServer = new Recorder().startOn(nextAccepted());
        Recorder atClient = new Recorder().startOn(client);
        l.close();
        l.close();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> tcp.connect(l.localAddress(), CONNECT_TIMEOUT).get(5, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        client.write(ByteBuffer.wrap(new byte[] {9}));
        assertTrue(await(() -> atServer.received.get() == 1));
        assertEquals(0, atClient.closedCalls.get());
    }
}
