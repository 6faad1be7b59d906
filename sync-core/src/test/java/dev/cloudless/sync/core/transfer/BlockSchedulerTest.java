package dev.cloudless.sync.core.transfer;

import static dev.cloudless.sync.core.transfer.TransferFixture.PEER_A;
import static dev.cloudless.sync.core.transfer.TransferFixture.PEER_B;
import static dev.cloudless.sync.core.transfer.TransferFixture.p;
import static dev.cloudless.sync.core.transfer.TransferFixture.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.block.Block;
import dev.cloudless.sync.core.block.Sha256;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockSchedulerTest {
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 12;

    @TempDir
    Path dir;
    final ExecutorService threads = Executors.newCachedThreadPool();
    final List<String> bad = new ArrayList<>();

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
    }

    private byte[] content() throws Exception {
        byte[] c = random(BLOCK * BLOCKS, 30);
        Files.write(dir.resolve("f"), c);
        return c;
    }

    private static Block block(byte[] content, int i) throws Exception {
        byte[] b = Arrays.copyOfRange(content, i * BLOCK, (i + 1) * BLOCK);
        return new Block((long) i * BLOCK, BLOCK, Sha256.of(MessageDigest.getInstance("SHA-256").digest(b)));
    }

    @Test
    void inFlightIsBoundedPerPeerSpreadOverPeersAndQueuedBeyond() throws Exception {
        byte[] content = content();
        BlockScheduler s = new BlockScheduler(2, (peer, path, b) -> bad.add(peer.toString()));
        FolderPeer a = new FolderPeer(PEER_A, dir, FolderPeer.Mode.GOOD, threads);
        FolderPeer b = new FolderPeer(PEER_B, dir, FolderPeer.Mode.GOOD, threads);
        CountDownLatch hold = new CountDownLatch(1);
        a.hold = hold;
        b.hold = hold;
        s.addPeer(a);
        s.addPeer(b);
        assertEquals(Set.of(PEER_A, PEER_B), s.peers());

        List<CompletableFuture<ByteBuffer>> results = new ArrayList<>();
        for (int i = 0; i < BLOCKS; i++) {
            results.add(s.fetch(p("f"), block(content, i), List.of(PEER_A, PEER_B)));
        }
        assertEquals(2, s.inFlight(PEER_A));
        assertEquals(2, s.inFlight(PEER_B));
        assertEquals(BLOCKS - 4, s.queued());

        hold.countDown();
        for (int i = 0; i < BLOCKS; i++) {
            ByteBuffer got = results.get(i).get(10, TimeUnit.SECONDS);
            assertArrayEquals(Arrays.copyOfRange(content, i * BLOCK, (i + 1) * BLOCK), remaining(got));
        }
        assertTrue(a.maxConcurrent.get() <= 2 && b.maxConcurrent.get() <= 2);
        assertTrue(a.requests.get() > 0 && b.requests.get() > 0);
        assertEquals(BLOCKS, a.requests.get() + b.requests.get());
        assertEquals(0, s.inFlight(PEER_A) + s.inFlight(PEER_B) + s.queued());
        assertTrue(bad.isEmpty());
    }

    @Test
    void wrongLengthOrHashIsBadAndNoCandidateLeftFails() throws Exception {
        byte[] content = content();
        BlockScheduler s = new BlockScheduler(4, (peer, path, b) -> bad.add(peer + " " + path + " " + b.offset()));
        s.addPeer(new FolderPeer(PEER_A, dir, FolderPeer.Mode.CORRUPT, threads));
        Block b3 = block(content, 3);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> s.fetch(p("f"), b3, List.of(PEER_A)).get(10, TimeUnit.SECONDS));
        assertInstanceOf(NoSourceException.class, e.getCause());
        assertEquals(List.of(PEER_A + " f " + (3 * BLOCK)), bad);
        assertEquals(Set.of(), s.peers());

        // A block whose announced length differs from what the peer holds: the answer is short.
        s.addPeer(new FolderPeer(PEER_B, dir, FolderPeer.Mode.GOOD, threads));
        Block wrongHash = new Block(0, BLOCK, b3.hash());
        e = assertThrows(ExecutionException.class,
                () -> s.fetch(p("f"), wrongHash, List.of(PEER_B)).get(10, TimeUnit.SECONDS));
        assertInstanceOf(NoSourceException.class, e.getCause());
        assertEquals(2, bad.size());
    }

    @Test
    void removedPeerFailsQueuedRequestsThatHaveNoOtherCandidate() throws Exception {
        byte[] content = content();
        BlockScheduler s = new BlockScheduler(1, (peer, path, b) -> bad.add(peer.toString()));
        FolderPeer a = new FolderPeer(PEER_A, dir, FolderPeer.Mode.GOOD, threads);
        a.hold = new CountDownLatch(1);
        s.addPeer(a);
        CompletableFuture<ByteBuffer> first = s.fetch(p("f"), block(content, 0), List.of(PEER_A));
        CompletableFuture<ByteBuffer> second = s.fetch(p("f"), block(content, 1), List.of(PEER_A));
        assertEquals(1, s.queued());
        s.removePeer(PEER_A);
        ExecutionException e = assertThrows(ExecutionException.class, () -> second.get(10, TimeUnit.SECONDS));
        assertInstanceOf(NoSourceException.class, e.getCause());
        a.hold.countDown();
        assertArrayEquals(Arrays.copyOfRange(content, 0, BLOCK), remaining(first.get(10, TimeUnit.SECONDS)),
                "a request already sent still completes");
        ExecutionException none = assertThrows(ExecutionException.class,
                () -> s.fetch(p("f"), block(content, 2), List.of()).get(10, TimeUnit.SECONDS));
        assertInstanceOf(NoSourceException.class, none.getCause());
    }

    private static byte[] remaining(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
