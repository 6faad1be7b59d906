package dev.cloudless.sync.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.SyncEvent;
import dev.cloudless.sync.SyncKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent edits, delete against edit, restarts and relaying through a third node. */
@Tag("integration")
class ConflictAndTopologyTest {
    static final Duration CONVERGE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void concurrentEditsKeepBothVersionsAsAConflictCopy() throws IOException {
        try (Cluster c = new Cluster(dir, SyncKey.generate())) {
            Cluster.Member b = c.add("B");
            Cluster.Member a = c.add("A");
            a.write("notes.txt", "base");
            c.awaitConverged(CONVERGE);
            a.stop();
            b.stop();
            Files.writeString(a.path("notes.txt"), "edited on A");
            Files.writeString(b.path("notes.txt"), "edited on B, later");
            a.start();
            b.start();
            c.awaitConverged(CONVERGE);
            Map<String, String> tree = Cluster.tree(a.folder);
            List<String> contents = new ArrayList<>();
            for (String p : tree.keySet()) {
                if (p.startsWith("notes")) {
                    contents.add(Files.readString(a.path(p)));
                }
            }
            assertEquals(2, contents.size(), "the file and one conflict copy: " + tree.keySet());
            assertTrue(contents.contains("edited on A") && contents.contains("edited on B, later"), contents::toString);
            assertTrue(tree.keySet().stream().anyMatch(p -> p.matches("notes\\.sync-conflict-\\d{8}-\\d{6}-[A-Z0-9]{7}\\.txt")),
                    tree.keySet()::toString);
            Cluster.await(CONVERGE, "a conflict event on one side",
                    () -> !a.events(SyncEvent.FileConflicted.class, e -> true).isEmpty()
                            || !b.events(SyncEvent.FileConflicted.class, e -> true).isEmpty());
        }
    }

    @Test
    void deleteAgainstEditKeepsTheEdit() throws IOException {
        try (Cluster c = new Cluster(dir, SyncKey.generate())) {
            Cluster.Member b = c.add("B");
            Cluster.Member a = c.add("A");
            a.write("keep.txt", "base");
            c.awaitConverged(CONVERGE);
            a.stop();
            b.stop();
            Files.delete(a.path("keep.txt"));
            Files.writeString(b.path("keep.txt"), "edit survives");
            a.start();
            b.start();
            c.awaitConverged(CONVERGE);
            assertEquals("edit survives", Files.readString(a.path("keep.txt")));
        }
    }

    @Test
    void aChangeReachesAThirdNodeThroughTheMiddleOne() throws IOException {
        try (Cluster c = new Cluster(dir, SyncKey.generate())) {
            Cluster.Member a = c.add("A");
            Cluster.Member b = c.add("B");              // dials A
            Cluster.Member cc = c.add("C", c.key(), f -> { });
            // C dialled A and B; cut C off from A by stopping A after B has everything, then edit on B.
            a.write("chain.txt", "from A");
            c.awaitConverged(CONVERGE);
            a.stop();
            b.write("chain.txt", "from B");
            c.awaitConverged(CONVERGE, List.of(b, cc));
            assertEquals("from B", Files.readString(cc.path("chain.txt")));
            a.start();
            c.awaitConverged(CONVERGE);
            assertEquals("from B", Files.readString(a.path("chain.txt")));
        }
    }

    @Test
    void aRestartedNodeCatchesUpWithWhatChangedWhileItWasDown() throws IOException {
        try (Cluster c = new Cluster(dir, SyncKey.generate())) {
            Cluster.Member b = c.add("B");
            Cluster.Member a = c.add("A");
            a.write("one.txt", "1");
            c.awaitConverged(CONVERGE);
            b.stop();
            a.write("two.txt", "2");
            Files.delete(a.path("one.txt"));
            Cluster.sleep(500);
            b.start();
            c.awaitConverged(CONVERGE);
            assertEquals("2", Files.readString(b.path("two.txt")));
        }
    }

    @Test
    void aNodeRestartedBeforeItsPeersFirstReachedItIsDialledAgain() throws IOException {
        // Found by ConvergenceProperties: a dial whose handshake failed (the node was stopping)
        // never reached the dialer, so the peers never tried again.
        try (Cluster c = new Cluster(dir, SyncKey.generate())) {
            for (int i = 0; i < 3; i++) {
                c.add("n" + i);
            }
            Cluster.Member first = c.members().get(0);
            first.stop();
            first.start();
            c.members().get(1).write("x.txt", "from n1");
            c.awaitConverged(CONVERGE);
            assertEquals("from n1", Files.readString(first.path("x.txt")));
        }
    }
}
