package dev.cloudless.sync.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.FileInfo;
import dev.cloudless.sync.SyncKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;

/**
 * Model-based convergence: random edits, deletions, stops and restarts on three nodes must end
 * with identical trees, and every content ever written must still exist somewhere, as a current
 * file, a conflict copy or an archived version, unless the user overwrote or deleted it before
 * any other copy of it existed. Nothing is silently lost.
 */
@Tag("integration")
class ConvergenceProperties {
    static final List<String> FILES = List.of("a.txt", "b.txt", "dir/c.txt", "dir/sub/d.txt");
    static final int NODES = 3;

    sealed interface Op permits Write, Delete, Stop, Start, Settle {}

    record Write(int node, String file) implements Op {}

    record Delete(int node, String file) implements Op {}

    record Stop(int node) implements Op {}

    record Start(int node) implements Op {}

    record Settle(int millis) implements Op {}

    @Provide
    Arbitrary<List<Op>> scripts() {
        Arbitrary<Integer> node = Arbitraries.integers().between(0, NODES - 1);
        Arbitrary<String> file = Arbitraries.of(FILES);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Combinators.combine(node, file).as(Write::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(node, file).as(Delete::new)),
                net.jqwik.api.Tuple.of(1, node.map(Stop::new)),
                net.jqwik.api.Tuple.of(2, node.map(Start::new)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(50, 1500).map(Settle::new)));
        return op.list().ofMinSize(5).ofMaxSize(20);
    }

    @Property(tries = 6, shrinking = ShrinkingMode.OFF)
    void randomOperationsOnThreeNodesConvergeAndLoseNothing(@ForAll("scripts") List<Op> script) throws Exception {
        Path dir = Files.createTempDirectory("convergence");
        Set<String> written = new LinkedHashSet<>();
        Set<String> destroyed = new HashSet<>();
        int counter = 0;
        try (Cluster c = new Cluster(dir, SyncKey.generate())) {
            for (int i = 0; i < NODES; i++) {
                c.add("n" + i);
            }
            for (Op op : script) {
                if (op instanceof Write w) {
                    Cluster.Member m = c.members().get(w.node());
                    Path p = m.path(w.file());
                    noteDestroyed(c, m, p, destroyed);
                    String content = "content-" + (counter++) + "-" + System.nanoTime() + "\n";
                    if (Files.isDirectory(p)) {
                        continue;
                    }
                    m.write(w.file(), content);
                    written.add(content);
                    if (m.running()) {
                        awaitIndexed(m, w.file(), content.length());
                    }
                } else if (op instanceof Delete d) {
                    Cluster.Member m = c.members().get(d.node());
                    Path p = m.path(d.file());
                    if (Files.isRegularFile(p)) {
                        noteDestroyed(c, m, p, destroyed);
                        Files.delete(p);
                    }
                } else if (op instanceof Stop s) {
                    c.members().get(s.node()).stop();
                } else if (op instanceof Start s) {
                    c.members().get(s.node()).start();
                } else if (op instanceof Settle s) {
                    Cluster.sleep(s.millis());
                }
            }
            for (Cluster.Member m : c.members()) {
                m.start();
            }
            c.awaitConverged(Duration.ofSeconds(60));
            Set<String> everywhere = new HashSet<>();
            for (Cluster.Member m : c.members()) {
                everywhere.addAll(contents(m.folder));
            }
            List<String> lost = new ArrayList<>();
            for (String w : written) {
                if (!destroyed.contains(w) && !everywhere.contains(w)) {
                    lost.add(w.trim());
                }
            }
            assertTrue(lost.isEmpty(), "lost contents " + lost + " after script " + script);
        } finally {
            SafetyTest.deleteTree(dir);
        }
    }

    /** The user overwrites or deletes {@code p}: its content is gone for good only if no other copy exists. */
    private static void noteDestroyed(Cluster c, Cluster.Member m, Path p, Set<String> destroyed) throws IOException {
        if (!Files.isRegularFile(p)) {
            return;
        }
        String current = Files.readString(p);
        for (Cluster.Member other : c.members()) {
            Set<String> theirs = contents(other.folder);
            if (other == m) {
                // Our own archive and conflict copies count, our current file does not.
                theirs = new HashSet<>(theirs);
                if (countOf(other.folder, current) <= 1) {
                    theirs.remove(current);
                }
            }
            if (theirs.contains(current)) {
                return;
            }
        }
        destroyed.add(current);
    }

    private static int countOf(Path root, String content) throws IOException {
        int n = 0;
        for (Path f : allFiles(root)) {
            if (Files.readString(f).equals(content)) {
                n++;
            }
        }
        return n;
    }

    /** Every file's content under {@code root}, including conflict copies and {@code .sync/Archive}. */
    static Set<String> contents(Path root) throws IOException {
        Set<String> out = new HashSet<>();
        for (Path f : allFiles(root)) {
            out.add(Files.readString(f));
        }
        return out;
    }

    private static List<Path> allFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile)
                    .filter(f -> {
                        Path rel = root.relativize(f);
                        return !rel.startsWith(".sync") || rel.startsWith(Path.of(".sync", "Archive"));
                    }).toList();
        } catch (java.io.UncheckedIOException e) {
            return allFiles(root); // a file vanished mid-walk; look again
        }
    }

    private static void awaitIndexed(Cluster.Member m, String file, long size) {
        Cluster.await(Duration.ofSeconds(10), m + " to index " + file, () -> m.folderHandle().files().stream()
                .anyMatch((FileInfo f) -> f.path().equals(file) && !f.deleted() && f.size() == size));
    }
}
