package dev.cloudless.sync.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.AccessLevel;
import dev.cloudless.sync.SyncEvent;
import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.core.block.BlockHasher;
import dev.cloudless.sync.core.block.FileBlocks;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.index.SequencedRecord;
import dev.cloudless.sync.core.keys.FolderSecrets;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.protocol.BlockRequest;
import dev.cloudless.sync.core.protocol.BlockResponse;
import dev.cloudless.sync.core.protocol.Hello;
import dev.cloudless.sync.core.protocol.IndexUpdate;
import dev.cloudless.sync.core.protocol.MessageEncoder;
import dev.cloudless.sync.core.protocol.Messages;
import dev.cloudless.sync.core.version.VersionVector;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A peer that holds the key but misbehaves: every violation gives a {@code PeerRejected} event
 * and a closed session, and nothing on disk changes outside {@code .sync/}.
 */
@Tag("integration")
class HostilePeerTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    Cluster cluster;
    Cluster.Member victim;
    Map<String, String> before;

    @BeforeEach
    void start() throws Exception {
        cluster = new Cluster(dir, SyncKey.generate());
        victim = cluster.add("V");
        victim.write("existing.txt", "must survive");
        Cluster.await(WAIT, "V to index its file", () -> victim.folderHandle().status().localFiles() == 1);
        before = Cluster.tree(victim.folder);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private void assertRejectedAndUntouched(RawPeer peer) throws Exception {
        peer.awaitClosed();
        Cluster.await(WAIT, "a PeerRejected event",
                () -> !victim.events(SyncEvent.PeerRejected.class, e -> true).isEmpty());
        Cluster.sleep(300);
        assertEquals(before, Cluster.tree(victim.folder), "nothing outside .sync/ changed");
        assertTrue(victim.node().folders().get(0).peers().isEmpty(), "the session is gone");
    }

    private RawPeer hostile() throws Exception {
        RawPeer p = new RawPeer().connect(victim.address(), cluster.key());
        p.send(new Hello(Messages.PROTOCOL_VERSION, "mallory", "evil", "6.6.6", AccessLevel.READ_WRITE, 77, 0, 0, 0));
        return p;
    }

    private FileRecord signedFile(String path, byte[] content, SyncKey key) throws Exception {
        FileBlocks blocks = new BlockHasher().hash(new ByteArrayInputStream(content));
        FileRecord r = FileRecord.file(FolderPath.parse(path), content.length, Instant.now(), 0644,
                VersionVector.empty().increment(99), blocks.blocks(), 99);
        return r.sign(FolderSecrets.of(key).signingKey().orElseThrow());
    }

    /** An encoded IndexUpdate whose record path {@code placeholder} is replaced, byte for byte, by {@code hostile}. */
    private byte[] withPath(String placeholder, String hostile) throws Exception {
        FileRecord r = signedFile(placeholder, "x".getBytes(StandardCharsets.UTF_8), cluster.key());
        ByteBuffer b = MessageEncoder.encode(new IndexUpdate(true, List.of(new SequencedRecord(1, r))));
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        byte[] from = placeholder.getBytes(StandardCharsets.UTF_8);
        byte[] to = hostile.getBytes(StandardCharsets.UTF_8);
        assertEquals(from.length, to.length);
        int at = Cluster.indexOf(bytes, from);
        assertTrue(at >= 0);
        System.arraycopy(to, 0, bytes, at, to.length);
        return bytes;
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "/etc/passwd", "a/../../b", "nul\0byte", "dots/./x", ".sync/evil", "back\\slash"})
    void recordsWithHostilePathsAreRejected(String path) throws Exception {
        String placeholder = "q".repeat(path.getBytes(StandardCharsets.UTF_8).length);
        try (RawPeer p = hostile()) {
            p.sendPlaintext(withPath(placeholder, path));
            assertRejectedAndUntouched(p);
        }
    }

    @Test
    void aRecordWithAnOverlongNameIsRejected() throws Exception {
        String placeholder = "a".repeat(200) + "/" + "b".repeat(200);
        try (RawPeer p = hostile()) {
            p.sendPlaintext(withPath(placeholder, "a".repeat(200) + "c" + "b".repeat(200)));
            assertRejectedAndUntouched(p);
        }
    }

    @Test
    void aRecordSignedWithAnotherFoldersKeyIsRejected() throws Exception {
        FileRecord forged = signedFile("forged.txt", "forged".getBytes(StandardCharsets.UTF_8), SyncKey.generate());
        try (RawPeer p = hostile()) {
            p.send(new IndexUpdate(true, List.of(new SequencedRecord(1, forged))));
            assertRejectedAndUntouched(p);
        }
        assertFalse(Files.exists(victim.path("forged.txt")));
    }

    @Test
    void anUnsignedRecordIsRejected() throws Exception {
        FileRecord unsigned = signedFile("unsigned.txt", "u".getBytes(StandardCharsets.UTF_8), cluster.key())
                .withSignature(new byte[0]);
        try (RawPeer p = hostile()) {
            p.send(new IndexUpdate(true, List.of(new SequencedRecord(1, unsigned))));
            assertRejectedAndUntouched(p);
        }
    }

    @Test
    void aSignedSymlinkEscapingTheFolderIsRejected() throws Exception {
        FileRecord link = FileRecord.symlink(FolderPath.parse("sub/link"), "../../outside", Instant.now(),
                VersionVector.empty().increment(99), 99).sign(FolderSecrets.of(cluster.key()).signingKey().orElseThrow());
        try (RawPeer p = hostile()) {
            p.send(new IndexUpdate(true, List.of(new SequencedRecord(1, link))));
            assertRejectedAndUntouched(p);
        }
    }

    @Test
    void anUnknownMessageTypeIsRejected() throws Exception {
        try (RawPeer p = hostile()) {
            p.sendPlaintext(new byte[] {0x7F, 0, 0, 0, 0});
            assertRejectedAndUntouched(p);
        }
    }

    @Test
    void anOversizedLengthPrefixIsRejectedWithoutWaitingForTheBody() throws Exception {
        try (RawPeer p = hostile()) {
            p.sendPlaintext(new byte[] {2, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
            assertRejectedAndUntouched(p);
        }
    }

    @Test
    void aTruncatedFrameEndsTheSession() throws Exception {
        try (RawPeer p = hostile()) {
            // A frame header promising 1000 bytes, then the connection ends.
            p.established.get().connection().write(ByteBuffer.wrap(new byte[] {0, 0, 3, (byte) 0xE8, 0, 1, 2}));
            p.established.get().connection().close();
            p.awaitClosed();
            Cluster.sleep(500);
            assertEquals(before, Cluster.tree(victim.folder));
        }
    }

    @Test
    void garbageInsteadOfAHandshakeIsRejectedAndTheNodeCarriesOn() throws Exception {
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        // Over the transport under test (TCP unless -Dsync.tests.transport says otherwise).
        try (RawPeer raw = new RawPeer()) {
            var conn = raw.transport.connect(victim.address(), Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
            CompletableFuture<Throwable> closed = new CompletableFuture<>();
            conn.start(new dev.cloudless.sync.spi.StreamHandler() {
                @Override
                public void onData(ByteBuffer data) {
                }

                @Override
                public void onWritabilityChanged(boolean writable) {
                }

                @Override
                public void onClosed(Throwable cause) {
                    closed.complete(cause);
                }
            });
            conn.write(ByteBuffer.wrap(junk));
            // The node hangs up on us.
            closed.get(10, TimeUnit.SECONDS);
        }
        Cluster.await(WAIT, "a PeerRejected event",
                () -> !victim.events(SyncEvent.PeerRejected.class, e -> true).isEmpty());
        Cluster.Member honest = cluster.add("H");
        cluster.awaitConverged(WAIT);
        assertEquals("must survive", Files.readString(honest.path("existing.txt")));
    }

    @Test
    void blocksThatDoNotMatchTheirHashDropThePeerAndAreFetchedElsewhere() throws Exception {
        byte[] content = new byte[1 << 20];
        new Random(3).nextBytes(content);
        FileRecord record = signedFile("payload.bin", content, cluster.key());
        AtomicBoolean served = new AtomicBoolean();
        try (RawPeer p = hostile()) {
            p.send(new IndexUpdate(true, List.of(new SequencedRecord(1, record))));
            // Answer every request with corrupted bytes.
            Cluster.await(WAIT, "a block request", () -> p.received.stream().anyMatch(m -> m instanceof BlockRequest));
            for (var m : p.received) {
                if (m instanceof BlockRequest r) {
                    byte[] bad = new byte[r.length()];
                    p.send(new BlockResponse(r.requestId(), BlockResponse.Status.OK, ByteBuffer.wrap(bad)));
                    served.set(true);
                }
            }
            assertTrue(served.get());
            p.awaitClosed();
            Cluster.await(WAIT, "a PeerRejected event naming the hash",
                    () -> !victim.events(SyncEvent.PeerRejected.class, e -> e.reason().contains("hash")).isEmpty());
            assertFalse(Files.exists(victim.path("payload.bin")), "nothing unverified was written");
        }
        // An honest peer with the same record then serves the file.
        Path honestDir = dir.resolve("honest-source");
        Files.createDirectories(honestDir);
        try (RawPeer good = new RawPeer().connect(victim.address(), cluster.key())) {
            good.send(new Hello(Messages.PROTOCOL_VERSION, "honest", "test", "1", AccessLevel.READ_WRITE, 78, 0, 0, 0));
            good.send(new IndexUpdate(true, List.of(new SequencedRecord(1, record))));
            long deadline = System.nanoTime() + WAIT.toNanos();
            int answered = 0;
            while (!Files.exists(victim.path("payload.bin")) && System.nanoTime() < deadline) {
                List<BlockRequest> reqs = good.received.stream().filter(m -> m instanceof BlockRequest)
                        .map(m -> (BlockRequest) m).toList();
                for (int i = answered; i < reqs.size(); i++) {
                    BlockRequest r = reqs.get(i);
                    good.send(new BlockResponse(r.requestId(), BlockResponse.Status.OK,
                            ByteBuffer.wrap(content, (int) r.offset(), r.length())));
                }
                answered = reqs.size();
                Cluster.sleep(20);
            }
            Cluster.await(WAIT, "the file from the honest peer", () -> {
                try {
                    return Files.exists(victim.path("payload.bin"))
                            && java.util.Arrays.equals(content, Files.readAllBytes(victim.path("payload.bin")));
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        }
    }
}
