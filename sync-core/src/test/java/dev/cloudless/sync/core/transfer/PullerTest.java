package dev.cloudless.sync.core.transfer;

import static dev.cloudless.sync.core.transfer.TransferFixture.CLOCK;
import static dev.cloudless.sync.core.transfer.TransferFixture.ME;
import static dev.cloudless.sync.core.transfer.TransferFixture.PEER_A;
import static dev.cloudless.sync.core.transfer.TransferFixture.PEER_B;
import static dev.cloudless.sync.core.transfer.TransferFixture.T0;
import static dev.cloudless.sync.core.transfer.TransferFixture.p;
import static dev.cloudless.sync.core.transfer.TransferFixture.random;
import static dev.cloudless.sync.core.transfer.TransferFixture.v;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.block.Block;
import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.index.Need;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.path.InvalidFolderPathException;
import dev.cloudless.sync.core.transfer.Puller.PullOutcome;
import dev.cloudless.sync.core.version.ConflictNames;
import dev.cloudless.sync.core.version.VersionVector;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PullerTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;
    TransferFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new TransferFixture(tmp);
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    @Test
    void newFileIsPulledByteIdenticalWithMtimeAndPermissions() throws Exception {
        FolderPeer a = f.peer(PEER_A, FolderPeer.Mode.GOOD);
        byte[] content = random(2 * MIB + 17, 1);
        FileRecord r = f.remoteFile(List.of(PEER_A), "dir/sub/tool.bin", content, v(PEER_A, 1), 0750, T0);

        assertEquals(PullOutcome.APPLIED, f.pull("dir/sub/tool.bin"));

        Path target = f.local.resolve("dir/sub/tool.bin");
        assertArrayEquals(content, Files.readAllBytes(target));
        assertEquals(FileTime.from(T0), Files.getLastModifiedTime(target));
        assertEquals(PosixFilePermissions.fromString("rwxr-x---"), Files.getPosixFilePermissions(target));
        assertEquals(content.length, a.bytesServed.get());
        assertEquals(r, f.index.local(p("dir/sub/tool.bin")).orElseThrow(), "the remote record, as received");
        assertEquals(f.index.scanned(p("dir/sub/tool.bin")).orElseThrow(),
                Puller.scanEntry(Files.readAttributes(target, java.nio.file.attribute.BasicFileAttributes.class)));
        assertTrue(f.index.needed().isEmpty());
        assertEquals(List.of("started dir/sub/tool.bin " + content.length, "progress dir/sub/tool.bin " + content.length,
                "finished dir/sub/tool.bin"), f.events);
        try (var s = Files.list(f.local.resolve(Puller.TMP_DIR))) {
            assertEquals(0, s.count(), "no temp file left behind");
        }
    }

    @Test
    void aLargeFileIsFlushedWhileItArrivesAndEndsIdentical() throws Exception {
        f.puller.earlyFlushBytes = 256 << 10;
        f.peer(PEER_A, FolderPeer.Mode.GOOD);
        byte[] content = random(3 * MIB, 11);
        f.remoteFile(List.of(PEER_A), "big.bin", content, v(PEER_A, 1), 0644, T0);

        assertEquals(PullOutcome.APPLIED, f.pull("big.bin"));

        assertArrayEquals(content, Files.readAllBytes(f.local.resolve("big.bin")));
        assertTrue(f.puller.earlyFlushes() >= 1, "flushed before the end: " + f.puller.earlyFlushes());
    }

    @Test
    void zeroLengthFileHasNoBlocks() throws Exception {
        f.peer(PEER_A, FolderPeer.Mode.GOOD);
        f.remoteFile(List.of(PEER_A), "empty", new byte[0], v(PEER_A, 1), 0644, T0);
        assertEquals(PullOutcome.APPLIED, f.pull("empty"));
        assertEquals(0, Files.size(f.local.resolve("empty")));
    }

    @Test
    void modifiedFileFetchesOnlyChangedBlocksAndArchivesTheOldVersion() throws Exception {
        FolderPeer a = f.peer(PEER_A, FolderPeer.Mode.GOOD);
        byte[] v1 = random(4 * MIB, 2);
        FileRecord old = f.localFile("doc.bin", v1, v(ME, 1), T0);
        byte[] v2 = v1.clone();
        System.arraycopy(random(1000, 3), 0, v2, 2 * MIB, 1000);
        FileRecord r = f.remoteFile(List.of(PEER_A), "doc.bin", v2, v(ME, 1, PEER_A, 1), 0644, T0.plusSeconds(5));

        Set<Sha256> had = new HashSet<>();
        old.blocks().forEach(b -> had.add(b.hash()));
        long changed = r.blocks().stream().filter(b -> !had.contains(b.hash())).mapToLong(Block::length).sum();
        assertTrue(changed > 0 && changed < MIB / 2, "content-defined chunking localises the edit: " + changed);

        assertEquals(PullOutcome.APPLIED, f.pull("doc.bin"));

        assertArrayEquals(v2, f.read("doc.bin"));
        assertEquals(changed, a.bytesServed.get(), "only the changed blocks are fetched");
        List<Path> archived = f.archived();
        assertEquals(1, archived.size());
        assertEquals("doc~20240305-140709.bin", archived.get(0).getFileName().toString());
        assertArrayEquals(v1, Files.readAllBytes(archived.get(0)));
    }

    @Test
    void renameFetchesNothing() throws Exception {
        FolderPeer a = f.peer(PEER_A, FolderPeer.Mode.GOOD);
        byte[] content = random(3 * MIB, 4);
        f.localFile("old-name.bin", content, v(ME, 1), T0);
        f.remoteFile(List.of(PEER_A), "new/name.bin", content, v(PEER_A, 1), 0644, T0);

        assertEquals(PullOutcome.APPLIED, f.pull("new/name.bin"));

        assertArrayEquals(content, f.read("new/name.bin"));
        assertEquals(0, a.requests.get());
    }

    @Test
    void noCandidatePeerGivesNoSource() throws Exception {
        FolderPeer a = f.peer(PEER_A, FolderPeer.Mode.GOOD);
        FileRecord r = f.remoteFile(List.of(PEER_B), "x.bin", random(100_000, 5), v(PEER_B, 1), 0644, T0);
        // PEER_A is connected but announced another (losing) version: not a candidate; PEER_B is not connected.
        f.announce(PEER_A, new FileRecord(r.path(), r.type(), r.size(), r.mtime().minusSeconds(10), r.permissions(), v(PEER_A, 1),
                false, r.blocks(), "", PEER_A.shortId(), new byte[0]));
        Need n = f.index.needed().get(0);
        assertEquals(PEER_B, n.from());

        assertEquals(PullOutcome.NO_SOURCE, f.puller.pull(n).get(30, TimeUnit.SECONDS));
        assertEquals(0, a.requests.get());
        assertFalse(Files.exists(f.local.resolve("x.bin")));
        assertTrue(f.index.local(p("x.bin")).isEmpty());
    }

    @Test
    void failingPeerIsSkippedAndOnlyFailingPeersGiveNoSource() throws Exception {
        FolderPeer broken = f.peer(PEER_A, FolderPeer.Mode.FAIL);
        byte[] content = random(MIB, 6);
        f.remoteFile(List.of(PEER_A, PEER_B), "y.bin", content, v(PEER_A, 1), 0644, T0);
        assertEquals(PullOutcome.NO_SOURCE, f.pull("y.bin"));
        assertTrue(broken.requests.get() > 0);
        assertFalse(Files.exists(f.local.resolve("y.bin")));

        f.peer(PEER_B, FolderPeer.Mode.GOOD);
        assertEquals(PullOutcome.APPLIED, f.pull("y.bin"));
        assertArrayEquals(content, f.read("y.bin"));
        assertTrue(f.badPeers.isEmpty(), "failures are not bad data");
    }

    @Test
    void corruptedBlocksAreReportedAndFetchedFromTheOtherPeer() throws Exception {
        FolderPeer corrupt = f.peer(PEER_A, FolderPeer.Mode.CORRUPT);
        FolderPeer good = f.peer(PEER_B, FolderPeer.Mode.GOOD);
        byte[] content = random(2 * MIB, 7);
        f.remoteFile(List.of(PEER_A, PEER_B), "z.bin", content, v(PEER_A, 1), 0644, T0);

        assertEquals(PullOutcome.APPLIED, f.pull("z.bin"));

        assertArrayEquals(content, f.read("z.bin"));
        assertTrue(corrupt.requests.get() > 0, "the corrupting peer was asked (load is spread)");
        assertFalse(f.badPeers.isEmpty());
        assertTrue(f.badPeers.stream().allMatch(PEER_A::equals), "only the corrupting peer: " + f.badPeers);
        assertEquals(Set.of(PEER_B), f.scheduler.peers(), "the bad peer is dropped");
        assertEquals(content.length, good.bytesServed.get());
    }

    @Test
    void resumeKeepsBlocksAlreadyInTheTempFile() throws Exception {
        FolderPeer a = f.peer(PEER_A, FolderPeer.Mode.GOOD);
        byte[] content = random(4 * MIB, 8);
        FileRecord r = f.remoteFile(List.of(PEER_A), "big.bin", content, v(PEER_A, 1), 0644, T0);
        List<Block> blocks = r.blocks();
        int half = blocks.size() / 2;
        Path temp = Files.createDirectories(f.local.resolve(Puller.TMP_DIR)).resolve(Puller.tempName(p("big.bin"), blocks));
        long kept = 0;
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int i = 0; i < half; i++) {
                Block b = blocks.get(i);
                ch.write(ByteBuffer.wrap(content, (int) b.offset(), b.length()), b.offset());
                kept += b.length();
            }
            // a torn write of the next block: garbage that must be replaced, not kept
            ch.write(ByteBuffer.wrap(new byte[100]), blocks.get(half).offset());
        }
        assertTrue(temp.getFileName().toString().matches("[0-9a-f]{32}-[0-9a-f]{16}\\.part"));

        assertEquals(PullOutcome.APPLIED, f.pull("big.bin"));

        assertArrayEquals(content, f.read("big.bin"));
        assertEquals(content.length - kept, a.bytesServed.get());
        assertFalse(Files.exists(temp));
    }

    @Test
    void localChangeSinceTheLastScanIsNotOverwritten() throws Exception {
        FolderPeer a = f.peer(PEER_A, FolderPeer.Mode.GOOD);
        f.localFile("notes.txt", "v1".getBytes(), v(ME, 1), T0);
        byte[] remote = random(200_000, 9);
        f.remoteFile(List.of(PEER_A), "notes.txt", remote, v(ME, 1, PEER_A, 1), 0644, T0.plusSeconds(1));
        Files.writeString(f.local.resolve("notes.txt"), "edited locally, not scanned yet");

        assertEquals(PullOutcome.SKIPPED_LOCAL_CHANGE, f.pull("notes.txt"));

        assertEquals("edited locally, not scanned yet", Files.readString(f.local.resolve("notes.txt")));
        assertEquals(v(ME, 1), f.index.local(p("notes.txt")).orElseThrow().version());
        assertTrue(f.archived().isEmpty());
        assertEquals(0, a.requests.get());
    }

    @Test
    void unindexedLocalFileIsNotOverwritten() throws Exception {
        f.peer(PEER_A, FolderPeer.Mode.GOOD);
        f.remoteFile(List.of(PEER_A), "new.txt", random(1000, 10), v(PEER_A, 1), 0644, T0);
        Files.writeString(f.local.resolve("new.txt"), "mine");
        assertEquals(PullOutcome.SKIPPED_LOCAL_CHANGE, f.pull("new.txt"));
        assertEquals("mine", Files.readString(f.local.resolve("new.txt")));
    }

    @Test
    void deleteMovesTheFileToTheArchiveAndRecordsTheTombstone() throws Exception {
        FileRecord mine = f.localFile("docs/old.txt", "keep me somewhere".getBytes(), v(ME, 1), T0);
        FileRecord tombstone = mine.tombstone(v(ME, 1, PEER_A, 1), T0.plusSeconds(9), PEER_A.shortId());
        f.announce(PEER_A, tombstone);
        assertEquals(Need.Kind.DELETE, f.need("docs/old.txt").kind());

        assertEquals(PullOutcome.APPLIED, f.pull("docs/old.txt"));

        assertFalse(Files.exists(f.local.resolve("docs/old.txt")));
        List<Path> archived = f.archived();
        assertEquals(List.of(f.local.resolve(".sync/Archive/docs/old~20240305-140709.txt").toRealPath()),
                archived.stream().map(x -> { try { return x.toRealPath(); } catch (Exception e) { throw new AssertionError(e); } }).toList());
        assertEquals("keep me somewhere", Files.readString(archived.get(0)));
        assertEquals(tombstone, f.index.local(p("docs/old.txt")).orElseThrow());
        assertTrue(f.index.scanned(p("docs/old.txt")).isEmpty());
        assertTrue(f.events.contains("deleted docs/old.txt"));
    }

    @Test
    void deleteOfLocallyChangedFileIsSkipped() throws Exception {
        FileRecord mine = f.localFile("d.txt", "one".getBytes(), v(ME, 1), T0);
        f.announce(PEER_A, mine.tombstone(v(ME, 1, PEER_A, 1), T0, PEER_A.shortId()));
        Files.writeString(f.local.resolve("d.txt"), "two, longer");
        assertEquals(PullOutcome.SKIPPED_LOCAL_CHANGE, f.pull("d.txt"));
        assertEquals("two, longer", Files.readString(f.local.resolve("d.txt")));
        assertFalse(f.index.local(p("d.txt")).orElseThrow().deleted());
    }

    @Test
    void conflictWonByTheRemoteKeepsTheLocalVersionAsAConflictCopy() throws Exception {
        f.peer(PEER_A, FolderPeer.Mode.GOOD);
        byte[] mine = random(300_000, 11);
        byte[] theirs = random(300_000, 12);
        f.localFile("report.pdf", mine, v(ME, 1), T0);
        FileRecord r = f.remoteFile(List.of(PEER_A), "report.pdf", theirs, v(PEER_A, 1), 0644, T0.plusSeconds(60));
        assertEquals(Need.Kind.CONFLICT, f.need("report.pdf").kind());

        assertEquals(PullOutcome.CONFLICT_RESOLVED, f.pull("report.pdf"));

        FolderPath copy = ConflictNames.conflictPath(p("report.pdf"), CLOCK, ME.toString().replace("-", ""));
        assertEquals("report.sync-conflict-20240305-140709-" + ME.toString().substring(0, 5)
                + ME.toString().substring(6, 8) + ".pdf", copy.toString());
        assertArrayEquals(theirs, f.read("report.pdf"));
        assertArrayEquals(mine, f.read(copy.toString()));
        assertEquals(r, f.index.local(p("report.pdf")).orElseThrow());
        assertTrue(f.events.contains("conflict report.pdf " + copy));
    }

    @Test
    void conflictWonLocallyDownloadsTheRemoteVersionAsAConflictCopyAndDominates() throws Exception {
        f.peer(PEER_A, FolderPeer.Mode.GOOD);
        byte[] mine = random(300_000, 13);
        byte[] theirs = random(300_000, 14);
        FileRecord local = f.localFile("report.pdf", mine, v(ME, 1), T0.plusSeconds(60));
        FileRecord remote = f.remoteFile(List.of(PEER_A), "report.pdf", theirs, v(PEER_A, 1), 0644, T0);

        assertEquals(PullOutcome.CONFLICT_RESOLVED, f.pull("report.pdf"));

        FolderPath copy = ConflictNames.conflictPath(p("report.pdf"), CLOCK, PEER_A.toString().replace("-", ""));
        assertArrayEquals(mine, f.read("report.pdf"));
        assertArrayEquals(theirs, f.read(copy.toString()));
        FileRecord now = f.index.local(p("report.pdf")).orElseThrow();
        assertEquals(v(ME, 2, PEER_A, 1), now.version());
        assertEquals(local.blocks(), now.blocks());
        assertEquals(ME.shortId(), now.modifiedBy());
        assertTrue(now.verify(f.signer.publicKey()), "re-signed with the folder key");
        assertEquals(VersionVector.Ordering.GREATER, now.version().compare(remote.version()));
        assertTrue(f.index.needed().isEmpty());
        assertTrue(f.events.contains("conflict report.pdf " + copy));
    }

    @Test
    void deleteAgainstConcurrentEditKeepsTheEdit() throws Exception {
        FileRecord mine = f.localFile("keep.txt", "my edit".getBytes(), v(ME, 2), T0);
        f.announce(PEER_A, mine.tombstone(v(ME, 1, PEER_A, 1), T0.plusSeconds(100), PEER_A.shortId()));
        assertEquals(Need.Kind.CONFLICT, f.need("keep.txt").kind());

        assertEquals(PullOutcome.CONFLICT_RESOLVED, f.pull("keep.txt"));

        assertEquals("my edit", Files.readString(f.local.resolve("keep.txt")));
        FileRecord now = f.index.local(p("keep.txt")).orElseThrow();
        assertFalse(now.deleted());
        assertEquals(v(ME, 3, PEER_A, 1), now.version());
        assertTrue(f.index.needed().isEmpty());
        assertTrue(f.archived().isEmpty());
    }

    @Test
    void directoryIsCreatedWithPermissionsAndMtime() throws Exception {
        FileRecord dir = FileRecord.directory(p("a/b"), T0, 0750, v(PEER_A, 1), PEER_A.shortId());
        f.announce(PEER_A, dir);
        assertEquals(PullOutcome.APPLIED, f.pull("a/b"));
        Path d = f.local.resolve("a/b");
        assertTrue(Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS));
        assertEquals(PosixFilePermissions.fromString("rwxr-x---"), Files.getPosixFilePermissions(d));
        assertEquals(FileTime.from(T0), Files.getLastModifiedTime(d));
        assertEquals(dir, f.index.local(p("a/b")).orElseThrow());
    }

    @Test
    void symlinkInsideTheFolderIsCreated() throws Exception {
        FileRecord link = FileRecord.symlink(p("links/to-doc"), "../docs/readme.txt", T0, v(PEER_A, 1), PEER_A.shortId());
        f.announce(PEER_A, link);
        assertEquals(PullOutcome.APPLIED, f.pull("links/to-doc"));
        Path l = f.local.resolve("links/to-doc");
        assertTrue(Files.isSymbolicLink(l));
        assertEquals(Path.of("../docs/readme.txt"), Files.readSymbolicLink(l));
        assertEquals(link, f.index.local(p("links/to-doc")).orElseThrow());
    }

    @Test
    void symlinkLeavingTheFolderIsRefused() throws Exception {
        for (String target : List.of("../../etc/passwd", "/etc/passwd", "..", "../.sync/tmp", "a\\..\\..\\b")) {
            String name = "l" + Math.abs(target.hashCode());
            f.announce(PEER_A, FileRecord.symlink(p("x/" + name), target, T0, v(PEER_A, 1), PEER_A.shortId()));
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> f.puller.pull(f.need("x/" + name)).get(30, TimeUnit.SECONDS), target);
            assertInstanceOf(UnsafeSymlinkException.class, e.getCause(), target);
            assertFalse(Files.exists(f.local.resolve("x/" + name), LinkOption.NOFOLLOW_LINKS), target);
            assertTrue(f.index.local(p("x/" + name)).isEmpty(), target);
        }
    }

    @Test
    void symlinkedParentIsAnErrorForThatPathOnly() throws Exception {
        f.peer(PEER_A, FolderPeer.Mode.GOOD);
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(f.local.resolve("evil"), outside);
        f.remoteFile(List.of(PEER_A), "evil/payload", random(1000, 15), v(PEER_A, 1), 0644, T0);
        f.remoteFile(List.of(PEER_A), "fine", random(1000, 16), v(PEER_A, 1), 0644, T0);

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> f.puller.pull(f.need("evil/payload")).get(30, TimeUnit.SECONDS));
        assertInstanceOf(InvalidFolderPathException.class, e.getCause());
        try (var s = Files.list(outside)) {
            assertEquals(0, s.count());
        }
        assertTrue(f.events.contains("failed evil/payload InvalidFolderPathException"));
        assertEquals(PullOutcome.APPLIED, f.pull("fine"));
    }

    @Test
    void symlinkIsReplacedAndTheOldOneArchived() throws Exception {
        Files.createSymbolicLink(f.local.resolve("cur"), Path.of("a"));
        FileRecord old = FileRecord.symlink(p("cur"), "a", T0, v(ME, 1), ME.shortId());
        f.index.applyLocal(List.of(old));
        f.announce(PEER_A, FileRecord.symlink(p("cur"), "b/c", T0, v(ME, 1, PEER_A, 1), PEER_A.shortId()));
        assertEquals(PullOutcome.APPLIED, f.pull("cur"));
        assertEquals(Path.of("b/c"), Files.readSymbolicLink(f.local.resolve("cur")));
        try (var s = Files.list(f.local.resolve(Archive.DIR))) {
            Path archived = s.findFirst().orElseThrow();
            assertEquals(Path.of("a"), Files.readSymbolicLink(archived));
        }
    }

    @Test
    void directoryDeleteWaitsUntilItIsEmpty() throws Exception {
        Files.createDirectories(f.local.resolve("d"));
        FileRecord dir = FileRecord.directory(p("d"), T0, 0755, v(ME, 1), ME.shortId());
        f.index.applyLocal(List.of(dir));
        Files.writeString(f.local.resolve("d/untracked.txt"), "local only");
        f.announce(PEER_A, dir.tombstone(v(ME, 1, PEER_A, 1), T0, PEER_A.shortId()));

        assertEquals(PullOutcome.SKIPPED_LOCAL_CHANGE, f.pull("d"));
        assertEquals("local only", Files.readString(f.local.resolve("d/untracked.txt")));
        assertFalse(f.index.local(p("d")).orElseThrow().deleted());

        Files.delete(f.local.resolve("d/untracked.txt"));
        assertEquals(PullOutcome.APPLIED, f.pull("d"));
        assertFalse(Files.exists(f.local.resolve("d")));
        assertTrue(f.index.local(p("d")).orElseThrow().deleted());
    }

    @Test
    void cleanTempDeletesOnlyOldTempFiles() throws Exception {
        Path dir = Files.createDirectories(f.local.resolve(Puller.TMP_DIR));
        Path old = Files.write(dir.resolve("old.part"), new byte[10]);
        Path fresh = Files.write(dir.resolve("fresh.part"), new byte[10]);
        Files.setLastModifiedTime(old, FileTime.from(CLOCK.instant().minus(Duration.ofDays(2))));
        Files.setLastModifiedTime(fresh, FileTime.from(CLOCK.instant().minus(Duration.ofHours(1))));
        assertEquals(1, f.puller.cleanTemp(Duration.ofDays(1)));
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(fresh));
    }

    @Test
    void secondPullOfTheSamePathWhileBusyIsRefused() throws Exception {
        FolderPeer a = f.peer(PEER_A, FolderPeer.Mode.GOOD);
        a.hold = new java.util.concurrent.CountDownLatch(1);
        f.remoteFile(List.of(PEER_A), "slow.bin", random(200_000, 17), v(PEER_A, 1), 0644, T0);
        Need n = f.need("slow.bin");
        var first = f.puller.pull(n);
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.puller.pull(n).get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        a.hold.countDown();
        assertEquals(PullOutcome.APPLIED, first.get(30, TimeUnit.SECONDS));
    }
}
