package dev.cloudless.sync.core.index;

import static dev.cloudless.sync.core.index.Records.ME;
import static dev.cloudless.sync.core.index.Records.PEER;
import static dev.cloudless.sync.core.index.Records.T0;
import static dev.cloudless.sync.core.index.Records.file;
import static dev.cloudless.sync.core.index.Records.hash;
import static dev.cloudless.sync.core.index.Records.p;
import static dev.cloudless.sync.core.index.Records.v;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.core.version.VersionVector;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderIndexTest {
    private static final byte[] FOLDER = {1, 2, 3, 4};
    private static final DeviceId ALICE = device(1);
    private static final DeviceId BOB = device(2);

    @TempDir
    Path dir;
    private Path db;
    private IndexStore store;
    private FolderIndex index;

    static DeviceId device(int n) {
        byte[] key = new byte[32];
        key[0] = (byte) n;
        return DeviceId.fromPublicKey(key);
    }

    @BeforeEach
    void open() {
        db = dir.resolve(IndexStore.FILE_NAME);
        store = IndexStore.open(db);
        index = store.folder(FOLDER);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void reopen() {
        store.close();
        store = IndexStore.open(db);
        index = store.folder(FOLDER);
    }

    private static SequencedRecord seq(long s, FileRecord r) {
        return new SequencedRecord(s, r);
    }

    @Test
    void applyLocalAssignsIncreasingSequencesThatSurviveReopen() {
        assertEquals(0, index.maxSequence());
        assertEquals(2, index.applyLocal(List.of(file("a", v(ME, 1), 1, 10), file("b", v(ME, 1), 2, 20))));
        assertEquals(3, index.applyLocal(List.of(file("a", v(ME, 2), 3, 30))));
        reopen();
        assertEquals(3, index.maxSequence());
        List<SequencedRecord> all = index.localSince(0, 100);
        assertEquals(List.of(2L, 3L), all.stream().map(SequencedRecord::sequence).toList());
        assertEquals(List.of(p("b"), p("a")), all.stream().map(s -> s.record().path()).toList());
        assertEquals(List.of(3L), index.localSince(2, 100).stream().map(SequencedRecord::sequence).toList());
        assertEquals(1, index.localSince(0, 1).size());
        assertEquals(Optional.of(file("a", v(ME, 2), 3, 30)), index.local(p("a")));
        assertEquals(4, index.applyLocal(List.of(file("c", v(ME, 1), 4, 1))), "sequence continues after reopen");
        assertEquals("ok", store.integrityCheck());
    }

    @Test
    void foldersAreSeparate() {
        index.applyLocal(List.of(file("a", v(ME, 1), 1, 10)));
        FolderIndex other = store.folder(new byte[] {9});
        assertEquals(Optional.empty(), other.local(p("a")));
        assertEquals(0, other.maxSequence());
        assertTrue(other.findBlock(hash(1)).isEmpty());
    }

    @Test
    void remoteRecordsKeepThePeersSequence() {
        index.applyRemote(ALICE, List.of(seq(7, file("a", v(PEER, 1), 1, 10)), seq(9, file("b", v(PEER, 1), 2, 10))));
        assertEquals(9, index.maxSequence(ALICE));
        assertEquals(0, index.maxSequence(BOB));
        assertEquals(Optional.of(seq(7, file("a", v(PEER, 1), 1, 10))), index.remote(ALICE, p("a")));
        assertEquals(Optional.empty(), index.remote(BOB, p("a")));
        assertEquals(0, index.maxSequence(), "remote records are not local changes");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> index.applyRemote(ALICE, List.of(seq(9, file("c", v(PEER, 1), 3, 10)))));
        assertTrue(e.getMessage().contains("not above 9"), e.getMessage());
        index.forgetDevice(ALICE);
        assertEquals(0, index.maxSequence(ALICE));
        assertEquals(Optional.empty(), index.remote(ALICE, p("a")));
    }

    @Test
    void neededFollowsVersionOrder() {
        index.applyLocal(List.of(
                file("same", v(ME, 1), 1, 10),
                file("older-remote", v(ME, 2), 2, 10),
                file("newer-remote", v(ME, 1), 3, 10),
                file("concurrent", v(ME, 1), 4, 10),
                file("deleted-remote", v(ME, 1), 5, 10)));
        VersionVector both = VersionVector.of(Map.of(ME, 1L, PEER, 1L));
        index.applyRemote(ALICE, List.of(
                seq(1, file("same", v(ME, 1), 1, 10)),
                seq(2, file("older-remote", v(ME, 1), 2, 10)),
                seq(3, file("newer-remote", both, 6, 40)),
                seq(4, Records.by(file("concurrent", v(PEER, 1), 7, 25), PEER)),
                seq(5, file("deleted-remote", v(ME, 1), 5, 10).tombstone(both, T0, PEER)),
                seq(6, file("only-remote", v(PEER, 1), 8, 5)),
                seq(7, file("only-remote-deleted", v(PEER, 1), 9, 5).tombstone(v(PEER, 2), T0, PEER))));
        List<Need> needed = index.needed();
        assertEquals(List.of(
                new Need(p("concurrent"), Need.Kind.CONFLICT, ALICE, Records.by(file("concurrent", v(PEER, 1), 7, 25), PEER)),
                new Need(p("deleted-remote"), Need.Kind.DELETE, ALICE,
                        file("deleted-remote", v(ME, 1), 5, 10).tombstone(both, T0, PEER)),
                new Need(p("newer-remote"), Need.Kind.UPDATE, ALICE, file("newer-remote", both, 6, 40)),
                new Need(p("only-remote"), Need.Kind.UPDATE, ALICE, file("only-remote", v(PEER, 1), 8, 5))),
                needed);
        // local: 5 files of 10 bytes. global: same, older-remote (local wins), newer-remote 40,
        // concurrent: equal mtimes, PEER > ME unsigned so the remote's 25 wins, only-remote 5.
        assertEquals(new Counts(5, 50, 5, 10 + 10 + 40 + 25 + 5, 4, 25 + 40 + 5), index.counts());
        assertEquals(Optional.of(file("newer-remote", both, 6, 40)), index.global(p("newer-remote")));
        assertEquals(Optional.of(file("older-remote", v(ME, 2), 2, 10)), index.global(p("older-remote")));
        assertEquals(Optional.empty(), index.global(p("nowhere")));
        // Concurrent, live, same mtime: the larger modifiedBy (unsigned; PEER has the top bit set) wins.
        assertTrue(FolderIndex.beats(Records.by(file("c", v(PEER, 1), 7, 25), PEER), file("c", v(ME, 1), 4, 10)));
        assertTrue(!FolderIndex.beats(file("c", v(ME, 1), 4, 10), Records.by(file("c", v(PEER, 1), 7, 25), PEER)));
    }

    @Test
    void theBestOfSeveralPeersIsPulledAndLiveBeatsConcurrentTombstone() {
        index.applyLocal(List.of(file("x", v(ME, 1), 1, 10)));
        VersionVector alice = VersionVector.of(Map.of(ME, 1L, PEER, 1L));
        VersionVector bob = VersionVector.of(Map.of(ME, 1L, PEER, 2L));
        index.applyRemote(ALICE, List.of(seq(1, file("x", alice, 2, 20))));
        index.applyRemote(BOB, List.of(seq(1, file("x", bob, 3, 30))));
        assertEquals(List.of(new Need(p("x"), Need.Kind.UPDATE, BOB, file("x", bob, 3, 30))), index.needed());

        // Delete vs edit, concurrent: the edit is global; locally deleted means the edit is a conflict to resolve.
        index.applyLocal(List.of(file("y", v(ME, 1), 4, 10).tombstone(v(ME, 2), T0, ME)));
        VersionVector edit = VersionVector.of(Map.of(ME, 1L, PEER, 1L));
        index.applyRemote(ALICE, List.of(seq(2, file("y", edit, 5, 15))));
        assertEquals(Optional.of(file("y", edit, 5, 15)), index.global(p("y")));
        assertEquals(Need.Kind.CONFLICT, index.needed().get(1).kind());
    }

    @Test
    void findBlockFollowsTheLocalFiles() {
        index.applyLocal(List.of(file("a", v(ME, 1), 1, 10, 20), file("b", v(ME, 1), 2, 7)));
        assertEquals(List.of(new BlockLocation(p("a"), 10, 20), new BlockLocation(p("b"), 0, 7)),
                index.findBlock(hash(2)));
        assertEquals(List.of(new BlockLocation(p("a"), 0, 10)), index.findBlock(hash(1)));
        // Replace a: its old blocks are gone, the new ones are found.
        index.applyLocal(List.of(file("a", v(ME, 2), 5, 4)));
        assertEquals(List.of(), index.findBlock(hash(1)));
        assertEquals(List.of(new BlockLocation(p("b"), 0, 7)), index.findBlock(hash(2)));
        assertEquals(List.of(new BlockLocation(p("a"), 0, 4)), index.findBlock(hash(5)));
        // Delete b: nothing of it is offered any more. Remote records never enter the block map.
        index.applyLocal(List.of(file("b", v(ME, 1), 2, 7).tombstone(v(ME, 2), T0, ME)));
        index.applyRemote(ALICE, List.of(seq(1, file("r", v(PEER, 1), 2, 7))));
        assertEquals(List.of(), index.findBlock(hash(2)));
        reopen();
        assertEquals(List.of(new BlockLocation(p("a"), 0, 4)), index.findBlock(hash(5)));
    }

    @Test
    void scanCacheAndMetadataRoundTrip() {
        ScanEntry e = new ScanEntry(1234, T0, "(dev=803,ino=42)");
        assertEquals(Optional.empty(), index.scanned(p("a")));
        index.putScanned(p("a"), e);
        index.putMeta("index-id", new byte[] {5, 6});
        reopen();
        assertEquals(Optional.of(e), index.scanned(p("a")));
        assertArrayEquals(new byte[] {5, 6}, index.meta("index-id").orElseThrow());
        index.putScanned(p("a"), new ScanEntry(1, T0.plusNanos(1), ""));
        assertEquals(Optional.of(new ScanEntry(1, T0.plusNanos(1), "")), index.scanned(p("a")));
        index.forgetScanned(p("a"));
        assertEquals(Optional.empty(), index.scanned(p("a")));
        assertEquals(Optional.empty(), index.meta("missing"));
    }

    @Test
    void recordsAndScanEntriesCommitTogetherAndReadBackInOneGo() {
        ScanEntry ea = new ScanEntry(10, T0, "(dev=1,ino=1)");
        ScanEntry eb = new ScanEntry(20, T0.plusSeconds(1), "(dev=1,ino=2)");
        index.applyLocal(List.of(file("a", v(ME, 1), 1, 10), file("b", v(ME, 1), 2, 20)), Map.of(p("a"), ea, p("b"), eb));
        reopen();
        assertEquals(Map.of(p("a"), ea, p("b"), eb), index.scannedAll(2).orElseThrow());
        assertEquals(Optional.empty(), index.scannedAll(1), "more entries than the limit: ask per file");
        assertEquals(Set.of(p("a")), index.presentLocally(List.of(p("a"), p("zzz"))));
        assertEquals(Set.of(p("a"), p("b")), index.locals(List.of(p("a"), p("b"), p("c"))).keySet());
        // An inconsistent record rolls back the scan entries of its batch too.
        FileRecord bad = new FileRecord(p("c"), FileRecord.Type.FILE, 99, T0, 0644, v(ME, 1), false, List.of(), "", ME,
                new byte[0]);
        assertThrows(InconsistentRecordException.class,
                () -> index.applyLocal(List.of(bad), Map.of(p("c"), new ScanEntry(99, T0, ""))));
        assertEquals(Optional.empty(), index.scanned(p("c")));
    }

    @Test
    void aBatchWithAnInvalidRecordLeavesTheStoreUnchanged() {
        index.applyLocal(List.of(file("a", v(ME, 1), 1, 10)));
        FileRecord bad = new FileRecord(p("c"), FileRecord.Type.DIRECTORY, 3, T0, 0755, v(ME, 1), false,
                List.of(), "", ME, new byte[0]);
        InconsistentRecordException e = assertThrows(InconsistentRecordException.class,
                () -> index.applyLocal(List.of(file("a", v(ME, 2), 2, 20), file("b", v(ME, 1), 3, 5), bad)));
        assertEquals(FileRecord.Inconsistency.DIRECTORY_HAS_SIZE, e.inconsistency());
        assertEquals(1, index.maxSequence());
        assertEquals(Optional.of(file("a", v(ME, 1), 1, 10)), index.local(p("a")));
        assertEquals(Optional.empty(), index.local(p("b")));
        assertEquals(List.of(new BlockLocation(p("a"), 0, 10)), index.findBlock(hash(1)));
        assertEquals(List.of(), index.findBlock(hash(2)));

        assertThrows(InconsistentRecordException.class, () -> index.applyRemote(ALICE,
                List.of(seq(1, file("r", v(PEER, 1), 1, 5)), seq(2, bad))));
        assertThrows(IllegalArgumentException.class, () -> index.applyRemote(ALICE,
                List.of(seq(5, file("r", v(PEER, 1), 1, 5)), seq(4, file("s", v(PEER, 1), 1, 5)))));
        assertEquals(0, index.maxSequence(ALICE));
        assertEquals(Optional.empty(), index.remote(ALICE, p("r")));
        assertEquals(2, index.applyLocal(List.of(file("b", v(ME, 1), 3, 5))), "the failed batch used no sequences");
    }

    @Test
    void aNewerSchemaIsRefused() throws Exception {
        store.close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = " + (IndexStore.SCHEMA_VERSION + 1));
        }
        IndexException e = assertThrows(IndexException.class, () -> IndexStore.open(db));
        assertTrue(e.getMessage().contains("schema version 2, newer than this build's 1"), e.getMessage());
        store = IndexStore.open(dir.resolve("fresh.db")); // for @AfterEach
    }

    @Test
    void theDatabaseIsInWalModeWithForeignKeys() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement()) {
            var rs = s.executeQuery("PRAGMA journal_mode");
            rs.next();
            assertEquals("wal", rs.getString(1));
            s.execute("PRAGMA foreign_keys = ON");
            assertThrows(java.sql.SQLException.class, () -> s.execute(
                    "INSERT INTO scan_cache VALUES (999, 'x', 1, 1, 1, '')"), "unknown folder row");
        }
    }

    @Test
    void closedStoreRefusesWork() {
        store.close();
        assertThrows(IllegalStateException.class, () -> index.maxSequence());
        store.close(); // idempotent
        store = IndexStore.open(db);
    }
}
