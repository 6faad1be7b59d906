package dev.cloudless.sync.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.identity.DeviceIdentity;
import dev.cloudless.sync.core.session.FolderSecret;
import dev.cloudless.sync.core.session.SecureChannel;
import dev.cloudless.sync.core.session.SecureChannel.ChannelSettings;
import dev.cloudless.sync.core.session.SecureChannel.SessionCloseReason;
import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.Transport;
import dev.cloudless.sync.spi.TransportListener;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SecureChannel over real TCP sockets on 127.0.0.1. */
@Timeout(120)
class SecureChannelOverTcpTest {
    private static final Logger log = LoggerFactory.getLogger(SecureChannelOverTcpTest.class);
    static final SecureRandom RANDOM = new SecureRandom();

    private final Transport tcp = new TcpTransportProvider().create();
    private final ExecutorService cpu = Executors.newFixedThreadPool(2);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ChannelSettings settings = new ChannelSettings(cpu, timer, Duration.ofSeconds(10), RANDOM);

    @AfterEach
    void stop() {
        tcp.close();
        cpu.shutdownNow();
        timer.shutdownNow();
    }

    /** Counts and hashes what it receives. */
    static final class Sink implements SecureChannel.Listener<String> {
        final CompletableFuture<SecureChannel<String>> established = new CompletableFuture<>();
        final CompletableFuture<SessionCloseReason> closed = new CompletableFuture<>();
        final AtomicLong received = new AtomicLong();
        final MessageDigest sha = Recorder.sha256();

        @Override
        public void onEstablished(SecureChannel<String> channel) {
            established.complete(channel);
        }

        @Override
        public void onPlaintext(SecureChannel<String> channel, ByteBuffer data) {
            received.addAndGet(data.remaining());
            sha.update(data);
        }

        @Override
        public void onWritabilityChanged(SecureChannel<String> channel, boolean writable) {}

        @Override
        public void onClosed(SecureChannel<String> channel, SessionCloseReason reason) {
            closed.complete(reason);
        }
    }

    @Test
    void handshakeAnd256MiBThroughTcp() throws Exception {
        byte[] secret = new byte[FolderSecret.SECRET_LENGTH];
        RANDOM.nextBytes(secret);
        DeviceIdentity alice = DeviceIdentity.generate();
        DeviceIdentity bob = DeviceIdentity.generate();
        List<FolderSecret<String>> folders = List.of(new FolderSecret<>("photos", secret));
        Sink atServer = new Sink();
        Sink atClient = new Sink();
        TransportListener listener = tcp.listen(TcpTransportTest.ANY_LOOPBACK,
                c -> SecureChannel.server(c, () -> folders, bob, settings, atServer));
        StreamConnection conn = tcp.connect(listener.localAddress(), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        SecureChannel<String> client = SecureChannel.client(conn, new FolderSecret<>("photos", secret), alice, settings, atClient);
        atClient.established.get(10, TimeUnit.SECONDS);
        SecureChannel<String> server = atServer.established.get(10, TimeUnit.SECONDS);
        assertEquals(bob.deviceId(), client.peerDevice());
        assertEquals(alice.deviceId(), server.peerDevice());
        assertEquals("photos", server.folder());

        long total = 256L << 20;
        byte[] chunk = new byte[Frames_MAX];
        new SplittableRandom(11).nextBytes(chunk); // one random MiB, sent with a running counter so no two frames match
        MessageDigest sent = Recorder.sha256();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(90);
        for (long done = 0; done < total; done += chunk.length) {
            while (!client.isWritable()) {
                assertTrue(System.nanoTime() < deadline, "stuck unwritable");
                LockSupport.parkNanos(50_000);
            }
            ByteBuffer.wrap(chunk).putLong(0, done);
            sent.update(chunk);
            client.send(ByteBuffer.wrap(chunk));
        }
        while (atServer.received.get() < total) {
            assertTrue(System.nanoTime() < deadline, "received only " + atServer.received.get());
            LockSupport.parkNanos(1_000_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        log.info("SecureChannel over TCP: {} MiB in {} s = {} MB/s (1 MiB frames, cold JVM)",
                total >> 20, String.format("%.2f", seconds), String.format("%.0f", total / seconds / 1e6));
        assertArrayEquals(sent.digest(), atServer.sha.digest());
        assertEquals(total, server.plaintextBytesReceived());
        assertEquals(client.wireBytesSent(), server.wireBytesReceived());

        client.close("done");
        SessionCloseReason r = atServer.closed.get(10, TimeUnit.SECONDS);
        assertEquals(SessionCloseReason.Kind.CLOSED_BY_PEER, r.kind());
        assertEquals("done", r.detail());
        assertNotNull(atClient.closed.get(10, TimeUnit.SECONDS));
    }

    private static final int Frames_MAX = dev.cloudless.sync.core.session.Frames.MAX_FRAME_PAYLOAD;
}
