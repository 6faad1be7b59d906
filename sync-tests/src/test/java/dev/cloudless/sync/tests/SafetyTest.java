package dev.cloudless.sync.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.FileInfo;
import dev.cloudless.sync.FolderState;
import dev.cloudless.sync.SyncEvent;
import dev.cloudless.sync.SyncKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data-loss guards and access levels. */
@Tag("integration")
class SafetyTest {
    static final Duration CONVERGE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aScanDeletingMostOfTheFolderWaitsForConfirmation() throws IOException {
        try (Cluster c = new Cluster(dir, SyncKey.generate())) {
            Cluster.Member b = c.add("B");
            Cluster.Member a = c.add("A");
            for (int i = 0; i < 20; i++) {
                a.write("f" + i + ".txt", "content " + i);
            }
            c.awaitConverged(CONVERGE);
            for (int i = 0; i < 15; i++) {
                Files.delete(a.path("f" + i + ".txt"));
            }
            Cluster.await(CONVERGE, "A to wait for confirmation",
                    () -> a.folderHandle().status().state() == FolderState.WAITING_FOR_CONFIRMATION);
            // Events arrive on the subscription's own thread: wait for it rather than race it.
            Cluster.await(CONVERGE, "the DeletionsPending event",
                    () -> a.events(SyncEvent.DeletionsPending.class, e -> e.deletions() == 15).size() == 1);
            Cluster.sleep(500);
            assertTrue(Files.exists(b.path("f0.txt")), "nothing was deleted on B yet");
            a.folderHandle().confirmDeletions();
            Cluster.await(CONVERGE, "B to delete", () -> !Files.exists(b.path("f0.txt")));
            c.awaitConverged(CONVERGE);
            assertTrue(Files.exists(b.path("f19.txt")));
        }
    }

    @Test
    void aMissingFolderStopsWithAnErrorInsteadOfDeletingEverywhere() throws IOException {
        try (Cluster c = new Cluster(dir, SyncKey.generate())) {
            Cluster.Member b = c.add("B");
            Cluster.Member a = c.add("A");
            a.write("precious.txt", "do not lose");
            c.awaitConverged(CONVERGE);
            a.stop();
            deleteTree(a.folder); // the drive is "unmounted"
            a.start();
            Cluster.await(CONVERGE, "A in error", () -> a.folderHandle().status().state() == FolderState.ERROR);
            assertTrue(a.folderHandle().status().error().orElse("").contains("missing"));
            Cluster.sleep(1000);
            assertEquals("do not lose", Files.readString(b.path("precious.txt")));
        }
    }

    @Test
    void readOnlyNodesReceiveButNeverSendAndCanRevert() throws IOException {
        try (Cluster c = new Cluster(dir, SyncKey.generate())) {
            Cluster.Member a = c.add("A");
            Cluster.Member r = c.add("R", c.key().readOnly(), f -> { });
            r.awaitPeers(1);
            a.write("shared.txt", "from the writer");
            c.awaitConverged(CONVERGE);
            Files.writeString(r.path("shared.txt"), "local edit on the read-only node");
            r.write("extra.txt", "never leaves R");
            Cluster.await(CONVERGE, "R to index its local change", () -> r.folderHandle().files().stream()
                    .anyMatch(f -> f.path().equals("extra.txt") && f.state() == FileInfo.SyncState.LOCALLY_CHANGED));
            Cluster.sleep(1000);
            assertEquals("from the writer", Files.readString(a.path("shared.txt")));
            assertFalse(Files.exists(a.path("extra.txt")));
            r.folderHandle().revertLocalChanges();
            Cluster.await(CONVERGE, "R reverted", () -> {
                try {
                    return Files.readString(r.path("shared.txt")).equals("from the writer")
                            && !Files.exists(r.path("extra.txt"));
                } catch (IOException e) {
                    return false;
                }
            });
            a.write("later.txt", "still flowing");
            c.awaitConverged(CONVERGE);
        }
    }

    static void deleteTree(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
