package dev.cloudless.sync.transport.udp;

import static dev.cloudless.sync.transport.udp.Recorder.await;
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
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class UtpTransportTest {
    static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final Transport utp = new UtpTransportProvider().create();
    private final BlockingQueue<StreamConnection> accepted = new LinkedBlockingQueue<>();

    @AfterEach
    void closeTransport() {
        utp.close();
    }

    private TransportListener listen() throws IOException {
        return utp.listen(ANY_LOOPBACK, accepted::add);
    }

    private StreamConnection connect(TransportListener l) throws Exception {
        return utp.connect(l.localAddress(), CONNECT_TIMEOUT).get(10, TimeUnit.SECONDS);
    }

    private StreamConnection nextAccepted() throws InterruptedException {
        StreamConnection c = accepted.poll(10, TimeUnit.SECONDS);
        assertNotNull(c, "no connection accepted");
        return c;
    }

    @Test
    void providerIsFoundByServiceLoader() {
        TransportProvider p = ServiceLoader.load(TransportProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(x -> x.name().equals("utp")).findFirst().orElseThrow();
        assertInstanceOf(UtpTransportProvider.class, p);
        try (Transport t = p.create()) {
            assertEquals("utp", t.name());
        }
    }

    @Test
    void echo() throws Exception {
        TransportListener l = utp.listen(ANY_LOOPBACK, c -> c.start(new StreamHandler() {
            @Override
            public void onData(ByteBuffer data) {
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                c.write(ByteBuffer.wrap(copy));
            }

            @Override
            public void onWritabilityChanged(boolean writable) {
            }

            @Override
            public void onClosed(Throwable cause) {
            }
        }));
        StreamConnection client = connect(l);
        assertEquals("utp", client.transport());
        assertEquals(l.localAddress().getPort(), client.remoteAddress().getPort());
        Recorder r = new Recorder().startOn(client);
        byte[] hello = "hello, uTP".getBytes(StandardCharsets.UTF_8);
        client.write(ByteBuffer.wrap(hello));
        assertTrue(await(() -> r.received.get() == hello.length));
        assertArrayEquals(hello, r.bytes());
    }

    @Test
    void serverMaySendFirst() throws Exception {
        TransportListener l = utp.listen(ANY_LOOPBACK, c -> {
            c.start(new Recorder());
            c.write(ByteBuffer.wrap(new byte[] {42}));
        });
        Recorder r = new Recorder().startOn(connect(l));
        assertTrue(await(() -> r.received.get() == 1));
        assertArrayEquals(new byte[] {42}, r.bytes());
    }

    @Test
    void transfers32MiBEachWayIntact() throws Exception {
        long total = 32L << 20;
        TransportListener l = listen();
        StreamConnection client = connect(l);
        StreamConnection server = nextAccepted();
        Recorder atClient = new Recorder(false).startOn(client);
        Recorder atServer = new Recorder(false).startOn(server);
        long start = System.nanoTime();
        CompletableFuture<byte[]> up = CompletableFuture.supplyAsync(() -> send(client, total, 1));
        CompletableFuture<byte[]> down = CompletableFuture.supplyAsync(() -> send(server, total, 2));
        byte[] sentUp = up.get(50, TimeUnit.SECONDS);
        byte[] sentDown = down.get(50, TimeUnit.SECONDS);
        assertTrue(await(() -> atServer.received.get() == total && atClient.received.get() == total),
                "received " + atServer.received + " and " + atClient.received);
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("uTP loopback: 2 x %d MiB in %.2f s (%.1f MiB/s each way)%n", total >> 20, secs, (total >> 20) / secs);
        System.out.println("client " + ((UtpConnection) client).stats() + "\nserver " + ((UtpConnection) server).stats());
        assertArrayEquals(sentUp, atServer.digest());
        assertArrayEquals(sentDown, atClient.digest());
    }

    /** Sends {@code total} pseudo-random bytes in 256 KiB writes, waiting while unwritable; returns their SHA-256. */
    static byte[] send(StreamConnection c, long total, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        MessageDigest sha = Recorder.sha256();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
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
        server.setReadable(false);
        atServer.startOn(server);
        Recorder atClient = new Recorder().startOn(client);
        int chunk = 1 << 20;
        long written = 0;
        while (client.isWritable() && written < (64L << 20)) {
            client.write(ByteBuffer.allocate(chunk));
            written += chunk;
        }
        assertFalse(client.isWritable(), "still writable after " + written + " bytes to a peer that reads nothing");
        assertTrue(await(() -> atClient.writability.contains(false)), "no unwritable event");
        Thread.sleep(200);
        assertEquals(0, atServer.received.get(), "the paused peer read nothing");
        server.setReadable(true);
        long expected = written;
        assertTrue(await(() -> atServer.received.get() == expected), "received " + atServer.received);
        assertTrue(await(() -> atClient.writability.size() >= 2 && atClient.writability.get(atClient.writability.size() - 1)),
                "writable again: " + atClient.writability);
        assertTrue(client.isWritable());
    }

    @Test
    void pausedReaderShutsTheWindowAndTheSenderStops() throws Exception {
        TransportListener l = listen();
        StreamConnection client = connect(l);
        StreamConnection server = nextAccepted();
        Recorder atServer = new Recorder(false);
        server.setReadable(false);
        atServer.startOn(server);
        new Recorder().startOn(client);
        client.write(ByteBuffer.allocate(16 << 20));
        UtpConnection s = (UtpConnection) server;
        // The receiver buffers at most its advertised window (plus one packet), however much is queued.
        Thread.sleep(1500);
        assertEquals(0, atServer.received.get());
        long queued = ((UtpConnection) client).queuedBytesForTest();
        assertTrue(queued > (16 << 20) - UtpConnection.RECV_BUFFER_BYTES - 2 * UtpConnection.LOOPBACK_PAYLOAD_BYTES,
                "sender kept " + queued + " bytes: it sent more than the window");
        assertTrue(s.bufferedBytesForTest() <= UtpConnection.RECV_BUFFER_BYTES + UtpConnection.LOOPBACK_PAYLOAD_BYTES);
        server.setReadable(true);
        assertTrue(await(() -> atServer.received.get() == 16 << 20), "received " + atServer.received);
    }

    @Test
    void setReadableFalseStopsDelivery() throws Exception {
        TransportListener l = listen();
        StreamConnection client = connect(l);
        StreamConnection server = nextAccepted();
        AtomicInteger paused = new AtomicInteger();
        Recorder atServer = new Recorder(false) {
            @Override
            public void onData(ByteBuffer data) {
                super.onData(data);
                server.setReadable(false);
                paused.incrementAndGet();
            }
        }.startOn(server);
        int total = 256 << 10;
        client.write(ByteBuffer.allocate(total));
        assertTrue(await(() -> paused.get() == 1));
        Thread.sleep(200);
        assertEquals(1, atServer.dataCalls.get(), "nothing is delivered while paused");
        for (int round = 0; round < 100_000 && atServer.received.get() < total; round++) {
            int calls = paused.get();
            server.setReadable(true);
            assertTrue(await(() -> paused.get() > calls), "no delivery after resuming");
            assertEquals(paused.get(), atServer.dataCalls.get(), "one delivery per resume");
        }
        assertEquals(total, atServer.received.get());
    }

    @Test
    void connectToAPortWithoutListenerTimesOut() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        long start = System.nanoTime();
        CompletableFuture<StreamConnection> f = utp.connect(new InetSocketAddress("127.0.0.1", port), Duration.ofMillis(300));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(250));
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
        assertArrayEquals(new byte[] {1, 2, 3}, atServer.bytes(), "queued bytes are sent before the FIN");
        server.close();
        Thread.sleep(100);
        assertEquals(1, atClient.closedCalls.get());
        assertEquals(1, atServer.closedCalls.get());
        assertNull(atClient.cause);
        assertNull(atServer.cause);
    }

    @Test
    void closedBeforeStartIsReportedOnStart() throws Exception {
        TransportListener l = listen();
        StreamConnection client = connect(l);
        StreamConnection server = nextAccepted();
        server.close();
        assertFalse(server.isOpen());
        Thread.sleep(100);
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
    void aFailingHandlerResetsTheConnection() throws Exception {
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
        assertInstanceOf(IOException.class, atClient.cause, "the client hears the ST_RESET");
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
        utp.close();
        assertTrue(atClient.awaitClosed());
        assertTrue(atServer.awaitClosed());
        assertFalse(client.isOpen());
        assertFalse(server.isOpen());
        assertThrows(IOException.class, () -> utp.listen(ANY_LOOPBACK, c -> { }));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> utp.connect(l.localAddress(), CONNECT_TIMEOUT).get(5, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        try (DatagramSocket s = new DatagramSocket(l.localAddress())) {
            assertEquals(l.localAddress().getPort(), s.getLocalPort(), "the port is free again");
        }
        utp.close();
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
                () -> utp.connect(l.localAddress(), Duration.ofMillis(500)).get(5, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        client.write(ByteBuffer.wrap(new byte[] {9}));
        assertTrue(await(() -> atServer.received.get() == 1));
        assertEquals(0, atClient.closedCalls.get());
    }

    @Test
    void manyConnectionsShareOneSocket() throws Exception {
        TransportListener l = utp.listen(ANY_LOOPBACK, c -> c.start(new Recorder() {
            @Override
            public void onData(ByteBuffer data) {
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                c.write(ByteBuffer.wrap(copy));
                c.close();
            }
        }));
        for (int i = 0; i < 50; i++) {
            StreamConnection c = connect(l);
            Recorder r = new Recorder().startOn(c);
            c.write(ByteBuffer.wrap(new byte[] {(byte) i}));
            assertTrue(r.awaitClosed());
            assertNull(r.cause);
            assertArrayEquals(new byte[] {(byte) i}, r.bytes());
        }
        UtpTransport t = (UtpTransport) utp;
        assertEquals(2, t.sockets().size(), "one listening and one outgoing socket");
    }

    // ---- hostile datagrams, from a plain UDP socket ----

    private static byte[] wire(UtpPacket p) {
        ByteBuf b = Unpooled.buffer();
        p.encode(b);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    @Test
    void packetsOfUnknownConnectionsAreAnsweredWithReset() throws Exception {
        TransportListener l = listen();
        try (DatagramSocket raw = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            raw.setSoTimeout(2000);
            byte[] data = wire(new UtpPacket(UtpPacket.ST_DATA, 4242, 1, 0, 65536, 77, 5, null, new byte[] {1, 2}));
            raw.send(new DatagramPacket(data, data.length, l.localAddress()));
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            raw.receive(reply);
            UtpPacket r = UtpPacket.decode(Unpooled.wrappedBuffer(reply.getData(), 0, reply.getLength()));
            assertEquals(UtpPacket.ST_RESET, r.type());
            assertEquals(4242, r.connectionId());
            assertEquals(77, r.ack(), "libutp acks the offending seq_nr in its reset");
            // A reset is never answered.
            byte[] reset = wire(new UtpPacket(UtpPacket.ST_RESET, 999, 1, 0, 0, 1, 1, null, UtpPacket.NO_BYTES));
            raw.send(new DatagramPacket(reset, reset.length, l.localAddress()));
            assertThrows(SocketTimeoutException.class, () -> {
                raw.setSoTimeout(300);
                raw.receive(new DatagramPacket(new byte[2048], 2048));
            });
        }
    }

    @Test
    void synFloodWithRandomIdsStaysBoundedAndRealClientsStillConnect() throws Exception {
        TransportListener l = listen();
        UtpSocket socket = ((UtpTransport) utp).sockets().stream()
                .filter(s -> s.localAddress().getPort() == l.localAddress().getPort()).findFirst().orElseThrow();
        SplittableRandom random = new SplittableRandom(7);
        try (DatagramSocket raw = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int flood = 20_000;
            for (int i = 0; i < flood; i++) {
                byte[] syn = wire(new UtpPacket(UtpPacket.ST_SYN, random.nextInt(0x10000), 1, 0, 65536,
                        random.nextInt(0x10000), 0, null, UtpPacket.NO_BYTES));
                raw.send(new DatagramPacket(syn, syn.length, l.localAddress()));
                if (i % 2000 == 0) {
                    assertTrue(socket.halfOpenCount() <= UtpSocket.MAX_HALF_OPEN);
                }
            }
            assertTrue(await(() -> socket.synsDropped.get() > 0), "the flood overflowed the half-open table");
            assertTrue(socket.halfOpenCount() <= UtpSocket.MAX_HALF_OPEN, "half-open: " + socket.halfOpenCount());
            assertTrue(socket.connectionCount() <= UtpSocket.MAX_HALF_OPEN, "state: " + socket.connectionCount());
            assertTrue(accepted.isEmpty(), "a SYN alone is never handed to the engine");
        }
        StreamConnection c = connect(l);
        Recorder atServer = new Recorder().startOn(nextAccepted());
        c.write(ByteBuffer.wrap(new byte[] {5}));
        assertTrue(await(() -> atServer.received.get() == 1));
    }

    @Test
    void garbageIsDroppedAndCounted() throws Exception {
        TransportListener l = listen();
        UtpSocket socket = ((UtpTransport) utp).sockets().stream()
                .filter(s -> s.localAddress().getPort() == l.localAddress().getPort()).findFirst().orElseThrow();
        try (DatagramSocket raw = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] bad = new byte[30];
            bad[0] = 0x01; // looks like uTP ST_DATA v1 ...
            bad[1] = 0x01; // ... announces a selective ack ...
            bad[20] = 0;
            bad[21] = (byte) 200; // ... longer than the datagram
            raw.send(new DatagramPacket(bad, bad.length, l.localAddress()));
            assertTrue(await(() -> socket.malformed.get() == 1));
        }
        StreamConnection c = connect(l);
        assertTrue(c.isOpen());
    }
}
