package dev.cloudless.sync.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeMatcherTest {
    private static final Duration POLL = Duration.ofMillis(10);

    @TempDir
    Path tmp;
    Path a;
    Path b;
    ExpectedTree expected;

    @BeforeEach
    void twoEqualTrees() throws IOException {
        a = tmp.resolve("a");
        b = tmp.resolve("b");
        for (int i = 0; i < 6; i++) {
            ScenarioData.writeFile(a.resolve("d" + (i % 2)).resolve("f" + i), i, 1000 + i);
        }
        expected = ExpectedTree.of(a);
        copyTree(a, b);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    @Test
    void expectedTreeHoldsEveryVisibleFileWithItsHash() throws IOException {
        assertEquals(6, expected.files().size());
        assertEquals(6 * 1000 + 15, expected.totalBytes());
        assertTrue(expected.files().get("d1/f3").sameContent(ExpectedTree.hash(a.resolve("d1/f3"))));
    }

    @Test
    void identicalCopyMatches() throws IOException {
        assertEquals(Optional.empty(), new TreeMatcher(b).difference(expected));
    }

    @Test
    void missingExtraAndResizedFilesAreReported() throws IOException {
        TreeMatcher m = new TreeMatcher(b);
        Files.delete(b.resolve("d0/f2"));
        assertEquals(Optional.of("missing d0/f2"), m.difference(expected));
        Files.copy(a.resolve("d0/f2"), b.resolve("d0/f2"));
        Files.writeString(b.resolve("d0/extra"), "x");
        assertEquals(Optional.of("unexpected file d0/extra"), m.difference(expected));
        Files.delete(b.resolve("d0/extra"));
        Files.write(b.resolve("d1/f1"), new byte[3]);
        assertEquals(Optional.of("d1/f1 has 3 bytes, expected 1001"), m.difference(expected));
    }

    @Test
    void hiddenNamesAreNotPartOfTheTree() throws IOException {
        Files.createDirectories(b.resolve(".stfolder"));
        Files.writeString(b.resolve(".stfolder/x"), "marker");
        Files.writeString(b.resolve("d0/.syncthing.f0.tmp"), "partial");
        assertEquals(Optional.empty(), new TreeMatcher(b).difference(expected));
    }

    @Test
    void sameSizeContentChangeIsFoundEvenWithTheOldMtimeRestored() throws IOException {
        TreeMatcher m = new TreeMatcher(b);
        assertEquals(Optional.empty(), m.difference(expected)); // hashes cached now
        Path f = b.resolve("d0/f4");
        FileTime mtime = Files.getLastModifiedTime(f);
        byte[] content = Files.readAllBytes(f);
        content[content.length / 2] ^= 1;
        Files.write(f, content);
        Files.setLastModifiedTime(f, mtime); // size and mtime as before: only ctime tells
        assertEquals(Optional.of("d0/f4 differs in content"), m.difference(expected));
        content[content.length / 2] ^= 1;
        Files.write(f, content);
        assertEquals(Optional.empty(), m.difference(expected));
    }

    @Test
    void awaitIdenticalReturnsOnceAnotherThreadCompletesTheTree() throws Exception {
        Path c = tmp.resolve("c");
        Files.createDirectories(c);
        Thread copier = new Thread(() -> {
            try {
                Thread.sleep(100);
                copyTree(a, c);
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        long before = System.nanoTime();
        copier.start();
        long at = new TreeMatcher(c).awaitIdentical(expected, POLL, System.nanoTime() + Duration.ofSeconds(10).toNanos());
        copier.join();
        assertTrue(at - before >= Duration.ofMillis(100).toNanos(), "matched before the copy started");
        assertEquals(Optional.empty(), new TreeMatcher(c).difference(expected));
    }

    @Test
    void awaitIdenticalTimesOutWithTheLastDifference() throws IOException {
        Files.delete(b.resolve("d1/f5"));
        TimeoutException e = assertThrows(TimeoutException.class,
                () -> new TreeMatcher(b).awaitIdentical(expected, POLL, System.nanoTime() + Duration.ofMillis(100).toNanos()));
        assertTrue(e.getMessage().endsWith("missing d1/f5"), e.getMessage());
    }
}
