package dev.cloudless.sync.core.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cloudless.sync.core.ignore.IgnoreRules;
import dev.cloudless.sync.core.path.FolderPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real directories, real {@code WatchService}. Every wait is poll-until-condition with a
 * deadline far above the expected latency (a batch normally arrives ~150 ms after the change),
 * so a slow CI machine makes the tests slower, not red.
 */
class FolderWatcherTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "watcher-test-listener");
        t.setDaemon(true);
        return t;
    });
    private final List<FolderWatcher> watchers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        watchers.forEach(FolderWatcher::close);
        executor.shutdownNow();
    }

    // ---- what the listener saw ----

    private sealed interface Report permits Changes, Rescan, RootMissing {}

    private record Changes(SortedSet<FolderPath> paths) implements Report {}

    private record Rescan(String reason) implements Report {}

    private record RootMissing() implements Report {}

    private static class Recorder implements FolderWatcher.Listener {
        final BlockingQueue<Report> reports = new LinkedBlockingQueue<>();
        final List<Report> seen = new ArrayList<>(); // taken by the test thread only

        @Override
        public void onChanges(SortedSet<FolderPath> paths) {
            reports.add(new Changes(paths));
        }

        @Override
        public void onRescanNeeded(String reason) {
            reports.add(new Rescan(reason));
        }

        @Override
        public void onRootMissing() {
            reports.add(new RootMissing());
        }

        Report next(long deadline) throws InterruptedException {
            Report r = reports.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (r != null) {
                seen.add(r);
            }
            return r;
        }

        /** Batches until every expected path was reported; fails at the deadline. */
        List<SortedSet<FolderPath>> awaitPaths(String... expected) throws InterruptedException {
            Set<FolderPath> missing = Arrays.stream(expected).map(FolderPath::parse)
                    .collect(Collectors.toCollection(HashSet::new));
            List<SortedSet<FolderPath>> batches = new ArrayList<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!missing.isEmpty()) {
                Report r = next(deadline);
                if (r == null) {
                    fail("not reported within " + TIMEOUT + ": " + missing + "; saw " + seen);
                }
                if (r instanceof Changes c) {
                    batches.add(c.paths());
                    missing.removeAll(c.paths());
                }
            }
            return batches;
        }

        <T extends Report> T await(Class<T> type) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (true) {
                Report r = next(deadline);
                if (r == null) {
                    fail("no " + type.getSimpleName() + " within " + TIMEOUT + "; saw " + seen);
                }
                if (type.isInstance(r)) {
                    return type.cast(r);
                }
            }
        }

        /** Every path reported so far, in any batch. */
        Set<String> allReported() {
            return seen.stream().filter(Changes.class::isInstance)
                    .flatMap(r -> ((Changes) r).paths().stream())
                    .map(FolderPath::toString)
                    .collect(Collectors.toSet());
        }
    }

    private FolderWatcher start(Path root, Recorder recorder, IgnoreRules rules) throws IOException {
        FolderWatcher w = FolderWatcher.builder(root, executor, recorder).ignoreRules(rules).start();
        watchers.add(w);
        return w;
    }

    private FolderWatcher start(Path root, Recorder recorder) throws IOException {
        return start(root, recorder, IgnoreRules.empty());
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + " not true within " + TIMEOUT);
            }
            Thread.sleep(10);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    // ---- tests ----

    @Test
    void createModifyAndDeleteOfAFileAreEachReported() throws Exception {
        Recorder rec = new Recorder();
        start(tmp, rec);
        Path f = tmp.resolve("notes.txt");
        // Each arrives ~150 ms (the quiet period) after the change; awaitPaths allows 5 s for CI.
        Files.writeString(f, "one");
        rec.awaitPaths("notes.txt");
        Files.writeString(f, "two", StandardOpenOption.APPEND);
        rec.awaitPaths("notes.txt");
        Files.delete(f);
        rec.awaitPaths("notes.txt");
        assertEquals(Set.of("notes.txt"), rec.allReported());
    }

    @Test
    void aBurstOfWritesComesInFewBatchesWithEveryPath() throws Exception {
        Recorder rec = new Recorder();
        start(tmp, rec);
        String[] names = new String[50];
        for (int i = 0; i < names.length; i++) {
            names[i] = "f" + i;
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            Files.writeString(tmp.resolve(names[i % 50]), "write " + i);
        }
        long writingNanos = System.nanoTime() - t0;
        List<SortedSet<FolderPath>> batches = rec.awaitPaths(names);
        // Undebounced, this would be hundreds of batches; a batch ends only on a 150 ms pause.
        long bound = 3 + writingNanos / Duration.ofMillis(FolderWatcher.DEFAULT_QUIET_MILLIS).toNanos();
        assertTrue(batches.size() <= bound, batches.size() + " batches, bound " + bound);
        assertEquals(Set.of(names), rec.allReported());
    }

    @Test
    void directoriesCreatedWithContentsBeforeTheyAreWatchedAreReported() throws Exception {
        Recorder rec = new Recorder();
        FolderWatcher w = start(tmp, rec);
        Files.createDirectories(tmp.resolve("a/b/c"));
        Files.writeString(tmp.resolve("a/b/c/deep.txt"), "x");
        rec.awaitPaths("a", "a/b", "a/b/c", "a/b/c/deep.txt");
        assertEquals(4, w.watchedDirectoryCount());
    }

    @Test
    void aNewDirectoryIsWatchedAfterwards() throws Exception {
        Recorder rec = new Recorder();
        start(tmp, rec);
        Files.createDirectory(tmp.resolve("d"));
        rec.awaitPaths("d");
        // Written after the directory was reported, so only its watch can see this.
        Files.writeString(tmp.resolve("d/later.txt"), "x");
        rec.awaitPaths("d/later.txt");
        Files.createDirectory(tmp.resolve("d/e"));
        rec.awaitPaths("d/e");
        Files.writeString(tmp.resolve("d/e/deeper.txt"), "x");
        rec.awaitPaths("d/e/deeper.txt");
    }

    @Test
    void theReservedDirectoryIsNeitherWatchedNorReported() throws Exception {
        Files.createDirectories(tmp.resolve(".sync/Archive"));
        Recorder rec = new Recorder();
        FolderWatcher w = start(tmp, rec);
        assertEquals(1, w.watchedDirectoryCount(), "only the root");

        Files.writeString(tmp.resolve(".sync/download.tmp"), "x");
        Files.writeString(tmp.resolve(".sync/Archive/old.txt"), "x");
        deleteTree(tmp.resolve(".sync"));
        Files.createDirectories(tmp.resolve(".sync/Archive")); // recreated: still not watched
        Files.writeString(tmp.resolve(".sync/Archive/again.txt"), "x");
        Files.writeString(tmp.resolve("sentinel"), "x");
        rec.awaitPaths("sentinel");
        Files.writeString(tmp.resolve("sentinel2"), "x");
        rec.awaitPaths("sentinel2");

        assertEquals(Set.of("sentinel", "sentinel2"), rec.allReported());
        assertEquals(1, w.watchedDirectoryCount());
    }

    @Test
    void ignoredPathsAreNeverReportedAndUnignoringWatchesThemAgain() throws Exception {
        Recorder rec = new Recorder();
        IgnoreRules rules = IgnoreRules.parse("*.tmp\ncache/\n");
        FolderWatcher w = start(tmp, rec, rules);

        Files.createDirectory(tmp.resolve("cache"));
        Files.writeString(tmp.resolve("cache/blob"), "x");
        Files.writeString(tmp.resolve("a.tmp"), "x");
        Files.writeString(tmp.resolve(IgnoreRules.FILE_NAME), "*.tmp\ncache/\n");
        Files.writeString(tmp.resolve("kept.txt"), "x");
        rec.awaitPaths(IgnoreRules.FILE_NAME, "kept.txt");
        assertEquals(Set.of(IgnoreRules.FILE_NAME, "kept.txt"), rec.allReported());
        assertEquals(1, w.watchedDirectoryCount(), "an ignored directory costs no watch");

        w.setIgnoreRules(IgnoreRules.empty());
        assertEquals(2, w.watchedDirectoryCount());
        Files.writeString(tmp.resolve("cache/new"), "x");
        Files.writeString(tmp.resolve("a.tmp"), "y");
        rec.awaitPaths("cache/new", "a.tmp");

        w.setIgnoreRules(rules);
        assertEquals(1, w.watchedDirectoryCount());
        Files.writeString(tmp.resolve("cache/newer"), "x");
        Files.writeString(tmp.resolve("b.tmp"), "x");
        Files.writeString(tmp.resolve("sentinel"), "x");
        rec.awaitPaths("sentinel");
        assertFalse(rec.allReported().contains("cache/newer"), rec.allReported().toString());
        assertFalse(rec.allReported().contains("b.tmp"), rec.allReported().toString());
    }

    @Test
    void aRenameIsReportedAsOldAndNewPath() throws Exception {
        Recorder rec = new Recorder();
        start(tmp, rec);
        Files.writeString(tmp.resolve("old.txt"), "x");
        rec.awaitPaths("old.txt");
        Files.move(tmp.resolve("old.txt"), tmp.resolve("new.txt"), StandardCopyOption.ATOMIC_MOVE);
        rec.awaitPaths("old.txt", "new.txt");
    }

    @Test
    void aRenamedDirectoryReportsBothNamesAndLaterChangesUnderTheNewName() throws Exception {
        Recorder rec = new Recorder();
        FolderWatcher w = start(tmp, rec);
        Files.createDirectories(tmp.resolve("dir1/sub"));
        Files.writeString(tmp.resolve("dir1/sub/f"), "x");
        rec.awaitPaths("dir1", "dir1/sub", "dir1/sub/f");

        Files.move(tmp.resolve("dir1"), tmp.resolve("dir2"), StandardCopyOption.ATOMIC_MOVE);
        rec.awaitPaths("dir1", "dir2", "dir2/sub", "dir2/sub/f");
        assertEquals(3, w.watchedDirectoryCount());

        Files.writeString(tmp.resolve("dir2/sub/g"), "x");
        rec.awaitPaths("dir2/sub/g");
        assertFalse(rec.allReported().contains("dir1/sub/g"), rec.allReported().toString());
    }

    @Test
    void aDirectoryMovedOutOfTheFolderIsNoLongerWatched() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("root"));
        Recorder rec = new Recorder();
        FolderWatcher w = start(root, rec);
        Files.createDirectories(root.resolve("away/sub"));
        rec.awaitPaths("away", "away/sub");

        Files.move(root.resolve("away"), tmp.resolve("outside"), StandardCopyOption.ATOMIC_MOVE);
        rec.awaitPaths("away");
        assertEquals(1, w.watchedDirectoryCount());
        Files.writeString(tmp.resolve("outside/sub/f"), "x");
        Files.writeString(root.resolve("sentinel"), "x");
        rec.awaitPaths("sentinel");
        assertFalse(rec.allReported().contains("away/sub/f"), rec.allReported().toString());
    }

    @Test
    void aDeletedDirectoryIsReportedAsItsPath() throws Exception {
        Recorder rec = new Recorder();
        FolderWatcher w = start(tmp, rec);
        Files.createDirectories(tmp.resolve("d/sub"));
        Files.writeString(tmp.resolve("d/sub/f"), "x");
        rec.awaitPaths("d", "d/sub", "d/sub/f");
        deleteTree(tmp.resolve("d"));
        rec.awaitPaths("d");
        awaitTrue("watches of the deleted tree released", () -> w.watchedDirectoryCount() == 1);
    }

    @Test
    void deletingTheRootSignalsRootMissingAndStops() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("root"));
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/b/f"), "x");
        Files.writeString(root.resolve("g"), "x");
        Recorder rec = new Recorder();
        FolderWatcher w = start(root, rec);
        deleteTree(root);
        rec.await(RootMissing.class);
        awaitTrue("watch thread stopped", () -> !w.isThreadAlive());
    }

    @Test
    void movingTheRootAwaySignalsRootMissing() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("root"));
        Recorder rec = new Recorder();
        FolderWatcher w = start(root, rec);
        // A moved directory keeps its watch and sends no event: the periodic root check finds it.
        Files.move(root, tmp.resolve("elsewhere"), StandardCopyOption.ATOMIC_MOVE);
        rec.await(RootMissing.class);
        awaitTrue("watch thread stopped", () -> !w.isThreadAlive());
        w.setIgnoreRules(IgnoreRules.empty()); // harmless once stopped
    }

    @Test
    void lostEventsSignalARescan() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Recorder rec = new Recorder() {
            @Override
            public void onChanges(SortedSet<FolderPath> paths) {
                super.onChanges(paths);
                blocked.countDown();
                try {
                    release.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        // A direct executor runs the listener on the watch loop, so a slow listener stalls it
        // and events pile up beyond the JDK's per-directory queue (512 events).
        FolderWatcher w = FolderWatcher.builder(tmp, Runnable::run, rec).start();
        watchers.add(w);
        Files.writeString(tmp.resolve("first"), "x");
        assertTrue(blocked.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        for (int i = 0; i < 1000; i++) {
            Files.createFile(tmp.resolve("n" + i));
        }
        release.countDown();
        Rescan rescan = rec.await(Rescan.class);
        assertTrue(rescan.reason().contains("overflow"), rescan.reason());
    }

    @Test
    void closeIsPromptIdempotentAndStopsTheNamedDaemonThread() throws Exception {
        Recorder rec = new Recorder();
        FolderWatcher w = start(tmp, rec);
        Thread thread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("cloudless-watcher-" + w.root().getFileName()))
                .findFirst().orElseThrow();
        assertTrue(thread.isDaemon());

        long t0 = System.nanoTime();
        w.close();
        long closeMillis = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(thread.isAlive());
        assertTrue(closeMillis < FolderWatcher.CLOSE_WAIT_MILLIS, closeMillis + " ms");
        w.close();
        w.setIgnoreRules(IgnoreRules.empty()); // harmless once closed
    }

    @Test
    void aContinuouslyWrittenFileIsReportedWithinTheMaximumDelay() throws Exception {
        Recorder rec = new Recorder();
        // The quiet period never elapses between writes 10 ms apart; only the maximum delay
        // can release the batch while the writes go on.
        watchers.add(FolderWatcher.builder(tmp, executor, rec)
                .quietPeriod(Duration.ofMillis(300)).maxDelay(Duration.ofMillis(600)).start());
        Path log = tmp.resolve("growing.log");
        FolderPath expected = FolderPath.parse("growing.log");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Files.writeString(log, "line\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Report r = rec.reports.poll(10, TimeUnit.MILLISECONDS);
            if (r instanceof Changes c && c.paths().contains(expected)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("no batch while the file kept changing; saw " + r);
            }
        }
    }

    @Test
    void theBuilderRejectsBadSettingsAndRoots() throws Exception {
        Recorder rec = new Recorder();
        assertThrows(IllegalArgumentException.class,
                () -> FolderWatcher.builder(tmp, executor, rec).quietPeriod(Duration.ZERO).start());
        assertThrows(IllegalArgumentException.class, () -> FolderWatcher.builder(tmp, executor, rec)
                .quietPeriod(Duration.ofSeconds(2)).maxDelay(Duration.ofSeconds(1)).start());
        assertThrows(IllegalArgumentException.class,
                () -> FolderWatcher.builder(tmp, executor, rec).maxBatchPaths(0).start());
        assertThrows(NoSuchFileException.class,
                () -> FolderWatcher.builder(tmp.resolve("missing"), executor, rec).start());
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThrows(NotDirectoryException.class, () -> FolderWatcher.builder(file, executor, rec).start());
    }
}
