package dev.cloudless.sync.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.cloudless.sync.core.identity.DeviceIdentity;
import dev.cloudless.sync.core.session.SecureChannel.ChannelSettings;
import dev.cloudless.sync.core.session.SecureChannel.SessionCloseReason;
import dev.cloudless.sync.core.session.SecureChannel.SessionCloseReason.Kind;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Hostile bytes at either stage of a server channel only ever end it with the documented reason. */
class SecureChannelProperties {
    static final SecureRandom RANDOM = new SecureRandom();
    static final ExecutorService CPU = Executors.newFixedThreadPool(2);
    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor();
    static final ChannelSettings SETTINGS = new ChannelSettings(CPU, TIMER, Duration.ofSeconds(10), RANDOM);
    static final DeviceIdentity SERVER = DeviceIdentity.generate();
    static final DeviceIdentity CLIENT = DeviceIdentity.generate();
    static final byte[] SECRET = SecureChannelTest.secret();
    static final List<FolderSecret<String>> FOLDERS = List.of(new FolderSecret<>("f", SECRET));

    @AfterContainer
    static void stop() {
        CPU.shutdownNow();
        TIMER.shutdownNow();
    }

    @Property(tries = 200)
    void randomBytesInsteadOfAHandshakeFailIt(@ForAll @Size(min = 1, max = 2000) byte[] garbage,
                                              @ForAll @IntRange(min = 1, max = 64) int pieces) throws Exception {
        try (MemoryStream.Pair pair = MemoryStream.pair()) {
            ChannelEvents<String> events = new ChannelEvents<>();
            SecureChannel.server(pair.server(), () -> FOLDERS, SERVER, SETTINGS, events);
            RawPeer raw = new RawPeer(pair.client());
            writeInPieces(raw, garbage, pieces);
            pair.client().close();
            SessionCloseReason r = events.awaitClosed();
            assertEquals(Kind.HANDSHAKE_FAILED, r.kind(), r.toString());
            assertFalse(events.established.isDone());
            assertEquals(1, events.closedCalls.get());
        }
    }

    @Property(tries = 12)
    void randomBytesAfterEstablishmentAreAProtocolError(@ForAll @Size(min = 1, max = 3000) byte[] garbage,
                                                        @ForAll @IntRange(min = 1, max = 16) int pieces) throws Exception {
        try (MemoryStream.Pair pair = MemoryStream.pair()) {
            ChannelEvents<String> events = new ChannelEvents<>();
            SecureChannel.server(pair.server(), () -> FOLDERS, SERVER, SETTINGS, events);
            RawPeer raw = new RawPeer(pair.client());
            raw.handshake(SECRET);
            raw.sendFrame(raw.authPayload(CLIENT, SecureChannel.ROLE_CLIENT));
            events.awaitEstablished();
            writeInPieces(raw, garbage, pieces);
            pair.client().close();
            SessionCloseReason r = events.awaitClosed();
            assertEquals(Kind.PROTOCOL_ERROR, r.kind(), r.toString());
            assertEquals(0, events.received.get(), "no forged plaintext is delivered");
            assertEquals(1, events.closedCalls.get());
        }
    }

    private static void writeInPieces(RawPeer raw, byte[] bytes, int pieces) {
        int step = Math.max(1, bytes.length / pieces);
        for (int off = 0; off < bytes.length; off += step) {
            raw.write(java.util.Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + step)));
        }
    }
}
