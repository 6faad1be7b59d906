package dev.cloudless.sync.core.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.Subscription;
import dev.cloudless.sync.SyncEvent;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.version.VersionVector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The node's small parts: rate limiting, serial execution, event fan-out, record checks. */
class NodePartsTest {

    @Test
    void anUnlimitedBucketNeverAsksToWait() {
        TokenBucket b = new TokenBucket(0);
        assertEquals(0, b.take(1L << 40));
    }

    @Test
    void aLimitedBucketChargesDebtAtItsRate() {
        TokenBucket b = new TokenBucket(1 << 20); // 1 MiB/s, burst 256 KiB
        long wait = b.take(1 << 20);
        // The burst covers at most a quarter second; the rest of the MiB costs about 0.75-1 s.
        assertTrue(wait > 700_000_000L && wait <= 1_000_000_000L, "wait " + wait);
        b.setRate(0);
        assertEquals(0, b.take(1 << 30));
    }

    @Test
    void aSerialExecutorRunsTasksInOrderOneAtATime() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            SerialExecutor serial = new SerialExecutor(pool);
            List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger running = new AtomicInteger();
            AtomicInteger maxRunning = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(500);
            for (int i = 0; i < 500; i++) {
                int n = i;
                serial.execute(() -> {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    seen.add(n);
                    running.decrementAndGet();
                    done.countDown();
                });
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(1, maxRunning.get());
            for (int i = 0; i < 500; i++) {
                assertEquals(i, seen.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSlowSubscriberDropsItsOwnEventsWithoutBlockingThePublisherOrOthers() throws Exception {
        try (EventBus bus = new EventBus("test-events")) {
            CountDownLatch release = new CountDownLatch(1);
            Subscription slow = bus.subscribe(e -> {
                try {
                    release.await();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            });
            AtomicInteger fast = new AtomicInteger();
            bus.subscribe(e -> fast.incrementAndGet());
            int n = EventBus.QUEUE_CAPACITY * 2;
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                bus.publish(new SyncEvent.SyncError(Instant.now(), "", "", "e" + i));
            }
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "publishing never blocks");
            assertTrue(slow.dropped() >= n - EventBus.QUEUE_CAPACITY - 1, "dropped " + slow.dropped());
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (fast.get() < EventBus.QUEUE_CAPACITY && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(fast.get() >= EventBus.QUEUE_CAPACITY, "the fast subscriber got " + fast.get());
            slow.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "../x", "../../up", "a/../../..", "C:\\\\Windows", "\\\\server\\share",
            ".sync/folder-marker", "sub/../.sync/x"})
    void symlinksThatLeaveTheFolderOrEnterSyncAreHostile(String target) {
        FileRecord link = FileRecord.symlink(FolderPath.parse("link"), target, Instant.EPOCH,
                VersionVector.empty().increment(1), 1);
        assertTrue(RecordChecks.hostile(link).isPresent(), target);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "sub/file", "./x", "sub/../x"})
    void symlinksInsideTheFolderAreFine(String target) {
        FileRecord link = FileRecord.symlink(FolderPath.parse("link"), target, Instant.EPOCH,
                VersionVector.empty().increment(1), 1);
        assertFalse(RecordChecks.hostile(link).isPresent(), target);
    }

    @Test
    void aRateMeterReportsBytesPerSecondOverCompleteSeconds() throws InterruptedException {
        RateMeter m = new RateMeter();
        assertEquals(0, m.rate());
        m.add(3000);
        long second = System.nanoTime() / 1_000_000_000L; // read after add: at worst a later second
        // Once that second is over it counts, averaged over the window's three complete seconds.
        while (System.nanoTime() / 1_000_000_000L == second) {
            Thread.sleep(20);
        }
        assertEquals(1000, m.rate());
    }

    static final dev.cloudless.sync.SyncKey RW_KEY = dev.cloudless.sync.SyncKey.fromReadWriteSecret(new byte[32]);

    @Test
    void nodeSettingsRefuseAFolderOrKeySharedTwice() {
        dev.cloudless.sync.FolderConfig a = dev.cloudless.sync.FolderConfig.builder(java.nio.file.Path.of("f"), RW_KEY).build();
        dev.cloudless.sync.FolderConfig samePath = dev.cloudless.sync.FolderConfig.builder(java.nio.file.Path.of("f"), dev.cloudless.sync.SyncKey.fromReadWriteSecret(new byte[] {
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
                29, 30, 31, 32})).build();
        dev.cloudless.sync.FolderConfig sameKey = dev.cloudless.sync.FolderConfig.builder(java.nio.file.Path.of("g"), RW_KEY).build();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new dev.cloudless.sync.NodeSettings(java.nio.file.Path.of("d"), java.util.List.of(a, samePath),
                java.util.List.of(), "n", dev.cloudless.sync.RateLimits.UNLIMITED, java.time.Duration.ofSeconds(1), java.util.List.of(), java.util.List.of()));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new dev.cloudless.sync.NodeSettings(java.nio.file.Path.of("d"), java.util.List.of(a, sameKey),
                java.util.List.of(), "n", dev.cloudless.sync.RateLimits.UNLIMITED, java.time.Duration.ofSeconds(1), java.util.List.of(), java.util.List.of()));
    }

}
