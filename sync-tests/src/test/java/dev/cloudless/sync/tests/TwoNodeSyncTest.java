package dev.cloudless.sync.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.PeerInfo;
import dev.cloudless.sync.SyncEvent;
import dev.cloudless.sync.SyncKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two real nodes on loopback: every file-system semantic the engine promises. */
@Tag("integration")
class TwoNodeSyncTest {
    static final Duration CONVERGE = Duration.ofSeconds(30);

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

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void filesDirectoriesAndEmptyDirectoriesReachThePeer() throws IOException {
        a.write("top.txt", "top");
        a.write("dir/sub/deep.bin", random(300_000, 1));
        Files.createDirectories(a.path("empty/nested"));
        a.write("zero-length", new byte[0]);
        cluster.awaitConverged(CONVERGE);
        assertTrue(Files.isDirectory(b.path("empty/nested")));
        assertEquals("top", Files.readString(b.path("top.txt")));
        Cluster.await(CONVERGE, "remote FileChanged events on B",
                () -> !b.events(SyncEvent.FileChanged.class, e -> e.origin() == SyncEvent.Origin.REMOTE).isEmpty());
    }

    @Test
    void modificationsAndDeletionsPropagateAndDeletedFilesAreArchivedOnThePeer() throws IOException {
        a.write("doc.txt", "version 1");
        a.write("dir/x.txt", "x");
        cluster.awaitConverged(CONVERGE);
        a.write("doc.txt", "version 2, longer");
        cluster.awaitConverged(CONVERGE);
        assertEquals("version 2, longer", Files.readString(b.path("doc.txt")));
        Files.delete(a.path("dir/x.txt"));
        Files.delete(a.path("dir"));
        Files.delete(a.path("doc.txt"));
        cluster.awaitConverged(CONVERGE);
        assertFalse(Files.exists(b.path("doc.txt")));
        assertFalse(Files.exists(b.path("dir")));
        // The replaced and the deleted versions are recoverable on B.
        try (var s = Files.walk(b.path(".sync/Archive"))) {
            assertTrue(s.filter(Files::isRegularFile).count() >= 3, "archive holds versions 1, 2 and x.txt");
        }
    }

    @Test
    void renamesAndCopiesTransferNoBlockData() throws IOException {
        a.write("big/original.bin", random(3 << 20, 2));
        cluster.awaitConverged(CONVERGE);
        long before = bytesIn(b);
        Files.move(a.path("big/original.bin"), a.path("moved.bin"));
        Files.copy(a.path("moved.bin"), a.path("copy.bin"));
        cluster.awaitConverged(CONVERGE);
        assertEquals(before, bytesIn(b), "a rename and a copy are rebuilt from local blocks");
    }

    @Test
    void modificationTimeAndExecutableBitArePreserved() throws IOException {
        a.write("run.sh", "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(a.path("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Instant when = Instant.parse("2020-02-29T12:34:56.123456789Z");
        Files.setLastModifiedTime(a.path("run.sh"), FileTime.from(when));
        cluster.awaitConverged(CONVERGE);
        Cluster.await(CONVERGE, "mtime on B", () -> mtime(b.path("run.sh")).equals(mtime(a.path("run.sh"))));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(b.path("run.sh"))));
    }

    @Test
    void unicodeNamesArriveInNfcWhateverFormTheyWereWrittenIn() throws IOException {
        String nfd = Normalizer.normalize("café-ñandú.txt", Normalizer.Form.NFD);
        a.write(nfd, "accents");
        a.write("日本語/ファイル.txt", "cjk");
        cluster.awaitConverged(CONVERGE);
        assertEquals("accents", Files.readString(b.path(Normalizer.normalize(nfd, Normalizer.Form.NFC))));
    }

    @Test
    void namesInvalidOnOtherPlatformsStillSyncBetweenLinuxNodes() throws IOException {
        a.write("con.txt", "reserved on Windows");
        a.write("what?.txt", "question mark");
        a.write("trailing. ", "trailing dot and space");
        cluster.awaitConverged(CONVERGE);
        assertEquals("question mark", Files.readString(b.path("what?.txt")));
    }

    @Test
    void symlinksInsideTheFolderAreSyncedAsLinksAndEscapingOnesAreNot() throws IOException {
        a.write("target/file.txt", "t");
        Files.createSymbolicLink(a.path("link"), Path.of("target/file.txt"));
        Files.createSymbolicLink(a.path("escape"), Path.of("../../etc/passwd"));
        Files.createSymbolicLink(a.path("absolute"), Path.of("/etc/passwd"));
        Cluster.await(CONVERGE, "link on B", () -> Files.isSymbolicLink(b.path("link")));
        assertEquals(Path.of("target/file.txt"), Files.readSymbolicLink(b.path("link")));
        Cluster.sleep(1000);
        assertFalse(Files.exists(b.path("escape"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(b.path("absolute"), LinkOption.NOFOLLOW_LINKS));
        Cluster.await(CONVERGE, "the escaping link reported on A",
                () -> !a.events(SyncEvent.SyncError.class, e -> e.path().equals("escape")).isEmpty());
    }

    @Test
    void changesFlowBothWays() throws IOException {
        a.write("from-a.txt", "a");
        b.write("from-b.txt", "b");
        cluster.awaitConverged(CONVERGE);
        assertEquals("b", Files.readString(a.path("from-b.txt")));
    }

    @Test
    void peersAreListedWithNameAddressAndTransport() {
        PeerInfo p = a.folderHandle().peers().get(0);
        assertEquals("B", p.name());
        // Both transports listen; TCP's head start wins the dial unless the nodes are restricted.
        assertEquals(Cluster.TRANSPORT == null ? "tcp" : Cluster.TRANSPORT, p.transport());
        assertEquals(b.node().deviceId(), p.deviceId());
    }

    @Test
    void ignoredFilesStayLocalWhileTheIgnoreFileItselfIsShared() throws IOException {
        a.write(".syncignore", "*.tmp\nbuild/\n");
        cluster.awaitConverged(CONVERGE);
        a.write("keep.txt", "shared");
        a.write("scratch.tmp", "local only");
        a.write("build/out.bin", "local only");
        Cluster.await(CONVERGE, "keep.txt on B", () -> Files.exists(b.path("keep.txt")));
        Cluster.sleep(1000);
        assertTrue(Files.exists(b.path(".syncignore")));
        assertFalse(Files.exists(b.path("scratch.tmp")));
        assertFalse(Files.exists(b.path("build")));
    }

    @Test
    void foldersCanBeAddedAndRemovedWhileRunningAndListTheirFiles() throws IOException {
        SyncKey second = SyncKey.generate();
        var fa = a.node().addFolder(dev.cloudless.sync.FolderConfig.builder(dir.resolve("A2"), second)
                .peer(b.address()).build());
        var fb = b.node().addFolder(dev.cloudless.sync.FolderConfig.builder(dir.resolve("B2"), second).build());
        Files.writeString(dir.resolve("A2").resolve("second.txt"), "second folder");
        Cluster.await(CONVERGE, "the second folder to sync", () -> Files.exists(dir.resolve("B2/second.txt")));
        assertEquals(2, b.node().folders().size());
        Cluster.await(CONVERGE, "B to list the file as synced", () -> fb.files().stream().anyMatch(f ->
                f.path().equals("second.txt") && f.state() == dev.cloudless.sync.FileInfo.SyncState.SYNCED));
        assertTrue(b.node().removeFolder(fb.id()));
        assertEquals(1, b.node().folders().size());
        Files.writeString(dir.resolve("A2").resolve("after.txt"), "not delivered");
        a.write("first-folder.txt", "still syncing");
        Cluster.await(CONVERGE, "the first folder to keep syncing", () -> Files.exists(b.path("first-folder.txt")));
        assertFalse(Files.exists(dir.resolve("B2/after.txt")));
        assertEquals(fa.id(), second.discoveryIdHex());
    }

    static long bytesIn(Cluster.Member m) {
        return m.folderHandle().peers().stream().mapToLong(PeerInfo::bytesIn).sum();
    }

    static FileTime mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
