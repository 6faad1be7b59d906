package dev.cloudless.sync.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.identity.DeviceIdentity;
import dev.cloudless.sync.core.session.SecureChannel.ChannelSettings;
import dev.cloudless.sync.core.session.SecureChannel.SessionCloseReason;
import dev.cloudless.sync.core.session.SecureChannel.SessionCloseReason.Kind;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SecureChannelTest {
    static final SecureRandom RANDOM = new SecureRandom();

    private final ExecutorService cpu = Executors.newFixedThreadPool(2);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ChannelSettings settings = new ChannelSettings(cpu, timer, Duration.ofSeconds(10), RANDOM);
    private final MemoryStream.Pair pair = MemoryStream.pair();
    private final DeviceIdentity alice = DeviceIdentity.generate();
    private final DeviceIdentity bob = DeviceIdentity.generate();
    private final byte[] photos = secret();
    private final byte[] music = secret();
    private final List<FolderSecret<String>> serverFolders =
            List.of(new FolderSecret<>("music", music), new FolderSecret<>("photos", photos));
    private final ChannelEvents<String> atClient = new ChannelEvents<>();
    private final ChannelEvents<String> atServer = new ChannelEvents<>();

    @AfterEach
    void stop() {
        pair.close();
        cpu.shutdownNow();
        timer.shutdownNow();
    }

    static byte[] secret() {
        byte[] s = new byte[FolderSecret.SECRET_LENGTH];
        RANDOM.nextBytes(s);
        return s;
    }

    private SecureChannel<String> server() {
        return SecureChannel.server(pair.server(), () -> serverFolders, bob, settings, atServer);
    }

    private SecureChannel<String> client(byte[] secret, String name) {
        return SecureChannel.client(pair.client(), new FolderSecret<>(name, secret), alice, settings, atClient);
    }

    @Test
    void establishesBothWaysWithDeviceIdsAndPicksTheFolder() throws Exception {
        SecureChannel<String> s = server();
        SecureChannel<String> c = client(photos, "my photos");
        assertThrows(IllegalStateException.class, () -> c.send(ByteBuffer.allocate(1)), "not established yet");
        assertEquals(c, atClient.awaitEstablished());
        assertEquals(s, atServer.awaitEstablished());
        assertEquals("photos", s.folder(), "the server found the client's folder among several");
        assertEquals("my photos", c.folder());
        assertEquals(alice.deviceId(), s.peerDevice());
        assertEquals(bob.deviceId(), c.peerDevice());
        assertArrayEquals(alice.publicKey(), s.peerPublicKey());
        assertTrue(c.isClient());
        assertFalse(s.isClient());
        assertEquals(pair.client(), c.connection());

        c.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
        s.send(ByteBuffer.wrap("pong!".getBytes(StandardCharsets.UTF_8)));
        assertTrue(awaitTrue(() -> atServer.received.get() == 4 && atClient.received.get() == 5));
        assertEquals("ping", new String(atServer.bytes(), StandardCharsets.UTF_8));
        assertEquals("pong!", new String(atClient.bytes(), StandardCharsets.UTF_8));
        assertEquals(4, c.plaintextBytesSent());
        assertEquals(4, s.plaintextBytesReceived());
        assertEquals(c.wireBytesSent(), pair.client().bytesWritten());
        assertTrue(awaitTrue(() -> s.wireBytesReceived() == c.wireBytesSent()));
        assertEquals(1, atClient.establishedCalls.get());
        assertEquals(1, atServer.establishedCalls.get());
    }

    @Test
    void serverChoosesEachClientsFolder() throws Exception {
        SecureChannel<String> s = server();
        client(music, "m");
        atServer.awaitEstablished();
        assertEquals("music", s.folder());
    }

    @Test
    void wrongKeyFailsTheHandshakeOnBothSides() throws Exception {
        server();
        client(secret(), "unknown");
        assertEquals(Kind.HANDSHAKE_FAILED, atServer.awaitClosed().kind());
        assertEquals(Kind.HANDSHAKE_FAILED, atClient.awaitClosed().kind());
        assertFalse(atClient.established.isDone());
        assertFalse(atServer.established.isDone());
    }

    @Test
    void closeReasonReachesThePeerOnce() throws Exception {
        SecureChannel<String> s = server();
        SecureChannel<String> c = client(photos, "p");
        atServer.awaitEstablished();
        atClient.awaitEstablished();
        c.close("going to sleep");
        c.close("again");
        SessionCloseReason atS = atServer.awaitClosed();
        assertEquals(Kind.CLOSED_BY_PEER, atS.kind());
        assertEquals("going to sleep", atS.detail());
        SessionCloseReason atC = atClient.awaitClosed();
        assertEquals(Kind.CLOSED_BY_US, atC.kind());
        assertNull(atC.cause());
        c.send(ByteBuffer.allocate(10)); // ignored after close
        s.send(ByteBuffer.allocate(10));
        Thread.sleep(100);
        assertEquals(1, atClient.closedCalls.get());
        assertEquals(1, atServer.closedCalls.get());
        assertEquals(0, c.plaintextBytesSent());
    }

    @Test
    void tamperedFrameIsAProtocolError() throws Exception {
        SecureChannel<String> s = server();
        SecureChannel<String> c = client(photos, "p");
        atServer.awaitEstablished();
        atClient.awaitEstablished();
        long at = pair.client().bytesWritten() + Frames.HEADER_LENGTH + 3; // inside the next frame's ciphertext
        pair.client().tap = (offset, data) -> {
            if (at >= offset && at < offset + data.remaining()) {
                int i = data.position() + (int) (at - offset);
                data.put(i, (byte) (data.get(i) ^ 0x01));
            }
        };
        c.send(ByteBuffer.wrap(new byte[100]));
        SessionCloseReason r = atServer.awaitClosed();
        assertEquals(Kind.PROTOCOL_ERROR, r.kind());
        assertEquals(FrameException.Reason.AUTHENTICATION_FAILED, ((FrameException) r.cause()).reason());
        assertEquals(0, atServer.received.get(), "no plaintext of a rejected frame");
        assertEquals(0, s.plaintextBytesReceived());
    }

    @Test
    void garbageInsteadOfHelloFailsQuicklyAndSilently() throws Exception {
        server();
        RawPeer raw = new RawPeer(pair.client());
        long start = System.nanoTime();
        raw.write("GET / HTTP/1.1\r\nHost: example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        SessionCloseReason r = atServer.awaitClosed();
        assertEquals(Kind.HANDSHAKE_FAILED, r.kind());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "failed at once, not by timeout");
        assertTrue(raw.awaitClosed());
        assertEquals(0, raw.unread(), "the server says nothing to a stranger");
    }

    @Test
    void silenceTimesOut() throws Exception {
        ChannelSettings quick = new ChannelSettings(cpu, timer, Duration.ofMillis(300), RANDOM);
        SecureChannel.server(pair.server(), () -> serverFolders, bob, quick, atServer);
        new RawPeer(pair.client()); // connected, says nothing
        long start = System.nanoTime();
        SessionCloseReason r = atServer.awaitClosed();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(Kind.TIMEOUT, r.kind());
        assertTrue(millis >= 250 && millis < 5_000, "timed out after " + millis + " ms");
    }

    @Test
    void badDeviceSignatureIsRejected() throws Exception {
        server();
        RawPeer raw = new RawPeer(pair.client());
        raw.handshake(photos);
        byte[] auth = raw.authPayload(alice, SecureChannel.ROLE_CLIENT);
        auth[auth.length - 1] ^= 0x40; // break the signature
        raw.sendFrame(auth);
        SessionCloseReason r = atServer.awaitClosed();
        assertEquals(Kind.DEVICE_AUTH_FAILED, r.kind());
        assertFalse(atServer.established.isDone());
        // The server authenticated itself first, then said why it closes, authenticated.
        assertEquals(SecureChannel.AUTH_LENGTH, raw.readFrame().length);
        byte[] why = raw.readFrame();
        assertTrue(raw.opener.isClosed());
        assertEquals(r.detail(), new String(why, StandardCharsets.UTF_8));
    }

    @Test
    void validRawClientIsAccepted() throws Exception {
        // The control for the hostile variants: the same raw peer with a correct authentication works.
        SecureChannel<String> s = server();
        RawPeer raw = new RawPeer(pair.client());
        raw.handshake(photos);
        raw.sendFrame(raw.authPayload(alice, SecureChannel.ROLE_CLIENT));
        atServer.awaitEstablished();
        assertEquals(alice.deviceId(), s.peerDevice());
    }

    @Test
    void reflectedServerAuthenticationIsRejected() throws Exception {
        server();
        RawPeer raw = new RawPeer(pair.client());
        raw.handshake(photos);
        byte[] serverAuth = raw.readFrame(); // valid, signed by the server for role 0x02
        raw.sendFrame(serverAuth);            // replayed back as the client's own
        assertEquals(Kind.DEVICE_AUTH_FAILED, atServer.awaitClosed().kind());
        assertFalse(atServer.established.isDone());
    }

    @Test
    void signatureForTheWrongRoleIsRejected() throws Exception {
        server();
        RawPeer raw = new RawPeer(pair.client());
        raw.handshake(photos);
        raw.sendFrame(raw.authPayload(alice, SecureChannel.ROLE_SERVER));
        assertEquals(Kind.DEVICE_AUTH_FAILED, atServer.awaitClosed().kind());
    }

    @Test
    void applicationDataBeforeDeviceAuthenticationIsRejected() throws Exception {
        server();
        RawPeer raw = new RawPeer(pair.client());
        raw.handshake(photos);
        raw.sendFrame("hello, no auth".getBytes(StandardCharsets.UTF_8));
        assertEquals(Kind.DEVICE_AUTH_FAILED, atServer.awaitClosed().kind());
        assertEquals(0, atServer.received.get());
    }

    @Test
    void oversizedFrameLengthIsRejectedWithoutAllocating() throws Exception {
        server();
        RawPeer raw = new RawPeer(pair.client());
        raw.handshake(photos);
        raw.sendFrame(raw.authPayload(alice, SecureChannel.ROLE_CLIENT));
        atServer.awaitEstablished();
        awaitTrue(() -> pair.server().loopThread != null);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = pair.server().loopThread.getId();
        long before = threads.getThreadAllocatedBytes(tid);
        raw.write(new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0, 0}); // a 2 GiB frame announced
        SessionCloseReason r = atServer.awaitClosed();
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertEquals(Kind.PROTOCOL_ERROR, r.kind());
        assertEquals(FrameException.Reason.FRAME_TOO_LONG, ((FrameException) r.cause()).reason());
        assertTrue(allocated < (256 << 10), "allocated " + allocated + " bytes for a rejected header");
    }

    @Test
    void streamEndingWithoutCloseFrameIsTruncation() throws Exception {
        server();
        RawPeer raw = new RawPeer(pair.client());
        raw.handshake(photos);
        raw.sendFrame(raw.authPayload(alice, SecureChannel.ROLE_CLIENT));
        raw.sendFrame(new byte[] {1, 2, 3});
        atServer.awaitEstablished();
        assertTrue(awaitTrue(() -> atServer.received.get() == 3));
        pair.client().close(); // a clean FIN, but no CLOSE frame: someone cut the stream
        SessionCloseReason r = atServer.awaitClosed();
        assertEquals(Kind.PROTOCOL_ERROR, r.kind());
        assertEquals(FrameException.Reason.TRUNCATED, ((FrameException) r.cause()).reason());
    }

    @Test
    void streamEndingInsideAFrameIsTruncation() throws Exception {
        server();
        RawPeer raw = new RawPeer(pair.client());
        raw.handshake(photos);
        raw.sendFrame(raw.authPayload(alice, SecureChannel.ROLE_CLIENT));
        atServer.awaitEstablished();
        byte[] frame = new byte[Frames.frameLength(50)];
        raw.sealer.seal(new byte[50], 0, 50, frame, 0);
        raw.write(Arrays.copyOf(frame, 30));
        pair.client().close();
        SessionCloseReason r = atServer.awaitClosed();
        assertEquals(Kind.PROTOCOL_ERROR, r.kind());
        assertEquals(FrameException.Reason.TRUNCATED_FRAME, ((FrameException) r.cause()).reason());
    }

    @Test
    void connectionFailureIsAnIoError() throws Exception {
        server();
        client(photos, "p");
        atClient.awaitEstablished();
        atServer.awaitEstablished();
        java.io.IOException reset = new java.io.IOException("Connection reset by peer");
        pair.client().abort(reset);
        SessionCloseReason r = atServer.awaitClosed();
        assertEquals(Kind.IO_ERROR, r.kind());
        assertEquals(reset, r.cause());
        assertEquals(Kind.IO_ERROR, atClient.awaitClosed().kind());
    }

    @Test
    void roundTrips64MiBContentEqual() throws Exception {
        SecureChannel<String> s = SecureChannel.server(pair.server(), () -> serverFolders, bob, settings,
                new ChannelEvents<>() {
                    @Override
                    public void onPlaintext(SecureChannel<String> channel, ByteBuffer data) {
                        channel.send(data); // echo
                    }
                });
        ChannelEvents<String> events = new ChannelEvents<>(false);
        SecureChannel<String> c = SecureChannel.client(pair.client(), new FolderSecret<>("p", photos), alice, settings, events);
        events.awaitEstablished();
        long total = 64L << 20;
        java.security.MessageDigest sent = java.security.MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(7);
        byte[] chunk = new byte[3 << 20]; // not a multiple of the frame size: frames are split
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        for (long done = 0; done < total; ) {
            while (!c.isWritable()) {
                assertTrue(System.nanoTime() < deadline, "stuck unwritable");
                LockSupport.parkNanos(200_000);
            }
            int n = (int) Math.min(chunk.length, total - done);
            random.nextBytes(chunk);
            ByteBuffer b = ByteBuffer.wrap(chunk, 0, n);
            sent.update(b.duplicate());
            c.send(b);
            done += n;
        }
        assertTrue(awaitTrue(() -> events.received.get() == total), "received " + events.received.get());
        assertArrayEquals(sent.digest(), events.digest());
        assertEquals(total, c.plaintextBytesSent());
        assertEquals(total, s.plaintextBytesReceived());
        long frames = (total + Frames.MAX_FRAME_PAYLOAD - 1) / Frames.MAX_FRAME_PAYLOAD;
        assertTrue(c.wireBytesSent() >= total + frames * Frames.OVERHEAD);
    }

    static boolean awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ChannelEvents.WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }
}
