package dev.cloudless.sync.core.transfer;

import static dev.cloudless.sync.core.transfer.TransferFixture.p;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.transfer.Archive.ArchivedVersion;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveTest {
    private static final Instant DAY1 = Instant.parse("2024-03-01T10:00:00Z");
    private static final Instant DAY20 = Instant.parse("2024-03-20T10:00:00Z");
    private static final Instant DAY40 = Instant.parse("2024-04-09T10:00:00Z");

    @TempDir
    Path root;

    private static Archive at(Path root, Instant t) {
        return new Archive(root, Clock.fixed(t, ZoneOffset.UTC));
    }

    @Test
    void archivesPreservingTheDirectoryAndPurgesByRetention() throws Exception {
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/a.tar.gz"), "first");
        Path first = at(root, DAY1).archive(p("docs/a.tar.gz"));
        assertEquals(root.toRealPath().resolve(".sync/Archive/docs/a.tar~20240301-100000.gz"), first);
        assertFalse(Files.exists(root.resolve("docs/a.tar.gz")));

        Files.writeString(root.resolve("docs/a.tar.gz"), "second");
        Path second = at(root, DAY20).archive(p("docs/a.tar.gz"));
        Files.writeString(root.resolve("docs/a.tar.gz"), "third");
        Path third = at(root, DAY20).archive(p("docs/a.tar.gz"));
        assertEquals("a.tar~20240320-100000-1.gz", third.getFileName().toString(), "same second: numbered");

        Files.writeString(root.resolve(".bashrc"), "rc");
        assertEquals("/.sync/Archive/.bashrc~20240301-100000",
                at(root, DAY1).archive(p(".bashrc")).toString().substring(root.toRealPath().toString().length()));
        assertNull(at(root, DAY1).archive(p("missing")));

        List<ArchivedVersion> versions = at(root, DAY40).versions(p("docs/a.tar.gz"));
        assertEquals(List.of(first, second, third), versions.stream().map(ArchivedVersion::file).toList());
        assertEquals(List.of(DAY1, DAY20, DAY20), versions.stream().map(ArchivedVersion::archivedAt).toList());
        assertEquals(5, versions.get(0).size());

        // 30 days before DAY40 is March 10: only the DAY1 entries are older.
        assertEquals(2, at(root, DAY40).purge(Duration.ofDays(30)));
        assertFalse(Files.exists(first));
        assertTrue(Files.exists(second) && Files.exists(third));
        assertEquals(2, at(root, DAY40).versions(p("docs/a.tar.gz")).size());

        assertEquals(2, at(root, DAY40.plus(Duration.ofDays(30))).purge(Duration.ofDays(30)));
        assertFalse(Files.exists(root.resolve(".sync/Archive/docs")), "emptied directories go too");
        assertTrue(Files.isDirectory(root.resolve(".sync/Archive")));
    }

    @Test
    void restoreCopiesBackAndArchivesWhatIsThere() throws Exception {
        Files.writeString(root.resolve("n.txt"), "old");
        at(root, DAY1).archive(p("n.txt"));
        Files.writeString(root.resolve("n.txt"), "new");
        ArchivedVersion old = at(root, DAY20).versions(p("n.txt")).get(0);

        at(root, DAY20).restore(old);

        assertEquals("old", Files.readString(root.resolve("n.txt")));
        assertTrue(Files.exists(old.file()), "restore copies");
        List<ArchivedVersion> now = at(root, DAY20).versions(p("n.txt"));
        assertEquals(2, now.size());
        assertEquals("new", Files.readString(now.get(1).file()));
    }

    @Test
    void symlinksAndEmptyDirectoriesAreArchivedNonEmptyDirectoriesRefused() throws Exception {
        Files.createSymbolicLink(root.resolve("link"), Path.of("nowhere"));
        Path l = at(root, DAY1).archive(p("link"));
        assertTrue(Files.isSymbolicLink(l));
        assertFalse(Files.exists(root.resolve("link"), LinkOption.NOFOLLOW_LINKS));

        Files.createDirectories(root.resolve("full/x"));
        assertThrows(DirectoryNotEmptyException.class, () -> at(root, DAY1).archive(p("full")));
        assertTrue(Files.isDirectory(root.resolve("full/x")));
        Path d = at(root, DAY1).archive(p("full/x"));
        assertTrue(Files.isDirectory(d));
        assertEquals(2, at(root, DAY40).purge(Duration.ofDays(1)));
    }

    @Test
    void longNamesAreShortenedToFit() throws Exception {
        String name = "n".repeat(250) + ".txt";
        Files.writeString(root.resolve(name), "x");
        Path a = at(root, DAY1).archive(p(name));
        assertTrue(a.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255);
        assertTrue(a.getFileName().toString().endsWith("~20240301-100000.txt"));
        assertEquals(List.of(a), at(root, DAY1).versions(p(name)).stream().map(ArchivedVersion::file).toList());
    }
}
