package dev.cloudless.sync.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Kills a writing JVM with SIGKILL and checks that exactly the committed batches survived. */
class IndexCrashTest {
    /** How long the child writes after its first commit before it is killed. */
    private static final long WRITE_MILLIS = 400;
    private static final long START_TIMEOUT_SECONDS = 30;

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void everyReportedBatchSurvivesKillNineAndNoBatchIsPartial() throws Exception {
        Path db = dir.resolve(IndexStore.FILE_NAME);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + dir, IndexCrashWriter.class.getName(), db.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        AtomicInteger lastReported = new AtomicInteger(-1);
        CountDownLatch firstCommit = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lastReported.set(Integer.parseInt(line.trim()));
                    firstCommit.countDown();
                }
            } catch (Exception e) {
                // the pipe breaks when the child dies
            }
        });
        reader.start();
        try {
            assertTrue(firstCommit.await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS), "child committed nothing");
            Thread.sleep(WRITE_MILLIS);
        } finally {
            child.destroyForcibly(); // SIGKILL on Unix
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        }
        reader.join(10_000);
        int reported = lastReported.get();
        assertTrue(reported >= 1, "too few batches to test anything: " + reported);

        try (IndexStore store = IndexStore.open(db)) {
            assertEquals("ok", store.integrityCheck());
            FolderIndex folder = store.folder(IndexCrashWriter.FOLDER);
            Map<Integer, Integer> perBatch = new HashMap<>();
            long after = 0;
            for (List<SequencedRecord> page; !(page = folder.localSince(after, 1000)).isEmpty(); ) {
                for (SequencedRecord sr : page) {
                    int batch = Integer.parseInt(sr.record().path().segments().get(0).substring(1));
                    perBatch.merge(batch, 1, Integer::sum);
                    after = sr.sequence();
                }
            }
            // The batch in flight at the kill may have committed without being reported: at most one more.
            int present = perBatch.size();
            assertTrue(present == reported + 1 || present == reported + 2,
                    "reported up to " + reported + ", present " + present);
            for (int b = 0; b < present; b++) {
                assertEquals(IndexCrashWriter.FILES_PER_BATCH, perBatch.getOrDefault(b, 0), "batch " + b);
            }
            assertEquals((long) present * IndexCrashWriter.FILES_PER_BATCH, folder.maxSequence());
            int last = present - 1;
            assertEquals(Optional.of(IndexCrashWriter.record(last, 3)),
                    folder.local(IndexCrashWriter.path(last, 3)));
            assertEquals(1, folder.findBlock(Records.hash(last * IndexCrashWriter.FILES_PER_BATCH + 3)).size());
        }
    }
}
