package dev.cloudless.sync.transport.udp;

import static dev.cloudless.sync.transport.udp.Recorder.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.spi.SharedDatagramSocket;
import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.Transport;
import dev.cloudless.sync.spi.TransportListener;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Another protocol on a live uTP listener's socket (as the DHT uses it), over real loopback
 * sockets: a plain {@link DatagramSocket} plays the remote DHT node.
 */
@Timeout(60)
class SharedDatagramSocketTest {
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
    private static final long TRANSFER_BYTES = 16L << 20;

    private final Transport utp = new UtpTransportProvider().create();
    private final BlockingQueue<StreamConnection> accepted = new LinkedBlockingQueue<>();

    /** One received datagram, copied off the I/O thread's buffer. */
    private record Received(InetSocketAddress from, byte[] bytes) {
    }

    @AfterEach
    void closeTransport() {
        utp.close();
    }

    private static boolean krpcLike(ByteBuffer d) {
        return d.remaining() >= 2 && d.get(d.position()) == 'd' && d.get(d.limit() - 1) == 'e';
    }

    private static byte[] copy(ByteBuffer d) {
        byte[] b = new byte[d.remaining()];
        d.get(b);
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Sends {@code query} until exactly {@code expected} comes back (loopback UDP may drop under a
     * transfer; answers to an earlier copy of an earlier query are skipped); returns that answer.
     */
    private static DatagramPacket ask(DatagramSocket raw, InetSocketAddress to, byte[] query, byte[] expected)
            throws IOException {
        for (int attempt = 0; attempt < 10; attempt++) {
            raw.send(new DatagramPacket(query, query.length, to));
            try {
                while (true) {
                    DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
                    raw.receive(reply);
                    if (Arrays.equals(expected, Arrays.copyOf(reply.getData(), reply.getLength()))) {
                        return reply;
                    }
                }
            } catch (SocketTimeoutException lost) {
                // ask again
            }
        }
        throw new AssertionError("no answer to " + new String(query, StandardCharsets.US_ASCII));
    }

    private static byte[] query(int n) {
        return ascii("d1:q4:ping1:t" + Integer.toString(n).length() + ":" + n + "e");
    }

    /** The test's protocol answers a query with its second byte replaced by 'R'. */
    private static byte[] answerTo(byte[] query) {
        byte[] a = query.clone();
        a[1] = 'R';
        return a;
    }

    @Test
    void anotherProtocolTalksOnTheListenPortWhileAUtpTransferRunsOnIt() throws Exception {
        TransportListener l = utp.listen(ANY_LOOPBACK, accepted::add);
        SharedDatagramSocket shared = l.datagramSocket().orElseThrow();
        assertEquals(l.localAddress(), shared.localAddress());
        BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
        AtomicInteger wrongClaims = new AtomicInteger();
        AtomicInteger writableViews = new AtomicInteger();
        java.util.Set<String> handlerThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        SharedDatagramSocket.Registration reg = shared.register(d -> {
            if (d.remaining() >= UtpPacket.HEADER_BYTES && (d.get(d.position()) & 0x0F) == 1) {
                wrongClaims.incrementAndGet(); // uTP's datagrams must never get this far
            }
            return krpcLike(d);
        }, (from, d) -> {
            if (!d.isReadOnly()) {
                writableViews.incrementAndGet();
            }
            handlerThreads.add(Thread.currentThread().getName());
            inbox.add(new Received(from, copy(d)));
        });
        // The protocol's own thread answers, as the DHT does: sends come from outside the I/O thread.
        Thread answerer = new Thread(() -> {
            try {
                for (Received r; (r = inbox.poll(30, TimeUnit.SECONDS)) != null; ) {
                    byte[] answer = answerTo(r.bytes());
                    while (!shared.send(r.from(), ByteBuffer.wrap(answer))) {
                        Thread.sleep(1); // the channel is above its high-water mark: the transfer has priority
                    }
                }
            } catch (InterruptedException e) {
                // test over
            }
        }, "answerer");
        answerer.start();

        StreamConnection client = utp.connect(l.localAddress(), UtpTransportTest.CONNECT_TIMEOUT).get(10, TimeUnit.SECONDS);
        StreamConnection server = accepted.poll(10, TimeUnit.SECONDS);
        assertNotNull(server);
        Recorder atServer = new Recorder(false).startOn(server);
        new Recorder(false).startOn(client);
        byte[] sent;
        int queries = 0;
        int duringTransfer = 0;
        try (DatagramSocket raw = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            raw.setSoTimeout(500);
            byte[] warmUp = query(-1);
            ask(raw, l.localAddress(), warmUp, answerTo(warmUp)); // the path is up before the transfer starts
            CompletableFuture<byte[]> upload = CompletableFuture.supplyAsync(
                    () -> UtpTransportTest.send(client, TRANSFER_BYTES, 3));
            do {
                byte[] q = query(queries);
                DatagramPacket reply = ask(raw, l.localAddress(), q, answerTo(q));
                assertEquals(l.localAddress().getPort(), reply.getPort(), "answered from the listen port");
                queries++;
                if (atServer.received.get() < TRANSFER_BYTES) {
                    duringTransfer++;
                }
            } while (atServer.received.get() < TRANSFER_BYTES || queries < 50);
            sent = upload.get(50, TimeUnit.SECONDS);
        }
        assertTrue(await(() -> atServer.received.get() == TRANSFER_BYTES), "received " + atServer.received);
        assertArrayEquals(sent, atServer.digest(), "the uTP transfer is intact");
        assertTrue(duringTransfer > 0, "no query answered while the transfer ran (" + queries + " in all)");
        assertEquals(0, wrongClaims.get(), "uTP claims its datagrams before any sharer sees them");
        assertEquals(0, writableViews.get(), "handlers get read-only views");
        assertTrue(!handlerThreads.isEmpty() && handlerThreads.stream().allMatch(t -> t.startsWith("cloudless-utp")), handlerThreads.toString());
        reg.close();
        answerer.interrupt();
        answerer.join(5000);
    }

    @Test
    void afterUnregisteringNothingIsDeliveredAndTheSocketStaysOpen() throws Exception {
        TransportListener l = utp.listen(ANY_LOOPBACK, accepted::add);
        SharedUdpSocket shared = (SharedUdpSocket) l.datagramSocket().orElseThrow();
        AtomicInteger delivered = new AtomicInteger();
        SharedDatagramSocket.Registration reg = shared.register(SharedDatagramSocketTest::krpcLike,
                (from, d) -> delivered.incrementAndGet());
        try (DatagramSocket raw = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] q = query(1);
            raw.send(new DatagramPacket(q, q.length, l.localAddress()));
            assertTrue(await(() -> delivered.get() == 1), "delivered while registered");
            reg.close();
            reg.close(); // idempotent
            long unclaimed = shared.unclaimed();
            for (int i = 0; i < 5; i++) {
                raw.send(new DatagramPacket(q, q.length, l.localAddress()));
            }
            assertTrue(await(() -> shared.unclaimed() == unclaimed + 5), "dropped as unclaimed: " + shared.unclaimed());
            assertEquals(1, delivered.get(), "nothing delivered after close");

            // The socket is still uTP's and still sends for whoever holds it.
            raw.setSoTimeout(5000);
            assertTrue(shared.send((InetSocketAddress) raw.getLocalSocketAddress(), ByteBuffer.wrap(ascii("de"))));
            DatagramPacket got = new DatagramPacket(new byte[16], 16);
            raw.receive(got);
            assertEquals("de", new String(got.getData(), 0, got.getLength(), StandardCharsets.US_ASCII));
            assertEquals(l.localAddress().getPort(), got.getPort());
        }
        StreamConnection c = utp.connect(l.localAddress(), UtpTransportTest.CONNECT_TIMEOUT).get(10, TimeUnit.SECONDS);
        Recorder atServer = new Recorder().startOn(accepted.poll(10, TimeUnit.SECONDS));
        c.write(ByteBuffer.wrap(new byte[] {7}));
        assertTrue(await(() -> atServer.received.get() == 1), "uTP still accepts and carries data");
    }

    @Test
    void aThrowingHandlerLosesOnlyItsOwnDatagramsAndUtpCarriesOn() throws Exception {
        TransportListener l = utp.listen(ANY_LOOPBACK, accepted::add);
        SharedUdpSocket shared = (SharedUdpSocket) l.datagramSocket().orElseThrow();
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<String> secondGot = new AtomicReference<>();
        shared.register(SharedDatagramSocketTest::krpcLike, (from, d) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("a broken sharer");
        });
        // A claim that throws is a failure too, and does not stop the claimants after it.
        shared.register(d -> {
            if (d.remaining() > 0 && d.get(d.position()) == 'x') {
                throw new IllegalStateException("a broken claim");
            }
            return false;
        }, (from, d) -> { });
        shared.register(d -> d.remaining() > 0 && d.get(d.position()) == 'l',
                (from, d) -> secondGot.set(new String(copy(d), StandardCharsets.US_ASCII)));

        StreamConnection client = utp.connect(l.localAddress(), UtpTransportTest.CONNECT_TIMEOUT).get(10, TimeUnit.SECONDS);
        Recorder atServer = new Recorder(false).startOn(accepted.poll(10, TimeUnit.SECONDS));
        CompletableFuture<byte[]> upload = CompletableFuture.supplyAsync(() -> UtpTransportTest.send(client, 4L << 20, 9));
        try (DatagramSocket raw = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 20; i++) {
                byte[] q = query(i);
                raw.send(new DatagramPacket(q, q.length, l.localAddress()));
            }
            byte[] x = ascii("x-not-ours");
            raw.send(new DatagramPacket(x, x.length, l.localAddress()));
            assertTrue(await(() -> shared.failures() >= 2 && calls.get() >= 1), "failures " + shared.failures());
            byte[] list = ascii("li1ee");
            for (int i = 0; i < 10 && secondGot.get() == null; i++) {
                raw.send(new DatagramPacket(list, list.length, l.localAddress()));
                await(() -> secondGot.get() != null, 500);
            }
            assertEquals("li1ee", secondGot.get(), "a later registration still gets its datagrams");
        }
        byte[] sent = upload.get(50, TimeUnit.SECONDS);
        assertTrue(await(() -> atServer.received.get() == 4L << 20), "received " + atServer.received);
        assertArrayEquals(sent, atServer.digest(), "the uTP transfer is intact");
        assertEquals(calls.get() + 1, shared.failures(), "each throw lost one datagram, nothing else failed");
    }

    @Test
    void sendRefusesWhatItCannotCarryAndEverythingAfterTheTransportCloses() throws Exception {
        TransportListener l = utp.listen(ANY_LOOPBACK, accepted::add);
        SharedUdpSocket shared = (SharedUdpSocket) l.datagramSocket().orElseThrow();
        ByteBuffer data = ByteBuffer.wrap(ascii("d1:q4:pinge"));
        assertFalse(shared.send(new InetSocketAddress("::1", 6881), data), "the socket is IPv4");
        assertFalse(shared.send(InetSocketAddress.createUnresolved("example.invalid", 6881), data));
        assertFalse(shared.send(new InetSocketAddress("127.0.0.1", 6881),
                ByteBuffer.allocate(SharedUdpSocket.MAX_SEND_BYTES + 1)));
        assertEquals(0, data.position(), "send does not move the caller's buffer");
        assertEquals(3, shared.sendsDropped.get());
        assertTrue(utp.listen(ANY_LOOPBACK, accepted::add).datagramSocket().isPresent(), "every listener shares");
        utp.close();
        assertFalse(shared.send(new InetSocketAddress("127.0.0.1", 6881), data), "closed with its transport");
    }

    @Test
    void sendsWaitingForABusyLoopAreBoundedAndGoOutWhenItIsFree() throws Exception {
        TransportListener l = utp.listen(ANY_LOOPBACK, accepted::add);
        SharedUdpSocket shared = (SharedUdpSocket) l.datagramSocket().orElseThrow();
        UtpSocket socket = ((UtpTransport) utp).sockets().stream()
                .filter(s -> s.localAddress().equals(l.localAddress())).findFirst().orElseThrow();
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch free = new java.util.concurrent.CountDownLatch(1);
        // Stands for a loop busy with uTP: the test holds it until it has filled the outbox.
        socket.onLoop(() -> {
            busy.countDown();
            try {
                free.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(10, TimeUnit.SECONDS));
        try (DatagramSocket raw = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress to = (InetSocketAddress) raw.getLocalSocketAddress();
            int size = 1000;
            int queued = 0;
            try {
                while (shared.send(to, ByteBuffer.allocate(size))) {
                    queued++;
                    assertTrue(queued <= SharedUdpSocket.MAX_OUTBOX_BYTES / size, "unbounded: " + queued);
                }
            } finally {
                free.countDown();
            }
            assertEquals(SharedUdpSocket.MAX_OUTBOX_BYTES / size, queued, "refused exactly when the outbox is full");
            assertTrue(await(() -> shared.outboxBytes() == 0), "drained once the loop is free: " + shared.outboxBytes());
            raw.setSoTimeout(200);
            // The queued ones went out (the kernel may drop some of them on this small receive buffer);
            // then the next send is accepted again and arrives.
            int received = 0;
            try {
                for (DatagramPacket p = new DatagramPacket(new byte[2048], 2048); ; received++) {
                    raw.receive(p);
                }
            } catch (SocketTimeoutException drained) {
                // all that arrived
            }
            assertTrue(received > 0, "none of the queued datagrams arrived");
            raw.setSoTimeout(5000);
            assertTrue(shared.send(to, ByteBuffer.wrap(ascii("last"))));
            DatagramPacket last = new DatagramPacket(new byte[16], 16);
            raw.receive(last);
            assertEquals("last", new String(last.getData(), 0, last.getLength(), StandardCharsets.US_ASCII));
        }
    }
}
