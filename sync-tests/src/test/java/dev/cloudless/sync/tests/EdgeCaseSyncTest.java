package dev.cloudless.sync.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.PeerInfo;
import dev.cloudless.sync.RateLimits;
import dev.cloudless.sync.SyncEvent;
import dev.cloudless.sync.SyncKey;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two real nodes on loopback: files that change under the engine, huge files, pausing, limits, shutdown. */
@Tag("integration")
class EdgeCaseSyncTest {
    static final Duration CONVERGE = Duration.ofSeconds(60);
    static final int MIB = 1 << 20;

    @TempDir
    Path dir;
    Cluster cluster;
    Cluster.Member a;
    Cluster.Member b;

    @BeforeEach
    void start() {
        cluster = new Cluster(dir, SyncKey.generate());
        b = cluster.add("B");
        a = cluster.add("A");
        a.awaitPeers(1);
        b.awaitPeers(1);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aFileAppendedToWhileBeingHashedArrivesAsItsFinalContent() throws IOException {
        Path log = a.path("growing.log");
        SplittableRandom random = new SplittableRandom(1);
        long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            while (System.nanoTime() < end) {
                ch.write(ByteBuffer.wrap(random(256 * 1024, random)));
                Cluster.sleep(10);
            }
        }
        cluster.awaitConverged(CONVERGE);
        assertArrayEquals(Files.readAllBytes(log), Files.readAllBytes(b.path("growing.log")));
        assertNoRejections();
    }

    @Test
    void aFileOverwrittenOnTheSenderDuringTheTransferArrivesAsItsFinalContent() throws IOException {
        int size = 48 * MIB;
        b.node().setRateLimits(new RateLimits(0, 8L * MIB));
        a.write("big.bin", random(size, new SplittableRandom(2)));
        Cluster.await(CONVERGE, "B to receive part of big.bin", () -> bytesIn(b) >= 8L * MIB);
        assertTrue(bytesIn(b) < size, "the transfer was still running");
        // Overwrite in place, same size, in chunks, so blocks are being served while it changes.
        SplittableRandom other = new SplittableRandom(3);
        try (FileChannel ch = FileChannel.open(a.path("big.bin"), StandardOpenOption.WRITE)) {
            for (long pos = 0; pos < size; pos += MIB) {
                ByteBuffer buf = ByteBuffer.wrap(random(MIB, other));
                while (buf.hasRemaining()) {
                    ch.write(buf, pos + buf.position());
                }
                Cluster.sleep(5);
            }
        }
        b.node().setRateLimits(RateLimits.UNLIMITED);
        cluster.awaitConverged(CONVERGE);
        assertArrayEquals(Files.readAllBytes(a.path("big.bin")), Files.readAllBytes(b.path("big.bin")));
        assertNoRejections();
    }

    @Test
    void aFileHeldOpenForWritingOnTheReceiverKeepsItsLocalWrite() throws IOException {
        a.write("held.txt", "original content from A\n");
        cluster.awaitConverged(CONVERGE);
        byte[] marker = "B-WROTE-THIS-WHILE-HOLDING-THE-FILE-7f3a".getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(b.path("held.txt"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(marker), 0);
            a.write("held.txt", "A changed the file meanwhile\n");
            Cluster.sleep(1500); // B keeps it open while A's change arrives
            ch.write(ByteBuffer.wrap("\n".getBytes(StandardCharsets.UTF_8)), marker.length);
        }
        cluster.awaitConverged(CONVERGE);
        assertTrue(containsSomewhere(a.folder, marker), "B's write reached A (as the winner or a conflict copy)");
        assertTrue(containsSomewhere(b.folder, marker), "B's write survives on B");
        assertNoRejections();
    }

    @Test
    @Tag("integration")
    void aSparseFileLargerThan4GiBSyncsIdentically() throws IOException {
        Path file = a.path("huge.sparse");
        SplittableRandom random = new SplittableRandom(4);
        long[] offsets = {0, (4L << 30) + MIB};
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(5L << 30);
            for (long off : offsets) {
                raf.seek(off);
                raf.write(random(3 * MIB, random));
            }
        }
        try {
            String expected = Cluster.sha256(file);
            Path copy = b.path("huge.sparse");
            Cluster.await(Duration.ofSeconds(150), "B to receive huge.sparse",
                    () -> Files.isRegularFile(copy) && KillResumeTest.size(copy) == 5L << 30
                            && b.folderHandle().status().neededFiles() == 0);
            assertEquals(expected, Cluster.sha256(copy));
            assertTrue(bytesIn(b) < 64L * MIB, "zero runs are not transferred: " + bytesIn(b));
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(b.path("huge.sparse"));
        }
    }

    @Test
    void emptyDirectoriesAndADirectoryRenameTransferNoBlockData() throws IOException {
        a.write("photos/2020/one.bin", random(2 * MIB, new SplittableRandom(5)));
        a.write("photos/2020/two.bin", random(MIB, new SplittableRandom(6)));
        a.write("photos/readme.txt", "pictures");
        cluster.awaitConverged(CONVERGE);
        long before = bytesIn(b);
        Files.createDirectories(a.path("empty/nested/deeper"));
        Files.createDirectories(a.path("also-empty"));
        Files.move(a.path("photos"), a.path("albums"));
        cluster.awaitConverged(CONVERGE);
        assertTrue(Files.isDirectory(b.path("empty/nested/deeper")));
        assertTrue(Files.isDirectory(b.path("also-empty")));
        assertTrue(Files.isRegularFile(b.path("albums/2020/one.bin")));
        assertFalse(Files.exists(b.path("photos")));
        assertEquals(before, bytesIn(b), "directories and a renamed tree are rebuilt from local blocks");
    }

    @Test
    void aPausedFolderReceivesNothingUntilResumed() throws IOException {
        b.folderHandle().pause();
        a.write("while-paused.txt", "wait for it");
        Cluster.sleep(2000);
        assertFalse(Files.exists(b.path("while-paused.txt")), "a paused folder does not pull");
        b.folderHandle().resume();
        Cluster.await(CONVERGE, "B to receive after resume", () -> Files.exists(b.path("while-paused.txt")));
        cluster.awaitConverged(CONVERGE);
        assertEquals("wait for it", Files.readString(b.path("while-paused.txt")));
    }

    @Test
    void theNodeWideDownloadLimitSlowsTransfersUntilLifted() throws IOException {
        long limit = 2L * MIB;
        int size = 8 * MIB;
        b.node().setRateLimits(new RateLimits(0, limit));
        assertEquals(limit, b.node().rateLimits().downloadBytesPerSecond());
        long slow = timeToArrive("limited.bin", random(size, new SplittableRandom(7)));
        // 8 MiB at 2 MiB/s is 4 s; allow for an initial burst of the token bucket.
        assertTrue(slow >= Duration.ofSeconds(3).toNanos(), "limited transfer took only " + slow / 1_000_000 + " ms");
        b.node().setRateLimits(RateLimits.UNLIMITED);
        long fast = timeToArrive("unlimited.bin", random(size, new SplittableRandom(8)));
        assertTrue(fast < Duration.ofSeconds(3).toNanos(), "unlimited transfer took " + fast / 1_000_000 + " ms");
    }

    @Test
    void closeDuringALargeTransferIsBoundedAndARestartCompletesTheFile() throws IOException {
        int size = 64 * MIB;
        byte[] content = random(size, new SplittableRandom(9));
        b.node().setRateLimits(new RateLimits(0, 8L * MIB));
        a.write("large.bin", content);
        Cluster.await(CONVERGE, "B to receive part of large.bin", () -> bytesIn(b) >= 16L * MIB);
        long sentBefore = bytesOut(a);
        long t0 = System.nanoTime();
        b.stop();
        long closeNanos = System.nanoTime() - t0;
        // Cluster members close within 5 s; a little more for the index flush and the JVM.
        assertTrue(closeNanos < Duration.ofSeconds(6).toNanos(), "close() took " + closeNanos / 1_000_000 + " ms");
        assertTrue(KillResumeTest.tempBytes(b.folder) > 0, "the partial download stays in .sync/tmp");
        Cluster.await(CONVERGE, "A to see B gone", () -> a.folderHandle().peers().isEmpty());
        b.start();
        cluster.awaitConverged(CONVERGE);
        assertArrayEquals(content, Files.readAllBytes(b.path("large.bin")));
        long sentTotal = sentBefore + bytesOut(a);
        assertTrue(sentTotal <= size + 16L * MIB, "the restart resumed instead of starting over: A sent "
                + sentTotal);
    }

    // ---- helpers ----

    /** Nanoseconds from writing {@code content} on A until B holds it. */
    private long timeToArrive(String name, byte[] content) throws IOException {
        long t0 = System.nanoTime();
        a.write(name, content);
        Cluster.await(CONVERGE, name + " on B", () -> {
            try {
                return Files.isRegularFile(b.path(name)) && Arrays.equals(content, Files.readAllBytes(b.path(name)));
            } catch (IOException e) {
                return false;
            }
        });
        return System.nanoTime() - t0;
    }

    private void assertNoRejections() {
        for (Cluster.Member m : List.of(a, b)) {
            List<SyncEvent.PeerRejected> rejected = m.events(SyncEvent.PeerRejected.class, e -> true);
            assertTrue(rejected.isEmpty(), m + " rejected an honest peer: " + rejected);
        }
    }

    static long bytesIn(Cluster.Member m) {
        return m.folderHandle().peers().stream().mapToLong(PeerInfo::bytesIn).sum();
    }

    static long bytesOut(Cluster.Member m) {
        return m.folderHandle().peers().stream().mapToLong(PeerInfo::bytesOut).sum();
    }

    static byte[] random(int n, SplittableRandom random) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++) {
                out[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return out;
    }

    /** Whether some regular file under {@code root}, outside {@code .sync}, contains {@code needle}. */
    static boolean containsSomewhere(Path root, byte[] needle) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (root.relativize(p).startsWith(".sync")) {
                    continue;
                }
                if (Cluster.indexOf(Files.readAllBytes(p), needle) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
