package dev.cloudless.sync.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.AccessLevel;
import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.core.block.BlockHasher;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.index.SequencedRecord;
import dev.cloudless.sync.core.keys.FolderSecrets;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.protocol.BlockRequest;
import dev.cloudless.sync.core.protocol.BlockResponse;
import dev.cloudless.sync.core.protocol.Hello;
import dev.cloudless.sync.core.protocol.IndexDelta;
import dev.cloudless.sync.core.protocol.IndexResend;
import dev.cloudless.sync.core.protocol.IndexUpdate;
import dev.cloudless.sync.core.protocol.Message;
import dev.cloudless.sync.core.protocol.Messages;
import dev.cloudless.sync.core.protocol.RecordDelta;
import dev.cloudless.sync.core.version.VersionVector;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Index deltas between a node and a peer driven by hand: the node announces a record it pulled
 * as a delta from the peer's own (an empty script), applies the peer's delta for an edit, and
 * when a delta names a base it does not hold asks for a resend and ignores the index until the
 * answer, so no record is skipped.
 */
@Tag("integration")
class IndexDeltaTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final long PEER = 99;

    @TempDir
    Path dir;
    Cluster cluster;
    Cluster.Member node;
    RawPeer peer;
    final java.util.Map<String, byte[]> served = new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicInteger answered = new AtomicInteger();
    volatile boolean serving = true;
    Thread server;

    @BeforeEach
    void start() throws Exception {
        cluster = new Cluster(dir, SyncKey.generate());
        node = cluster.add("V");
        peer = new RawPeer().connect(node.address(), cluster.key());
        peer.send(new Hello(Messages.PROTOCOL_VERSION, "raw", "test", "1", AccessLevel.READ_WRITE, 77, 0, 0, 0));
        // Answers the node's block requests from the content currently served.
        server = new Thread(() -> {
            while (serving) {
                List<BlockRequest> reqs = peer.received.stream().filter(m -> m instanceof BlockRequest)
                        .map(m -> (BlockRequest) m).toList();
                for (int i = answered.get(); i < reqs.size(); i++) {
                    BlockRequest r = reqs.get(i);
                    peer.send(new BlockResponse(r.requestId(), BlockResponse.Status.OK,
                            ByteBuffer.wrap(served.get(r.path().toString()), (int) r.offset(), r.length())));
                }
                answered.set(reqs.size());
                Cluster.sleep(10);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        serving = false;
        server.join(5000);
        peer.close();
        cluster.close();
    }

    private FileRecord signed(String path, byte[] content, VersionVector version) throws Exception {
        var blocks = new BlockHasher().hash(new ByteArrayInputStream(content)).blocks();
        return FileRecord.file(FolderPath.parse(path), content.length, Instant.ofEpochSecond(1_700_000_000L), 0644,
                version, blocks, PEER).sign(FolderSecrets.of(cluster.key()).signingKey().orElseThrow());
    }

    private boolean holds(String path, byte[] content) {
        try {
            return Files.exists(node.path(path)) && java.util.Arrays.equals(content, Files.readAllBytes(node.path(path)));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private List<RecordDelta> deltasFor(String path) {
        return peer.received.stream().filter(m -> m instanceof IndexDelta).flatMap(m -> ((IndexDelta) m).entries().stream())
                .filter(d -> d.path().toString().equals(path)).toList();
    }

    @Test
    void pulledRecordsAreEchoedAsEmptyScriptsAndEditsTravelAsDeltas() throws Exception {
        byte[] v1 = new byte[3 << 20];
        new Random(1).nextBytes(v1);
        served.put("big.bin", v1);
        FileRecord r1 = signed("big.bin", v1, VersionVector.empty().increment(PEER));
        peer.send(new IndexUpdate(true, List.of(new SequencedRecord(1, r1))));
        Cluster.await(WAIT, "the node to pull big.bin", () -> holds("big.bin", v1));

        // The node announces what it pulled as a delta from our own record: nothing but a copy.
        Cluster.await(WAIT, "the node's delta for big.bin", () -> !deltasFor("big.bin").isEmpty());
        RecordDelta echo = deltasFor("big.bin").get(0);
        assertEquals(List.of(new RecordDelta.Copy(0, r1.blocks().size())), echo.ops());
        assertEquals(RecordDelta.hashOf(r1), echo.baseHash());
        FileRecord nodeRecord = echo.apply(r1);
        assertEquals(r1.version(), nodeRecord.version());
        assertTrue(echo.encodedLength() < r1.encode().length / 4, echo.encodedLength() + " bytes");

        // An edit in the middle, sent as a delta from the node's announced record.
        byte[] v2 = v1.clone();
        v2[v2.length / 2] ^= 0x55;
        FileRecord r2 = signed("big.bin", v2, r1.version().increment(PEER));
        RecordDelta edit = RecordDelta.diff(2, nodeRecord, r2).orElseThrow();
        int before = answered.get();
        served.put("big.bin", v2);
        peer.send(new IndexDelta(List.of(edit)));
        Cluster.await(WAIT, "the edit to arrive", () -> holds("big.bin", v2));
        assertTrue(answered.get() - before <= 3, "only the changed blocks were requested: " + (answered.get() - before));
        assertTrue(peer.received.stream().noneMatch(m -> m instanceof IndexResend));
    }

    @Test
    void aDeltaFromAnUnknownBaseIsAskedForAgainAndNothingIsSkipped() throws Exception {
        byte[] a = new byte[2 << 20];
        new Random(2).nextBytes(a);
        byte[] other = new byte[2 << 20];
        new Random(3).nextBytes(other);
        served.put("a.bin", a);
        FileRecord ra = signed("a.bin", a, VersionVector.empty().increment(PEER));
        // A delta against a record the node never saw: it cannot be rebuilt.
        FileRecord unknownBase = signed("a.bin", other, VersionVector.empty().increment(PEER + 1));
        RecordDelta orphan = RecordDelta.diff(1, ra, ra).orElseThrow();
        orphan = new RecordDelta(1, RecordDelta.hashOf(unknownBase), orphan.header(), orphan.blockCount(), orphan.ops(),
                orphan.signature());
        peer.send(new IndexDelta(List.of(orphan)));
        Cluster.await(WAIT, "an IndexResend", () -> peer.received.stream().anyMatch(m -> m instanceof IndexResend));
        IndexResend ask = (IndexResend) peer.received.stream().filter(m -> m instanceof IndexResend).findFirst().orElseThrow();
        assertEquals(0, ask.after(), "nothing of ours was applied yet");

        // Sent before our answer: ignored, the resend repeats it.
        byte[] small = "later".getBytes();
        served.put("later.txt", small);
        FileRecord later = signed("later.txt", small, VersionVector.empty().increment(PEER));
        peer.send(new IndexUpdate(false, List.of(new SequencedRecord(2, later))));
        Cluster.sleep(1500);
        assertFalse(Files.exists(node.path("later.txt")), "updates before the resend answer are ignored");
        assertFalse(Files.exists(node.path("a.bin")));

        // The answer: everything from sequence 1, whole.
        peer.send(new IndexUpdate(false, true, List.of(new SequencedRecord(1, ra), new SequencedRecord(2, later))));
        Cluster.await(WAIT, "both files after the resend", () -> holds("a.bin", a) && Files.exists(node.path("later.txt")));
        assertArrayEquals(small, Files.readAllBytes(node.path("later.txt")));
        assertTrue(node.node().folders().get(0).peers().size() == 1, "the session stayed up");
    }
}
