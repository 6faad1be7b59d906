package dev.cloudless.sync.core.scan;

import dev.cloudless.sync.core.block.BlockHasher;
import dev.cloudless.sync.core.block.FileBlocks;
import dev.cloudless.sync.core.block.ParallelHasher;
import dev.cloudless.sync.core.ignore.IgnoreRules;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.index.FolderIndex;
import dev.cloudless.sync.core.index.ScanEntry;
import dev.cloudless.sync.core.index.SequencedRecord;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.path.InvalidFolderPathException;
import dev.cloudless.sync.core.path.UnicodeNames;
import dev.cloudless.sync.core.version.VersionVector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BooleanSupplier;

/**
 * Compares a folder on disk with the local records of its index and produces the records of
 * what changed: new and modified entries with incremented versions, tombstones for deleted
 * ones. The rules (symlink policy, scan cache, versions, deletion guard) are in
 * {@code docs/index.md}, section "Scanner".
 *
 * <pre>{@code
 * FolderScanner scanner = new FolderScanner(root, index, new ScanSettings(folderId, me.shortId(),
 *         secrets.signingKey(), ChunkerParams.DEFAULT, () -> rules, Clock.systemUTC()));
 * ScanResult r = scanner.scan(null, ScanProgress.NONE, () -> false);   // or the watcher's paths
 * if (r.deletions() > r.liveFilesBefore() / 2) { ask the user first }
 * scanner.commit(r);                                                    // records, then cache
 * }</pre>
 *
 * <p>One scan at a time per scanner (calls are serialized): it reuses one {@link BlockHasher}
 * and one read buffer. Run it on a bounded executor; it blocks on disk and index I/O.
 */
public final class FolderScanner {
    /**
     * A file modified less than this before the scan started is hashed but not entered in the
     * scan cache: a second write within the file system's timestamp granularity would leave
     * size and mtime unchanged and go unnoticed ("racy clean"). 2 s covers FAT's granularity.
     */
    static final Duration RACY_WINDOW = Duration.ofSeconds(2);
    /** Local records per index query when listing what the index holds. */
    static final int LOCAL_PAGE_SIZE = 1000;
    /** Modes used where the file system has no POSIX permissions and no earlier record says better. */
    static final int DEFAULT_FILE_MODE = 0644;
    static final int DEFAULT_DIRECTORY_MODE = 0755;
    /** Symlinks carry no permissions of their own. */
    static final int SYMLINK_MODE = 0777;
    /** Mode bits recorded: rwx for owner, group and others (no setuid, setgid, sticky). */
    static final int MODE_MASK = 0777;

    /** A full scan reads the scan cache at once up to this many entries (about 200 bytes each). */
    static final int PRELOADED_SCAN_ENTRIES = 200_000;

    private final Path root;
    private final FolderIndex index;
    private final ScanSettings settings;
    private final BlockHasher hasher;
    private final ParallelHasher parallelHasher;
    private final byte[] buffer = new byte[BlockHasher.IO_BUFFER_SIZE];

    public FolderScanner(Path root, FolderIndex index, ScanSettings settings) {
        this.root = Objects.requireNonNull(root, "root");
        this.index = Objects.requireNonNull(index, "index");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.hasher = new BlockHasher(settings.chunker());
        // The common pool, as for signing: the scanning thread hashes one run itself.
        this.parallelHasher = new ParallelHasher(settings.chunker(), ForkJoinPool.commonPool(),
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * Scans the whole folder ({@code paths == null}) or just the given paths and everything
     * below them. Does not write records to the index; it does update the scan cache of files
     * whose content it verified unchanged, and forgets the cache entries of deleted paths.
     *
     * @param paths the paths to look at (e.g. from the watcher), or null for everything
     * @param progress called while files are hashed
     * @param cancelled polled between entries and between reads of a large file
     * @throws FolderMissingException if the root is missing, or deletions were found and the
     *     {@link FolderMarker} is missing: nothing is returned, so nothing is deleted
     * @throws CancellationException if {@code cancelled} turned true; nothing is returned
     * @throws IOException if the root itself cannot be listed
     */
    public synchronized ScanResult scan(Collection<FolderPath> paths, ScanProgress progress, BooleanSupplier cancelled)
            throws IOException, FolderMissingException {
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(cancelled, "cancelled");
        Path base = realRoot();
        boolean posix = Files.getFileStore(base).supportsFileAttributeView(PosixFileAttributeView.class);
        return new Run(base, posix, paths == null ? null : outermost(paths), progress, cancelled).execute();
    }

    /**
     * Stores a scan's records and its scan-cache entries in one transaction.
     *
     * @return the highest local sequence after the records
     */
    public long commit(ScanResult result) {
        return index.applyLocal(result.changes(), result.cacheUpdates());
    }

    private Path realRoot() throws IOException, FolderMissingException {
        try {
            if (!Files.readAttributes(root, BasicFileAttributes.class).isDirectory()) {
                throw new FolderMissingException("folder root " + root + " is not a directory");
            }
            return root.toRealPath();
        } catch (NoSuchFileException e) {
            throw new FolderMissingException("folder root " + root + " does not exist");
        }
    }

    /** The given paths without those below another given path (each subtree is walked once). */
    private static List<FolderPath> outermost(Collection<FolderPath> paths) {
        List<FolderPath> out = new ArrayList<>();
        for (FolderPath p : new TreeSet<>(paths)) {
            // Path order puts a directory's descendants right after it.
            if (out.isEmpty() || !p.startsWith(out.get(out.size() - 1))) {
                out.add(p);
            }
        }
        return out;
    }

    /** The type and mode of a live local record: enough to skip unchanged entries without reading the record. */
    private record Known(FileRecord.Type type, int permissions) {}

    /** A directory to list; {@code path} is null for the root. */
    private record Dir(Path disk, FolderPath path) {}

    /** One scan's state. */
    private final class Run {
        private final Path base;
        private final FileSystem fs;
        private final boolean posix;
        private final Set<FolderPath> scope;  // null: the whole folder
        private final List<FolderPath> scopeRoots;
        private final ScanProgress progress;
        private final BooleanSupplier cancelled;
        private final IgnoreRules ignores;
        private final Instant now;
        private final long me = settings.localShortId();
        /** Live local records in scope not seen on disk yet; what is left at the end was deleted. */
        private final TreeMap<FolderPath, Known> unseen = new TreeMap<>();
        /** The scan cache read at once for a full scan (null: ask per file). */
        private Map<FolderPath, ScanEntry> cached;
        /** Present but unreadable or not synced: nothing at or below is deleted. */
        private final Set<FolderPath> keep = new HashSet<>();
        private final List<FileRecord> live = new ArrayList<>();
        private final List<FolderPath> unstable = new ArrayList<>();
        private final List<ScanProblem> problems = new ArrayList<>();
        private final Map<FolderPath, ScanEntry> cacheUpdates = new TreeMap<>();
        private int seen;
        private long bytesHashed;
        private long liveBefore;

        Run(Path base, boolean posix, List<FolderPath> roots, ScanProgress progress, BooleanSupplier cancelled) {
            this.base = base;
            this.fs = base.getFileSystem();
            this.posix = posix;
            this.scopeRoots = roots;
            this.scope = roots == null ? null : new HashSet<>(roots);
            this.progress = progress;
            this.cancelled = cancelled;
            this.ignores = Objects.requireNonNull(settings.ignores().get(), "ignore rules");
            this.now = settings.clock().instant();
        }

        ScanResult execute() throws IOException, FolderMissingException {
            loadLocal();
            if (scopeRoots == null) {
                cached = index.scannedAll(PRELOADED_SCAN_ENTRIES).orElse(null);
                walk(base, null);
            } else {
                for (FolderPath p : scopeRoots) {
                    checkCancelled();
                    scanSubtree(p);
                }
            }
            List<FileRecord> tombstones = deletions();
            live.sort(Comparator.comparing(FileRecord::path));
            List<FileRecord> changes = new ArrayList<>(live.size() + tombstones.size());
            changes.addAll(live);
            changes.addAll(tombstones);
            changes = signAll(changes);
            return new ScanResult(changes, unstable, problems, seen, bytesHashed, tombstones.size(), liveBefore,
                    cacheUpdates);
        }

        /** One pass over the local records: the live count and the live records in scope. */
        private void loadLocal() {
            long after = 0;
            while (true) {
                List<SequencedRecord> page = index.localSince(after, LOCAL_PAGE_SIZE);
                for (SequencedRecord sr : page) {
                    after = sr.sequence();
                    FileRecord r = sr.record();
                    if (r.deleted()) {
                        continue;
                    }
                    liveBefore++;
                    if (inScope(r.path())) {
                        unseen.put(r.path(), new Known(r.type(), r.permissions() & MODE_MASK));
                    }
                }
                if (page.size() < LOCAL_PAGE_SIZE) {
                    return;
                }
                checkCancelled();
            }
        }

        private boolean inScope(FolderPath p) {
            return scope == null || underAny(p, scope);
        }

        private void scanSubtree(FolderPath p) throws IOException {
            Optional<Path> disk;
            try {
                disk = locate(p);
            } catch (IOException e) {
                problem(p.toString(), "cannot be read: " + e);
                keep.add(p);
                return;
            }
            // Absent: its records stay unseen and become tombstones.
            if (disk.isPresent() && visit(disk.get(), p)) {
                walk(disk.get(), p);
            }
        }

        /**
         * The entry of {@code p} on disk, in its on-disk spelling, if every parent is a real
         * directory: what lies behind a symlinked parent is not in the folder.
         */
        private Optional<Path> locate(FolderPath p) throws IOException {
            Path current = base;
            List<String> segments = p.segments();
            for (int i = 0; i < segments.size(); i++) {
                if (i > 0 && !Files.readAttributes(current, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                        .isDirectory()) {
                    return Optional.empty();
                }
                Optional<Path> next = UnicodeNames.findExisting(current, segments.get(i));
                if (next.isEmpty()) {
                    return Optional.empty();
                }
                current = next.get();
            }
            return Optional.of(current);
        }

        /** Walks the directories below {@code start} (whose own entry was already visited, unless it is the root). */
        private void walk(Path startDir, FolderPath startPath) throws IOException {
            // Iterative: a 4096-byte path can be 2048 directories deep.
            Deque<Dir> pending = new ArrayDeque<>();
            pending.push(new Dir(startDir, startPath));
            while (!pending.isEmpty()) {
                Dir d = pending.pop();
                for (Path child : list(d.disk(), d.path())) {
                    checkCancelled();
                    FolderPath childPath = childPath(child, d.path() == null);
                    if (childPath != null && visit(child, childPath)) {
                        pending.push(new Dir(child, childPath));
                    }
                }
            }
        }

        /**
         * The entries of {@code dir} to visit, sorted: names that are not valid UTF-8 and the
         * non-preferred spellings of Unicode-equivalent names are reported and left out.
         */
        private List<Path> list(Path dir, FolderPath dirPath) throws IOException {
            TreeMap<String, Path> byName = new TreeMap<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path e : entries) {
                    Path name = e.getFileName();
                    String text = name.toString();
                    // The JDK decodes undecodable bytes to U+FFFD; such a name would not map back to this file.
                    if (!representable(text, name)) {
                        problem(display(dirPath, text), "name is not valid UTF-8; not synced");
                        continue;
                    }
                    byName.put(text, e);
                }
            } catch (NoSuchFileException e) {
                return List.of();  // gone since it was seen: what the index has below it is deleted
            } catch (IOException e) {
                if (dirPath == null) {
                    throw e;
                }
                problem(dirPath.toString(), "directory cannot be listed: " + e);
                keep.add(dirPath);
                return List.of();
            }
            for (List<String> spellings : UnicodeNames.collisions(byName.keySet()).values()) {
                for (String loser : spellings.subList(1, spellings.size())) {
                    byName.remove(loser);
                    problem(display(dirPath, loser), "same name as \"" + spellings.get(0)
                            + "\" after Unicode normalization; not synced");
                }
            }
            return new ArrayList<>(byName.values());
        }

        private String display(FolderPath dir, String name) {
            return dir == null ? name : dir + "/" + name;
        }

        private FolderPath childPath(Path child, boolean atRoot) {
            String name = child.getFileName().toString();
            if (atRoot && FolderPath.isReservedName(name)) {
                if (!name.equals(FolderPath.RESERVED_DIR)) {
                    problem(name, "name is reserved (it would be " + FolderPath.RESERVED_DIR
                            + " on some file systems); not synced");
                }
                return null;
            }
            Path rel = base.relativize(child);
            try {
                return FolderPath.ofLocal(rel);
            } catch (InvalidFolderPathException e) {
                problem(rel.toString().replace(fs.getSeparator(), "/"), "not a valid folder path ("
                        + e.getMessage() + "); not synced");
                return null;
            }
        }

        /** Compares one entry with the index; true if it is a directory to descend into. */
        private boolean visit(Path disk, FolderPath path) throws IOException {
            LocalFile f;
            try {
                f = LocalFile.stat(disk, posix);
            } catch (NoSuchFileException e) {
                return false;  // gone since listed: deleted
            } catch (IOException e) {
                problem(path.toString(), "cannot be read: " + e);
                keep.add(path);
                return false;
            }
            if (ignores.isIgnored(path, f.kind() == LocalFile.Kind.DIRECTORY)) {
                return false;
            }
            Known known = unseen.remove(path);
            switch (f.kind()) {
                case DIRECTORY:
                    seen++;
                    directory(path, f, known);
                    return true;
                case FILE:
                    seen++;
                    file(disk, path, f, known);
                    return false;
                case SYMLINK:
                    seen++;
                    symlink(disk, path, f);
                    return false;
                default:
                    problem(path.toString(), "not a regular file, directory or symbolic link; not synced");
                    keep.add(path);
                    return false;
            }
        }

        private void directory(FolderPath path, LocalFile f, Known known) {
            if (known != null && known.type() == FileRecord.Type.DIRECTORY
                    && (!posix || known.permissions() == f.permissions())) {
                return;
            }
            Optional<FileRecord> local = index.local(path);
            int mode = mode(path, f, local, FileRecord.Type.DIRECTORY, DEFAULT_DIRECTORY_MODE);
            emit(FileRecord.Type.DIRECTORY, path, f, mode, null, "", local, null);
        }

        private void file(Path disk, FolderPath path, LocalFile f, Known known) throws IOException {
            if (f.size() > FileRecord.MAX_FILE_SIZE) {
                problem(path.toString(), "larger than " + FileRecord.MAX_FILE_SIZE + " bytes; not synced");
                keep.add(path);
                return;
            }
            ScanEntry entry = f.scanEntry();
            if (known != null && known.type() == FileRecord.Type.FILE
                    && (cached != null ? entry.equals(cached.get(path))
                            : index.scanned(path).map(entry::equals).orElse(false))) {
                if (!posix || known.permissions() == f.permissions()) {
                    return;  // the cache vouches for the content, and the mode is the same
                }
                Optional<FileRecord> local = index.local(path);
                if (local.isPresent() && !local.get().deleted() && local.get().type() == FileRecord.Type.FILE) {
                    emit(FileRecord.Type.FILE, path, f, f.permissions(), FileBlocks.of(local.get().blocks()), "",
                            local, null);
                    return;
                }
            }
            FileBlocks blocks = hash(disk, path, f);
            if (blocks == null) {
                return;
            }
            Optional<FileRecord> local = index.local(path);
            int mode = mode(path, f, local, FileRecord.Type.FILE, DEFAULT_FILE_MODE);
            emit(FileRecord.Type.FILE, path, f, mode, blocks, "", local, entry);
        }

        private void symlink(Path disk, FolderPath path, LocalFile f) {
            Path target;
            try {
                target = Files.readSymbolicLink(disk);
            } catch (IOException e) {
                problem(path.toString(), "symbolic link cannot be read: " + e);
                keep.add(path);
                return;
            }
            String text = target.toString();
            String why = symlinkProblem(path, target, text);
            if (why != null) {
                problem(path.toString(), why + "; not synced");
                keep.add(path);
                return;
            }
            emit(FileRecord.Type.SYMLINK, path, f, SYMLINK_MODE, null, text, index.local(path), null);
        }

        /** Why the link {@code path -> target} is not synced, or null if it is. */
        private String symlinkProblem(FolderPath path, Path target, String text) {
            if (text.isEmpty()) {
                return "symbolic link with an empty target";
            }
            if (text.indexOf('\0') >= 0 || !representable(text, target)) {
                return "symbolic link target is not valid UTF-8";
            }
            if (text.getBytes(StandardCharsets.UTF_8).length > FileRecord.MAX_SYMLINK_TARGET_BYTES) {
                return "symbolic link target longer than " + FileRecord.MAX_SYMLINK_TARGET_BYTES + " bytes";
            }
            if (target.isAbsolute() || target.getRoot() != null) {
                return "symbolic link to an absolute path";
            }
            return symlinkTargetProblem(path, text);
        }

        private boolean representable(String text, Path path) {
            try {
                return fs.getPath(text).equals(path);
            } catch (java.nio.file.InvalidPathException e) {
                return false;
            }
        }

        /**
         * The mode to record: the file's own on POSIX; elsewhere the earlier record's (local,
         * else global) of the same type, so a file system without modes changes none.
         */
        private int mode(FolderPath path, LocalFile f, Optional<FileRecord> local, FileRecord.Type type, int fallback) {
            if (posix) {
                return f.permissions() & MODE_MASK;
            }
            Optional<FileRecord> earlier = local.isPresent() ? local : index.global(path);
            return earlier.filter(r -> !r.deleted() && r.type() == type).map(FileRecord::permissions).orElse(fallback);
        }

        /**
         * Emits the record of an entry unless the local record already says the same; {@code
         * cacheEntry} (files only) is what the scan cache should hold once the local record
         * matches the disk.
         */
        private void emit(FileRecord.Type type, FolderPath path, LocalFile f, int mode, FileBlocks blocks,
                          String target, Optional<FileRecord> local, ScanEntry cacheEntry) {
            if (local.isPresent() && !local.get().deleted() && sameState(local.get(), type, mode, blocks, target)) {
                if (cacheEntry != null && !racy(cacheEntry)) {
                    index.putScanned(path, cacheEntry);  // content verified: only the cache was stale
                }
                return;
            }
            // The disk may already hold the global state: copied in, pulled before the index was
            // lost, or written by the puller a moment before it records it (the watcher can fire
            // in between). Then the local state IS the global record, version and all: adopting it
            // avoids a spurious local version that would conflict with the very change it holds.
            Optional<FileRecord> global = index.global(path);
            if (global.isPresent() && !global.get().deleted() && sameState(global.get(), type, mode, blocks, target)
                    && (local.isEmpty() || global.get().version().dominates(local.get().version()))) {
                live.add(global.get()); // signed already, by whoever made it
                defer(path, cacheEntry);
                return;
            }
            VersionVector version = local.isPresent() ? local.get().version().increment(me)
                    : VersionVector.empty().increment(me);
            FileRecord r = switch (type) {
                case FILE -> FileRecord.file(path, blocks.size(), f.mtime(), mode, version, blocks.blocks(), me);
                case DIRECTORY -> FileRecord.directory(path, f.mtime(), mode, version, me);
                case SYMLINK -> FileRecord.symlink(path, target, f.mtime(), version, me);
            };
            live.add(r); // signed with the others at the end, on every core
            defer(path, cacheEntry);
        }

        /**
         * Whether {@code r} describes the entry. Only the recorded mode bits count: a pulled
         * record may carry setuid or sticky bits the scanner never records, and comparing
         * those would re-emit the entry on every scan. A symlink has no mode of its own.
         */
        private boolean sameState(FileRecord r, FileRecord.Type type, int mode, FileBlocks blocks, String target) {
            if (r.type() != type) {
                return false;
            }
            boolean sameMode = (r.permissions() & MODE_MASK) == (mode & MODE_MASK);
            return switch (type) {
                case FILE -> sameMode && r.size() == blocks.size() && r.blocks().equals(blocks.blocks());
                case DIRECTORY -> sameMode;
                case SYMLINK -> r.symlinkTarget().equals(target);
            };
        }

        private void defer(FolderPath path, ScanEntry cacheEntry) {
            if (cacheEntry != null && !racy(cacheEntry)) {
                cacheUpdates.put(path, cacheEntry);
            }
        }

        private boolean racy(ScanEntry e) {
            return e.mtime().isAfter(now.minus(RACY_WINDOW));
        }

        /**
         * Hashes {@code disk}; null if it changed meanwhile (reported unstable) or cannot be
         * read (reported as a problem). Reads at most one byte past the size it had at the
         * start, so a file that keeps growing costs no more than its size.
         */
        private FileBlocks hash(Path disk, FolderPath path, LocalFile before) {
            long total = before.size();
            long done = 0;
            FileBlocks blocks = null;
            IOException failure = null;
            hasher.reset();
            try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                if (total >= ParallelHasher.MIN_FILE_BYTES && Runtime.getRuntime().availableProcessors() > 1) {
                    // Reads exactly `total` bytes; a file that grew meanwhile shows in the stat below.
                    blocks = parallelHasher.hash(ch, total, n -> progress.hashing(path, n, total), cancelled);
                    done = blocks == null ? -1 : total;
                } else {
                    ByteBuffer bb = ByteBuffer.wrap(buffer);
                    while (done <= total) {
                        bb.clear();
                        int n = ch.read(bb);
                        if (n < 0) {
                            break;
                        }
                        hasher.update(buffer, 0, n);
                        done += n;
                        progress.hashing(path, done, total);
                        checkCancelled();
                    }
                    blocks = hasher.finish();
                }
            } catch (IOException e) {
                failure = e;
            } finally {
                hasher.reset();
                bytesHashed += Math.max(0, done);
            }
            LocalFile after;
            try {
                after = LocalFile.stat(disk, posix);
            } catch (IOException e) {
                after = null;  // gone or unreadable now: changed under us
            }
            if (after == null || before.changedBy(after) || (failure == null && done != total)) {
                unstable.add(path);
                return null;
            }
            if (failure != null) {
                problem(path.toString(), "cannot be read: " + failure);
                keep.add(path);
                return null;
            }
            if (blocks.blocks().size() > FileRecord.MAX_BLOCKS_PER_FILE) {
                problem(path.toString(), "more than " + FileRecord.MAX_BLOCKS_PER_FILE + " blocks; not synced");
                keep.add(path);
                return null;
            }
            return blocks;
        }

        /** Tombstones for the live records in scope not seen on disk, after the marker check. */
        private List<FileRecord> deletions() throws FolderMissingException {
            List<FolderPath> gone = new ArrayList<>();
            for (Map.Entry<FolderPath, Known> e : unseen.entrySet()) {
                FolderPath p = e.getKey();
                if (!underAny(p, keep) && !ignores.isIgnored(p, e.getValue().type() == FileRecord.Type.DIRECTORY)) {
                    gone.add(p);
                }
            }
            if (gone.isEmpty()) {
                return List.of();
            }
            if (!FolderMarker.check(root, settings.folderId())) {
                throw new FolderMissingException("folder marker " + FolderPath.RESERVED_DIR + "/" + FolderMarker.FILE_NAME
                        + " missing in " + root + " (" + gone.size() + " entries look deleted): is the drive mounted?");
            }
            List<FileRecord> out = new ArrayList<>(gone.size());
            for (int i = gone.size() - 1; i >= 0; i--) {  // children before their directory
                checkCancelled();
                FolderPath p = gone.get(i);
                Optional<FileRecord> local = index.local(p);
                if (local.isEmpty() || local.get().deleted()) {
                    continue;  // changed by someone else since loadLocal
                }
                FileRecord r = local.get();
                out.add(r.tombstone(r.version().increment(me), now, me));
                index.forgetScanned(p);
            }
            return out;
        }

        /**
         * Signs the unsigned records (a read-only node has no key and leaves them unsigned). In
         * parallel: signing is most of a scan of many small files (10,000 signatures took 6 s on
         * one core of the benchmark machine).
         */
        private List<FileRecord> signAll(List<FileRecord> records) {
            if (settings.signer().isEmpty()) {
                return records;
            }
            var key = settings.signer().get();
            return records.parallelStream().map(r -> r.isSigned() ? r : r.sign(key)).toList();
        }

        private void problem(String path, String message) {
            problems.add(new ScanProblem(path, message));
        }

        private void checkCancelled() {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("scan of " + root + " cancelled");
            }
        }
    }

    /**
     * Why a link at {@code link} with target {@code target} does not stay inside the folder,
     * or null if it does. Lexical: the target's {@code ..} segments must not climb above the
     * root, and a backslash counts as a separator too, as Windows would take it.
     */
    static String symlinkTargetProblem(FolderPath link, String target) {
        if (target.startsWith("/") || target.startsWith("\\")
                || (target.length() >= 2 && Character.isLetter(target.charAt(0)) && target.charAt(1) == ':')) {
            return "symbolic link to an absolute path";
        }
        Deque<String> at = new ArrayDeque<>(link.segments());
        at.removeLast();
        for (String segment : target.split("[/\\\\]")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (at.isEmpty()) {
                    return "symbolic link that leads outside the folder";
                }
                at.removeLast();
            } else {
                at.addLast(segment);
            }
        }
        if (!at.isEmpty() && FolderPath.isReservedName(at.getFirst())) {
            return "symbolic link into " + FolderPath.RESERVED_DIR;
        }
        return null;
    }

    /** Whether {@code p} or one of its ancestors is in {@code set}. */
    private static boolean underAny(FolderPath p, Set<FolderPath> set) {
        if (set.isEmpty()) {
            return false;
        }
        for (Optional<FolderPath> q = Optional.of(p); q.isPresent(); q = q.get().parent()) {
            if (set.contains(q.get())) {
                return true;
            }
        }
        return false;
    }
}
