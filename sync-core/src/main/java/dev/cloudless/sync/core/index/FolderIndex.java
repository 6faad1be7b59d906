package dev.cloudless.sync.core.index;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.core.block.Block;
import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.version.VersionVector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One folder's index inside an {@link IndexStore}: the local device's records, the records each
 * peer announced, the scan cache, the local block map and key-value metadata. Every method is
 * one transaction; a batch that fails anywhere (an inconsistent record, an out-of-order
 * sequence, an SQLite error) leaves the index exactly as it was.
 *
 * <pre>{@code
 * FolderIndex f = store.folder(folderId);
 * f.applyLocal(scannedRecords);                          // assigns sequences 1, 2, ...
 * f.applyRemote(peer, recordsFromItsIndexMessage);       // keeps the peer's sequences
 * for (Need n : f.needed()) { ... pull or resolve ... }
 * List<SequencedRecord> page = f.localSince(peerHasUpTo, 1000);   // incremental index update
 * }</pre>
 *
 * <p><b>Global state and tie rules.</b> For each path, a record beats another when its version
 * is GREATER; between CONCURRENT versions a live record beats a tombstone (delete vs edit keeps
 * the edit), then the later mtime wins, then the larger {@code modifiedBy} (unsigned). EQUAL
 * versions are the same state. The global record of a path is the one that beats or equals all
 * others under this rule.
 *
 * <p>Records are stored as given: verifying signatures (and dropping peers that send bad ones)
 * is the session's job before {@link #applyRemote}.
 */
public final class FolderIndex {
    private final IndexStore store;
    private final AtomicLong generation = new AtomicLong();
    private final long folder;

    FolderIndex(IndexStore store, long folder) {
        this.store = store;
        this.folder = folder;
    }

    /**
     * Stores local changes in one transaction, giving each the next local sequence, and updates
     * the block map for their paths.
     *
     * @return the highest sequence assigned (the previous maximum for an empty batch)
     * @throws InconsistentRecordException if any record is inconsistent; nothing is stored
     */
    public long applyLocal(List<FileRecord> records) {
        return applyLocal(records, Map.of());
    }

    /**
     * Stores local changes and scan-cache entries in one transaction: a scan's or a pull's
     * results land together or not at all, and ten thousand small files cost one commit
     * instead of twenty thousand.
     *
     * @return the highest sequence assigned (the previous maximum for an empty batch)
     * @throws InconsistentRecordException if any record is inconsistent; nothing is stored
     */
    public long applyLocal(List<FileRecord> records, Map<FolderPath, ScanEntry> scans) {
        List<FileRecord> batch = List.copyOf(records);
        Map<FolderPath, ScanEntry> cache = Map.copyOf(scans);
        return write(c -> {
            for (Map.Entry<FolderPath, ScanEntry> e : cache.entrySet()) {
                putScanned(c, e.getKey(), e.getValue());
            }
            long seq = maxSequence(c, IndexStore.LOCAL_DEVICE);
            try (PreparedStatement deleteBlocks = c.prepareStatement(
                         "DELETE FROM blocks WHERE folder = ? AND path = ?");
                 PreparedStatement insertBlock = c.prepareStatement(
                         "INSERT OR REPLACE INTO blocks (hash, folder, path, block_offset, block_length)"
                                 + " VALUES (?, ?, ?, ?, ?)")) {
                for (FileRecord r : batch) {
                    r.requireConsistent();
                    seq++;
                    upsert(c, IndexStore.LOCAL_DEVICE, seq, r);
                    String path = r.path().toString();
                    deleteBlocks.setLong(1, folder);
                    deleteBlocks.setString(2, path);
                    deleteBlocks.executeUpdate();
                    for (Block b : r.blocks()) {
                        insertBlock.setBytes(1, b.hash().toByteArray());
                        insertBlock.setLong(2, folder);
                        insertBlock.setString(3, path);
                        insertBlock.setLong(4, b.offset());
                        insertBlock.setInt(5, b.length());
                        insertBlock.addBatch();
                    }
                    insertBlock.executeBatch();
                }
            }
            setMaxSequence(c, IndexStore.LOCAL_DEVICE, seq);
            return seq;
        });
    }

    /**
     * Stores records announced by {@code peer} in one transaction, keeping the peer's sequences.
     *
     * @throws InconsistentRecordException if any record is inconsistent
     * @throws IllegalArgumentException if the sequences are not strictly increasing and above
     *     {@link #maxSequence(DeviceId)}: a peer whose index was reset must be
     *     {@linkplain #forgetDevice forgotten} first
     */
    public void applyRemote(DeviceId peer, List<SequencedRecord> records) {
        Objects.requireNonNull(peer, "peer");
        List<SequencedRecord> batch = List.copyOf(records);
        write(c -> {
            long device = deviceRow(c, peer);
            long last = maxSequence(c, device);
            for (SequencedRecord sr : batch) {
                sr.record().requireConsistent();
                if (sr.sequence() <= last) {
                    throw new IllegalArgumentException("sequence " + sr.sequence() + " from " + peer
                            + " is not above " + last);
                }
                last = sr.sequence();
                upsert(c, device, last, sr.record());
            }
            setMaxSequence(c, device, last);
            return null;
        });
    }

    /** Drops everything {@code peer} announced in this folder (e.g. after its index was reset). */
    public void forgetDevice(DeviceId peer) {
        Objects.requireNonNull(peer, "peer");
        write(c -> {
            long device = deviceRow(c, peer);
            for (String sql : List.of("DELETE FROM files WHERE folder = ? AND device = ?",
                    "DELETE FROM sequences WHERE folder = ? AND device = ?")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, folder);
                    ps.setLong(2, device);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /**
     * A number that changes after every write through this index, committed or not: a cheap
     * test, in memory, of whether anything read earlier may be stale. Not persisted.
     */
    public long generation() {
        return generation.get();
    }

    private <T> T write(IndexStore.SqlWork<T> work) {
        try {
            return store.write(work);
        } finally {
            generation.incrementAndGet();
        }
    }

    /** The local record of {@code path}. */
    public Optional<FileRecord> local(FolderPath path) {
        return store.read(c -> get(c, IndexStore.LOCAL_DEVICE, path)).map(SequencedRecord::record);
    }

    /** The record {@code peer} announced for {@code path}, with the peer's sequence. */
    public Optional<SequencedRecord> remote(DeviceId peer, FolderPath path) {
        Objects.requireNonNull(peer, "peer");
        return store.read(c -> {
            Optional<Long> device = findDeviceRow(c, peer);
            return device.isEmpty() ? Optional.empty() : get(c, device.get(), path);
        });
    }

    /** Up to {@code limit} local records with a sequence above {@code after}, in sequence order. */
    public List<SequencedRecord> localSince(long after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT sequence, record FROM files"
                    + " WHERE folder = ? AND device = ? AND sequence > ? ORDER BY sequence LIMIT ?")) {
                ps.setLong(1, folder);
                ps.setLong(2, IndexStore.LOCAL_DEVICE);
                ps.setLong(3, after);
                ps.setInt(4, limit);
                List<SequencedRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new SequencedRecord(rs.getLong(1), decodeStored(rs.getBytes(2))));
                    }
                }
                return out;
            }
        });
    }

    /** The highest local sequence so far; 0 before the first change. */
    public long maxSequence() {
        return store.read(c -> maxSequence(c, IndexStore.LOCAL_DEVICE));
    }

    /** The highest sequence stored from {@code peer}; 0 if none: ask it for everything after this. */
    public long maxSequence(DeviceId peer) {
        Objects.requireNonNull(peer, "peer");
        return store.read(c -> {
            Optional<Long> device = findDeviceRow(c, peer);
            return device.isEmpty() ? 0L : maxSequence(c, device.get());
        });
    }

    /** Every record stored for {@code path}: the local one and each device's, in no particular order. */
    public List<FileRecord> records(FolderPath path) {
        Objects.requireNonNull(path, "path");
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT record FROM files WHERE folder = ? AND path = ?")) {
                ps.setLong(1, folder);
                ps.setString(2, path.toString());
                List<FileRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(decodeStored(rs.getBytes(1)));
                    }
                }
                return out;
            }
        });
    }

    /** The global record of {@code path} among the local and all remote records (see the class comment). */
    public Optional<FileRecord> global(FolderPath path) {
        Objects.requireNonNull(path, "path");
        return store.read(c -> {
            FileRecord best = null;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT record FROM files WHERE folder = ? AND path = ?")) {
                ps.setLong(1, folder);
                ps.setString(2, path.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        FileRecord r = decodeStored(rs.getBytes(1));
                        if (best == null || beats(r, best)) {
                            best = r;
                        }
                    }
                }
            }
            return Optional.ofNullable(best);
        });
    }

    /**
     * The pull list, in path order. For each path, the candidates are the remote records whose
     * version is GREATER than or CONCURRENT with the local one (all remote records if there is no
     * local one); the best candidate under the tie rules is reported: CONFLICT if it is
     * concurrent with the local version, else DELETE for a tombstone or UPDATE. EQUAL and older
     * remote versions are not needed; neither is a tombstone for a path the local device never had.
     */
    public List<Need> needed() {
        return store.read(c -> {
            List<Need> out = new ArrayList<>();
            forEachPath(c, (local, remotes) -> need(local, remotes).ifPresent(out::add));
            return out;
        });
    }

    /** Local, global and needed totals, from one snapshot. */
    public Counts counts() {
        return store.read(c -> {
            long[] t = new long[6];
            forEachPath(c, (local, remotes) -> {
                if (local != null && !local.deleted()) {
                    t[0]++;
                    t[1] += local.size();
                }
                FileRecord global = local;
                for (Remote r : remotes) {
                    if (global == null || beats(r.record(), global)) {
                        global = r.record();
                    }
                }
                if (global != null && !global.deleted()) {
                    t[2]++;
                    t[3] += global.size();
                }
                Optional<Need> need = need(local, remotes);
                if (need.isPresent()) {
                    t[4]++;
                    t[5] += need.get().record().size();
                }
            });
            return new Counts(t[0], t[1], t[2], t[3], t[4], t[5]);
        });
    }

    /**
     * Every path of the folder in path order, with its local record, its global record and what
     * is needed for it: one snapshot, for listings such as {@code Folder.files()}.
     */
    public List<PathEntry> entries() {
        return store.read(c -> {
            List<PathEntry> out = new ArrayList<>();
            forEachPath(c, (local, remotes) -> {
                FileRecord global = local;
                for (Remote r : remotes) {
                    if (global == null || beats(r.record(), global)) {
                        global = r.record();
                    }
                }
                out.add(new PathEntry(global.path(), Optional.ofNullable(local), global,
                        need(local, remotes)));
            });
            return out;
        });
    }

    /**
     * Drops the local record of {@code path} (and its blocks and scan cache entry), so the path
     * is needed again from peers: how a read-only folder reverts a local change.
     */
    public void forgetLocal(FolderPath path) {
        Objects.requireNonNull(path, "path");
        write(c -> {
            for (String sql : List.of("DELETE FROM files WHERE folder = ? AND device = " + IndexStore.LOCAL_DEVICE
                            + " AND path = ?", "DELETE FROM blocks WHERE folder = ? AND path = ?",
                    "DELETE FROM scan_cache WHERE folder = ? AND path = ?")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, folder);
                    ps.setString(2, path.toString());
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** Local places holding a block with {@code hash}, according to the last local records. */
    public List<BlockLocation> findBlock(Sha256 hash) {
        Objects.requireNonNull(hash, "hash");
        return store.read(c -> {
            PreparedStatement ps = store.prepared(c, "SELECT path, block_offset, block_length FROM blocks"
                    + " WHERE hash = ? AND folder = ? ORDER BY path, block_offset");
            ps.setBytes(1, hash.toByteArray());
            ps.setLong(2, folder);
            List<BlockLocation> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new BlockLocation(storedPath(rs.getString(1)), rs.getLong(2), rs.getInt(3)));
                }
            }
            return out;
        });
    }

    /**
     * Every scan-cache entry of the folder in one read, or empty if there are more than
     * {@code limit} (a full scan then asks per file rather than hold them all). One read per
     * file made a restart with 10,000 unchanged files spend seconds in index transactions.
     */
    public Optional<Map<FolderPath, ScanEntry>> scannedAll(int limit) {
        return store.read(c -> {
            try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM scan_cache WHERE folder = ?")) {
                count.setLong(1, folder);
                try (ResultSet rs = count.executeQuery()) {
                    if (rs.next() && rs.getLong(1) > limit) {
                        return Optional.<Map<FolderPath, ScanEntry>>empty();
                    }
                }
            }
            Map<FolderPath, ScanEntry> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT path, size, mtime_seconds, mtime_nanos, file_key"
                    + " FROM scan_cache WHERE folder = ?")) {
                ps.setLong(1, folder);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(FolderPath.parse(rs.getString(1)), new ScanEntry(rs.getLong(2),
                                Instant.ofEpochSecond(rs.getLong(3), rs.getInt(4)), rs.getString(5)));
                    }
                }
            }
            return Optional.of(out);
        });
    }

    /** What the scanner last saw at {@code path}. */
    public Optional<ScanEntry> scanned(FolderPath path) {
        Objects.requireNonNull(path, "path");
        return store.read(c -> {
            PreparedStatement ps = store.prepared(c, "SELECT size, mtime_seconds, mtime_nanos, file_key"
                    + " FROM scan_cache WHERE folder = ? AND path = ?");
            ps.setLong(1, folder);
            ps.setString(2, path.toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ScanEntry(rs.getLong(1),
                        Instant.ofEpochSecond(rs.getLong(2), rs.getInt(3)), rs.getString(4)));
            }
        });
    }

    /** Records what the scanner saw at {@code path}, replacing any earlier entry. */
    public void putScanned(FolderPath path, ScanEntry entry) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(entry, "entry");
        write(c -> {
            putScanned(c, path, entry);
            return null;
        });
    }

    private void putScanned(Connection c, FolderPath path, ScanEntry entry) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO scan_cache"
                + " (folder, path, size, mtime_seconds, mtime_nanos, file_key) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, folder);
            ps.setString(2, path.toString());
            ps.setLong(3, entry.size());
            ps.setLong(4, entry.mtime().getEpochSecond());
            ps.setInt(5, entry.mtime().getNano());
            ps.setString(6, entry.fileKey());
            ps.executeUpdate();
        }
    }

    /** The local records of those of {@code paths} that have one, in one read. */
    public Map<FolderPath, FileRecord> locals(Collection<FolderPath> paths) {
        List<FolderPath> batch = List.copyOf(paths);
        return store.read(c -> {
            Map<FolderPath, FileRecord> out = new HashMap<>();
            for (FolderPath p : batch) {
                get(c, IndexStore.LOCAL_DEVICE, p).ifPresent(sr -> out.put(p, sr.record()));
            }
            return out;
        });
    }

    /** Which of {@code paths} have a local record that is not a tombstone, in one read. */
    public Set<FolderPath> presentLocally(Collection<FolderPath> paths) {
        List<FolderPath> batch = List.copyOf(paths);
        return store.read(c -> {
            Set<FolderPath> out = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT deleted FROM files"
                    + " WHERE folder = ? AND device = ? AND path = ?")) {
                ps.setLong(1, folder);
                ps.setLong(2, IndexStore.LOCAL_DEVICE);
                for (FolderPath p : batch) {
                    ps.setString(3, p.toString());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getInt(1) == 0) {
                            out.add(p);
                        }
                    }
                }
            }
            return out;
        });
    }

    /** Forgets the scan entry of {@code path} (the file is gone). */
    public void forgetScanned(FolderPath path) {
        Objects.requireNonNull(path, "path");
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM scan_cache WHERE folder = ? AND path = ?")) {
                ps.setLong(1, folder);
                ps.setString(2, path.toString());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** A metadata value of this folder (e.g. its index id or folder marker id). */
    public Optional<byte[]> meta(String key) {
        Objects.requireNonNull(key, "key");
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT value FROM folder_meta WHERE folder = ? AND key = ?")) {
                ps.setLong(1, folder);
                ps.setString(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.<byte[]>empty();
                }
            }
        });
    }

    /** Sets a metadata value of this folder. */
    public void putMeta(String key, byte[] value) {
        Objects.requireNonNull(key, "key");
        byte[] copy = value.clone();
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT OR REPLACE INTO folder_meta (folder, key, value) VALUES (?, ?, ?)")) {
                ps.setLong(1, folder);
                ps.setString(2, key);
                ps.setBytes(3, copy);
                ps.executeUpdate();
            }
            return null;
        });
    }

    // ---- rules ----

    /**
     * Whether {@code a} beats {@code b} for the global state (see the class comment). Public so
     * that conflict resolution on disk picks the same winner as the index on every device.
     */
    public static boolean beats(FileRecord a, FileRecord b) {
        switch (a.version().compare(b.version())) {
            case GREATER:
                return true;
            case CONCURRENT:
                if (a.deleted() != b.deleted()) {
                    return !a.deleted();
                }
                int t = a.mtime().compareTo(b.mtime());
                return t != 0 ? t > 0 : Long.compareUnsigned(a.modifiedBy(), b.modifiedBy()) > 0;
            default:
                return false;
        }
    }

    private record Remote(DeviceId device, FileRecord record) {}

    private static Optional<Need> need(FileRecord local, List<Remote> remotes) {
        Remote best = null;
        for (Remote r : remotes) {
            if (local != null) {
                VersionVector.Ordering o = r.record().version().compare(local.version());
                if (o != VersionVector.Ordering.GREATER && o != VersionVector.Ordering.CONCURRENT) {
                    continue;
                }
            }
            if (best == null || beats(r.record(), best.record())) {
                best = r;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        FileRecord r = best.record();
        Need.Kind kind;
        if (local == null) {
            if (r.deleted()) {
                return Optional.empty();
            }
            kind = Need.Kind.UPDATE;
        } else if (r.version().compare(local.version()) == VersionVector.Ordering.CONCURRENT) {
            kind = Need.Kind.CONFLICT;
        } else {
            kind = r.deleted() ? Need.Kind.DELETE : Need.Kind.UPDATE;
        }
        return Optional.of(new Need(r.path(), kind, best.device(), r));
    }

    // ---- SQL helpers ----

    private interface PathVisitor {
        void visit(FileRecord local, List<Remote> remotes);
    }

    /** Calls {@code visitor} once per path of the folder, in path order, with every device's record. */
    private void forEachPath(Connection c, PathVisitor visitor) throws SQLException {
        Map<Long, DeviceId> devices = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT idx, device_id FROM devices WHERE idx <> ?")) {
            ps.setLong(1, IndexStore.LOCAL_DEVICE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    devices.put(rs.getLong(1), DeviceId.fromBytes(rs.getBytes(2)));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT path, device, record FROM files WHERE folder = ? ORDER BY path, device")) {
            ps.setLong(1, folder);
            try (ResultSet rs = ps.executeQuery()) {
                String current = null;
                FileRecord local = null;
                List<Remote> remotes = new ArrayList<>();
                while (rs.next()) {
                    String path = rs.getString(1);
                    if (current != null && !current.equals(path)) {
                        visitor.visit(local, remotes);
                        local = null;
                        remotes = new ArrayList<>();
                    }
                    current = path;
                    long device = rs.getLong(2);
                    FileRecord r = decodeStored(rs.getBytes(3));
                    if (device == IndexStore.LOCAL_DEVICE) {
                        local = r;
                    } else {
                        remotes.add(new Remote(devices.get(device), r));
                    }
                }
                if (current != null) {
                    visitor.visit(local, remotes);
                }
            }
        }
    }

    private void upsert(Connection c, long device, long sequence, FileRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO files"
                + " (folder, device, path, sequence, type, deleted, size, version, record)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, folder);
            ps.setLong(2, device);
            ps.setString(3, r.path().toString());
            ps.setLong(4, sequence);
            ps.setInt(5, r.type().code());
            ps.setInt(6, r.deleted() ? 1 : 0);
            ps.setLong(7, r.size());
            ps.setBytes(8, r.version().encode());
            ps.setBytes(9, r.encode());
            ps.executeUpdate();
        }
    }

    private Optional<SequencedRecord> get(Connection c, long device, FolderPath path) throws SQLException {
        Objects.requireNonNull(path, "path");
        PreparedStatement ps = store.prepared(c,
                "SELECT sequence, record FROM files WHERE folder = ? AND device = ? AND path = ?");
        ps.setLong(1, folder);
        ps.setLong(2, device);
        ps.setString(3, path.toString());
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next()
                    ? Optional.of(new SequencedRecord(rs.getLong(1), decodeStored(rs.getBytes(2))))
                    : Optional.empty();
        }
    }

    private long maxSequence(Connection c, long device) throws SQLException {
        PreparedStatement ps = store.prepared(c,
                "SELECT max_sequence FROM sequences WHERE folder = ? AND device = ?");
        ps.setLong(1, folder);
        ps.setLong(2, device);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
        }
    }

    private void setMaxSequence(Connection c, long device, long sequence) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT OR REPLACE INTO sequences (folder, device, max_sequence) VALUES (?, ?, ?)")) {
            ps.setLong(1, folder);
            ps.setLong(2, device);
            ps.setLong(3, sequence);
            ps.executeUpdate();
        }
    }

    private static Optional<Long> findDeviceRow(Connection c, DeviceId device) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT idx FROM devices WHERE device_id = ?")) {
            ps.setBytes(1, device.toBytes());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    private static long deviceRow(Connection c, DeviceId device) throws SQLException {
        Optional<Long> existing = findDeviceRow(c, device);
        if (existing.isPresent()) {
            return existing.get();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO devices (device_id) VALUES (?)")) {
            ps.setBytes(1, device.toBytes());
            ps.executeUpdate();
        }
        return findDeviceRow(c, device).orElseThrow();
    }

    private static FileRecord decodeStored(byte[] bytes) {
        try {
            return FileRecord.decode(bytes);
        } catch (MalformedRecordException e) {
            throw new IndexException("corrupt record in the index: " + e.getMessage(), e);
        }
    }

    private static FolderPath storedPath(String path) {
        try {
            return FolderPath.parse(path);
        } catch (RuntimeException e) {
            throw new IndexException("corrupt path in the index: " + e.getMessage(), e);
        }
    }
}
