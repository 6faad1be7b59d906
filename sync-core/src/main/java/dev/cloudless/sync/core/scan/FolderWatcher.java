package dev.cloudless.sync.core.scan;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import dev.cloudless.sync.core.ignore.IgnoreRules;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.path.InvalidFolderPathException;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Queue;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a folder and every directory beneath it with the JDK's {@link WatchService} and
 * reports debounced batches of changed paths, so the scanner looks at exactly what changed,
 * usually within a few hundred milliseconds of the write.
 *
 * <pre>{@code
 * try (FolderWatcher watcher = FolderWatcher.builder(root, engineExecutor, new FolderWatcher.Listener() {
 *         public void onChanges(SortedSet<FolderPath> paths) { scanner.scan(paths); }
 *         public void onRescanNeeded(String reason) { scanner.scanAll(); }
 *         public void onRootMissing() { folder.pause("folder root is gone"); }
 *     }).ignoreRules(rules).start()) {
 *     ...
 *     watcher.setIgnoreRules(IgnoreRules.load(root.resolve(IgnoreRules.FILE_NAME)));
 * }
 * }</pre>
 *
 * <h2>What is reported</h2>
 * <ul>
 *   <li>A created, modified or deleted entry is reported as its {@link FolderPath} (NFC). A
 *       rename is the old path (deleted) and the new path (created). A deleted directory is
 *       reported as the directory's path (and whichever of its entries the operating system
 *       reported first): the scanner compares everything beneath it with the index.</li>
 *   <li>A directory that appears is watched, then walked, and every entry already inside is
 *       reported: {@code mkdir -p a/b/c && touch a/b/c/f} is reported in full even though
 *       {@code c} did not exist when {@code a} was registered.</li>
 *   <li>Never anything under the root's {@value FolderPath#RESERVED_DIR} directory, nor any
 *       path the current {@link IgnoreRules} ignore; ignored directories are not watched at
 *       all, which saves watches. The {@value IgnoreRules#FILE_NAME} file itself is reported
 *       like any file (the rules never ignore it); reloading the rules is the engine's job,
 *       through {@link #setIgnoreRules}. A deleted path whose type is unknown (it was not a
 *       watched directory) is dropped only if it is ignored both as a file and as a directory:
 *       reporting too much costs a stat, missing a deletion costs correctness.</li>
 *   <li>Names that are not valid folder paths (a backslash or a control character on Linux)
 *       are skipped, as the scanner skips them.</li>
 * </ul>
 * Paths in a batch are distinct and sorted. The watcher only says where to look; the scanner
 * decides what changed, so a spurious path (a modification that did not change anything) costs
 * one stat.
 *
 * <h2>Debounce</h2>
 * A batch is delivered once no change has arrived for the quiet period
 * ({@value #DEFAULT_QUIET_MILLIS} ms by default) or once its oldest change is the maximum delay
 * old ({@value #DEFAULT_MAX_DELAY_MILLIS} ms by default), whichever comes first. The quiet period
 * coalesces the several events of one save (editors write a temporary file, rename it and set
 * attributes within milliseconds) and of a burst such as an unpacked archive into one scan,
 * while keeping the write-to-peer latency well under a second; the maximum delay bounds the
 * latency of a file that is written continuously (a log, a download), which would otherwise
 * never fall quiet. A batch of more than {@value #DEFAULT_MAX_BATCH_PATHS} paths (by default)
 * becomes a rescan signal, because walking the folder is then cheaper than a path list.
 *
 * <h2>Signals instead of silent loss</h2>
 * <ul>
 *   <li>{@link Listener#onRescanNeeded}: events were lost (the kernel's or the JDK's event queue
 *       overflowed) or a directory could not be watched (on Linux, inotify's
 *       {@code fs.inotify.max_user_watches} limit: one watch per directory, per user, across all
 *       processes; raise it with {@code sysctl}). The engine rescans the whole folder. A
 *       directory that could not be watched stays unwatched: later changes inside it are found
 *       by the engine's periodic rescan, not by this watcher.</li>
 *   <li>{@link Listener#onRootMissing}: the root directory was deleted, moved away or replaced
 *       (another directory now has its name), or its file system was unmounted. The pending
 *       batch is discarded rather than reported as the deletion of every file, and the watcher
 *       stops: the engine pauses the folder (data-loss guard) and starts a new watcher when the
 *       folder resumes. The root is checked when its watch ends, before every batch and at
 *       least every {@value #ROOT_CHECK_MILLIS} ms.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * One daemon thread per watcher, named {@code cloudless-watcher-<folder name>}, runs the watch
 * loop (on Linux the JDK adds one poller thread per {@code WatchService}). The listener is called
 * on the given executor, one call at a time and in order, never on the watch loop unless the
 * executor runs tasks inline; a slow listener under a direct executor stalls the loop until the
 * JDK's queue overflows, which then shows as a rescan signal. {@link #close()} stops the loop,
 * releases the {@code WatchService} and waits for the thread at most
 * {@value #CLOSE_WAIT_MILLIS} ms; after it returns, the listener is not called again (a call
 * already running finishes). Pending changes are dropped on close: the engine scans on start.
 *
 * <h2>Limits</h2>
 * Symbolic links are reported as entries but never followed: a link to a directory is not
 * watched or walked (the engine's symlink policy decides what a link means). Changing the
 * ignore rules watches newly un-ignored directories and unwatches newly ignored ones, but reports
 * nothing: the engine rescans after a rules change, since any path's status may have changed. A
 * folder on a network file system may deliver no events for remote writes; the periodic rescan
 * covers it.
 */
public final class FolderWatcher implements AutoCloseable {

    /** Default quiet period, in milliseconds. */
    public static final long DEFAULT_QUIET_MILLIS = 150;
    /** Default maximum delay of a change, in milliseconds. */
    public static final long DEFAULT_MAX_DELAY_MILLIS = 1000;
    /** Default number of paths above which a batch becomes a rescan signal. */
    public static final int DEFAULT_MAX_BATCH_PATHS = 10_000;
    /** How often an idle watcher checks that its root is still there, in milliseconds. */
    static final long ROOT_CHECK_MILLIS = 500;
    /** How long {@link #close()} waits for the watch thread, in milliseconds. */
    static final long CLOSE_WAIT_MILLIS = 2000;
    /** Keys handled before the loop checks for a due batch, so a flood cannot starve delivery. */
    private static final int MAX_KEYS_PER_ROUND = 256;

    private static final Logger log = LoggerFactory.getLogger(FolderWatcher.class);

    /** Receives the watcher's reports, one call at a time, on the watcher's executor. */
    public interface Listener {
        /** These paths (distinct, sorted, never empty) may have changed. */
        void onChanges(SortedSet<FolderPath> paths);

        /** Changes may have been missed; the whole folder must be rescanned. */
        void onRescanNeeded(String reason);

        /** The root directory is gone or replaced; the watcher has stopped. */
        void onRootMissing();
    }

    private final Path root;
    private final Path top; // the root relative to itself: the empty path, on root's file system
    private final Object rootFileKey;
    private final Executor executor;
    private final Listener listener;
    private final WatchService watchService;
    private final Thread thread;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final Object lock = new Object();
    // Guarded by lock: the watched directories, relative to root ("" is the root itself).
    private final Map<WatchKey, Path> dirsByKey = new HashMap<>();
    // Keyed by the relative path's string so a subtree is one contiguous range (see unwatchSubtree).
    private final NavigableMap<String, WatchKey> keysByDir = new TreeMap<>();
    private final Debouncer debouncer;
    private IgnoreRules rules;
    private boolean stopped; // the loop has ended; the watch service is closed

    // Deliveries wait here so the listener sees them one at a time and in order on any executor.
    private final Queue<Runnable> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    private FolderWatcher(Builder b) throws IOException {
        this.root = b.root.toRealPath();
        BasicFileAttributes attrs = Files.readAttributes(root, BasicFileAttributes.class);
        if (!attrs.isDirectory()) {
            throw new NotDirectoryException(root.toString());
        }
        // Null on file systems without file keys: the root check then only notices that the
        // root is gone, not that another directory took its name.
        this.rootFileKey = attrs.fileKey();
        this.top = root.getFileSystem().getPath("");
        this.executor = b.executor;
        this.listener = b.listener;
        this.rules = b.ignoreRules;
        this.debouncer = new Debouncer(b.quietPeriod.toNanos(), b.maxDelay.toNanos(), b.maxBatchPaths);
        this.watchService = root.getFileSystem().newWatchService();
        try {
            synchronized (lock) {
                register(top); // the root must be watched, or start fails
                // Reports nothing (the engine's initial scan covers what exists) except a rescan
                // signal if some directory could not be watched.
                walk(top, false);
            }
        } catch (IOException | RuntimeException e) {
            watchService.close();
            throw e;
        }
        String name = root.getFileName() == null ? root.toString() : root.getFileName().toString();
        this.thread = new Thread(this::run, b.threadName != null ? b.threadName : "cloudless-watcher-" + name);
        thread.setDaemon(true);
    }

    /**
     * Starts building a watcher of {@code root}, reporting to {@code listener} on
     * {@code executor}.
     */
    public static Builder builder(Path root, Executor executor, Listener listener) {
        return new Builder(root, executor, listener);
    }

    /** The watched root, as a real path. */
    public Path root() {
        return root;
    }

    /**
     * Replaces the ignore rules: from now on paths they ignore are not reported, directories
     * they ignore are unwatched, and directories they no longer ignore are watched. Walks the
     * folder, on the calling thread; reports nothing (the engine rescans after a rules change).
     */
    public void setIgnoreRules(IgnoreRules newRules) {
        Objects.requireNonNull(newRules, "newRules");
        synchronized (lock) {
            rules = newRules;
            if (stopped) {
                return;
            }
            for (Map.Entry<String, WatchKey> e : new ArrayList<>(keysByDir.entrySet())) {
                if (e.getKey().isEmpty()) {
                    continue;
                }
                FolderPath fp = toFolderPath(root.getFileSystem().getPath(e.getKey()));
                if (fp == null || rules.isIgnored(fp, true)) {
                    unwatchSubtree(root.getFileSystem().getPath(e.getKey()));
                }
            }
            walk(top, false);
        }
    }

    /** The ignore rules in force. */
    public IgnoreRules ignoreRules() {
        synchronized (lock) {
            return rules;
        }
    }

    /** Number of directories watched; for status and tests. */
    int watchedDirectoryCount() {
        synchronized (lock) {
            return keysByDir.size();
        }
    }

    boolean isThreadAlive() {
        return thread.isAlive();
    }

    private FolderWatcher startThread() {
        thread.start();
        return this;
    }

    /**
     * Stops watching and releases the {@code WatchService}; waits for the watch thread at most
     * {@value #CLOSE_WAIT_MILLIS} ms. Idempotent; safe to call from the listener.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            watchService.close(); // wakes the loop's poll with ClosedWatchServiceException
        } catch (IOException e) {
            log.warn("closing the watch service of {}", root, e);
        }
        outbox.clear();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(CLOSE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- the watch loop ----

    private void run() {
        long lastRootCheck = System.nanoTime();
        try {
            while (!closed.get()) {
                long wait;
                synchronized (lock) {
                    wait = debouncer.nanosUntilDue(System.nanoTime());
                }
                wait = Math.min(wait, TimeUnit.MILLISECONDS.toNanos(ROOT_CHECK_MILLIS));
                WatchKey key = wait > 0 ? watchService.poll(wait, TimeUnit.NANOSECONDS) : watchService.poll();
                boolean rootGone = false;
                synchronized (lock) {
                    for (int n = 0; key != null; n++) {
                        rootGone |= !handle(key);
                        key = n < MAX_KEYS_PER_ROUND ? watchService.poll() : null;
                    }
                    long now = System.nanoTime();
                    boolean checkRoot = rootGone || debouncer.isDue(now)
                            || now - lastRootCheck >= TimeUnit.MILLISECONDS.toNanos(ROOT_CHECK_MILLIS);
                    if (checkRoot) {
                        lastRootCheck = now;
                        if (!rootIntact()) {
                            debouncer.clear(); // not "every file deleted": the engine pauses instead
                            deliver(listener::onRootMissing);
                            return;
                        }
                        if (rootGone) {
                            // The root's watch ended but the root is still there: watch it again
                            // and rescan what may have slipped through meanwhile.
                            try {
                                register(top);
                                debouncer.requestRescan("the root's watch was lost", now);
                            } catch (IOException e) {
                                log.warn("cannot watch {} again", root, e);
                                deliver(listener::onRootMissing);
                                return;
                            }
                        }
                    }
                    if (debouncer.isDue(now)) {
                        Debouncer.Batch batch = debouncer.drain();
                        if (batch.isRescan()) {
                            deliver(() -> listener.onRescanNeeded(batch.rescanReason()));
                        } else if (!batch.paths().isEmpty()) {
                            deliver(() -> listener.onChanges(batch.paths()));
                        }
                    }
                }
            }
        } catch (ClosedWatchServiceException e) {
            // close() was called
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (lock) {
                stopped = true;
                try {
                    watchService.close();
                } catch (IOException e) {
                    log.warn("closing the watch service of {}", root, e);
                }
            }
        }
    }

    /** Handles one signalled key; returns false if it was the root's and its watch ended. */
    private boolean handle(WatchKey key) {
        Path dir = dirsByKey.get(key);
        List<WatchEvent<?>> events = key.pollEvents();
        if (dir != null) {
            for (WatchEvent<?> event : events) {
                try {
                    handle(dir, event);
                } catch (RuntimeException e) {
                    // One odd event must not kill the loop; a rescan finds whatever it was about.
                    log.warn("watch event {} in {}/{}", event.kind(), root, dir, e);
                    debouncer.requestRescan("failed to handle an event: " + e, System.nanoTime());
                }
            }
        }
        if (key.reset()) {
            return true;
        }
        // The watch ended: the directory was deleted or moved away, or its file system unmounted.
        dirsByKey.remove(key);
        if (dir == null) {
            return true;
        }
        keysByDir.remove(dir.toString(), key);
        return !dir.toString().isEmpty();
    }

    private void handle(Path dir, WatchEvent<?> event) {
        long now = System.nanoTime();
        if (event.kind() == OVERFLOW) {
            debouncer.requestRescan("watch events lost (queue overflow) in /" + dir, now);
            return;
        }
        Path rel = dir.resolve((Path) event.context());
        FolderPath fp = toFolderPath(rel);
        if (fp == null) {
            return;
        }
        if (event.kind() == ENTRY_DELETE) {
            boolean wasDir = keysByDir.containsKey(rel.toString());
            // A directory moved out of the folder keeps its inotify watch; drop it so its later
            // events are not reported under the old name.
            unwatchSubtree(rel);
            boolean ignored = wasDir
                    ? rules.isIgnored(fp, true)
                    : rules.isIgnored(fp, false) && rules.isIgnored(fp, true);
            if (!ignored) {
                debouncer.add(fp, now);
            }
            return;
        }
        boolean isDir = Files.isDirectory(root.resolve(rel), LinkOption.NOFOLLOW_LINKS);
        if (rules.isIgnored(fp, isDir)) {
            return;
        }
        debouncer.add(fp, now);
        if (isDir && event.kind() == ENTRY_CREATE) {
            walk(rel, true);
        }
    }

    // ---- registration ----

    /**
     * Watches {@code start} (relative to the root) and every directory beneath it that is not
     * ignored; with {@code report}, reports every entry found. Each directory is registered
     * before it is listed, so an entry created meanwhile is seen by the listing or by the watch.
     */
    private void walk(Path start, boolean report) {
        Path absStart = root.resolve(start);
        try {
            Files.walkFileTree(absStart, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path abs, BasicFileAttributes attrs) {
                    Path rel = root.relativize(abs);
                    if (!rel.toString().isEmpty()) {
                        FolderPath fp = toFolderPath(rel);
                        if (fp == null || rules.isIgnored(fp, true)) {
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        if (report) {
                            debouncer.add(fp, System.nanoTime());
                        }
                    }
                    if (!keysByDir.containsKey(rel.toString())) {
                        try {
                            register(rel);
                        } catch (NoSuchFileException | NotDirectoryException e) {
                            return FileVisitResult.SKIP_SUBTREE; // gone already; its delete event follows
                        } catch (IOException e) {
                            watchFailed(rel, e);
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path abs, BasicFileAttributes attrs) {
                    if (report) {
                        FolderPath fp = toFolderPath(root.relativize(abs));
                        if (fp != null && !rules.isIgnored(fp, attrs.isDirectory())) {
                            debouncer.add(fp, System.nanoTime());
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path abs, IOException e) {
                    if (!(e instanceof NoSuchFileException)) {
                        watchFailed(root.relativize(abs), e);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            watchFailed(start, e);
        }
    }

    private void register(Path rel) throws IOException {
        WatchKey key = root.resolve(rel).register(watchService, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
        // The same directory (inode) under a new name returns its existing key: a directory moved
        // within the folder. Re-map it so its events carry the new name.
        Path previous = dirsByKey.put(key, rel);
        if (previous != null && !previous.equals(rel)) {
            keysByDir.remove(previous.toString(), key);
        }
        keysByDir.put(rel.toString(), key);
    }

    private void watchFailed(Path rel, IOException e) {
        log.warn("cannot watch {}/{}; changes inside are left to rescans", root, rel, e);
        debouncer.requestRescan("cannot watch /" + rel + ": " + e, System.nanoTime());
    }

    /** Cancels the watches of {@code rel} and every directory beneath it. */
    private void unwatchSubtree(Path rel) {
        String s = rel.toString();
        List<String> dirs = new ArrayList<>();
        if (keysByDir.containsKey(s)) {
            dirs.add(s);
        }
        // Every string starting with "s/" sorts in ["s/", "s0"): '0' follows '/'.
        dirs.addAll(keysByDir.subMap(s + "/", true, s + "0", false).keySet());
        for (String d : dirs) {
            WatchKey key = keysByDir.remove(d);
            dirsByKey.remove(key);
            key.cancel();
        }
    }

    // ---- helpers ----

    /** The folder path of {@code rel}, or null for the reserved directory and invalid names. */
    private static FolderPath toFolderPath(Path rel) {
        if (rel.getNameCount() == 0 || rel.toString().isEmpty()
                || FolderPath.isReservedName(rel.getName(0).toString())) {
            return null;
        }
        try {
            return FolderPath.ofLocal(rel);
        } catch (InvalidFolderPathException e) {
            log.debug("skipping a name that is not a valid folder path: {}", rel, e);
            return null;
        }
    }

    private boolean rootIntact() {
        try {
            BasicFileAttributes attrs = Files.readAttributes(root, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return attrs.isDirectory() && Objects.equals(attrs.fileKey(), rootFileKey);
        } catch (IOException e) {
            return false;
        }
    }

    private void deliver(Runnable call) {
        outbox.add(call);
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (!outbox.isEmpty() && draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drainOutbox);
            } catch (RejectedExecutionException e) {
                draining.set(false);
                outbox.clear();
                log.warn("listener executor of {} rejected a delivery; the engine must rescan", root, e);
            }
        }
    }

    private void drainOutbox() {
        try {
            Runnable call;
            while (!closed.get() && (call = outbox.poll()) != null) {
                try {
                    call.run();
                } catch (RuntimeException e) {
                    log.warn("folder watcher listener failed for {}", root, e);
                }
            }
        } finally {
            draining.set(false);
        }
        if (!closed.get()) {
            scheduleDrain(); // a delivery may have arrived after the last poll
        }
    }

    /** Configures a {@link FolderWatcher}; {@link #start()} validates and starts it. */
    public static final class Builder {
        private final Path root;
        private final Executor executor;
        private final Listener listener;
        private Duration quietPeriod = Duration.ofMillis(DEFAULT_QUIET_MILLIS);
        private Duration maxDelay = Duration.ofMillis(DEFAULT_MAX_DELAY_MILLIS);
        private int maxBatchPaths = DEFAULT_MAX_BATCH_PATHS;
        private IgnoreRules ignoreRules = IgnoreRules.empty();
        private String threadName;

        private Builder(Path root, Executor executor, Listener listener) {
            this.root = Objects.requireNonNull(root, "root");
            this.executor = Objects.requireNonNull(executor, "executor");
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        /** How long changes must pause before a batch is delivered; default 150 ms. */
        public Builder quietPeriod(Duration quietPeriod) {
            this.quietPeriod = Objects.requireNonNull(quietPeriod, "quietPeriod");
            return this;
        }

        /** The longest a change waits for its batch, however busy the folder; default 1 s. */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
            return this;
        }

        /** Paths above which a batch becomes a rescan signal; default 10,000. */
        public Builder maxBatchPaths(int maxBatchPaths) {
            this.maxBatchPaths = maxBatchPaths;
            return this;
        }

        /** The ignore rules at start; default none. */
        public Builder ignoreRules(IgnoreRules ignoreRules) {
            this.ignoreRules = Objects.requireNonNull(ignoreRules, "ignoreRules");
            return this;
        }

        /** The watch thread's name; default {@code cloudless-watcher-<folder name>}. */
        public Builder threadName(String threadName) {
            this.threadName = Objects.requireNonNull(threadName, "threadName");
            return this;
        }

        /**
         * Watches the root and every directory beneath it, then starts the watch thread.
         *
         * @throws IllegalArgumentException naming the option that is out of range
         * @throws IOException if the root is not a directory or cannot be watched
         */
        public FolderWatcher start() throws IOException {
            if (quietPeriod.isNegative() || quietPeriod.isZero()) {
                throw new IllegalArgumentException("quietPeriod must be positive: " + quietPeriod);
            }
            if (maxDelay.compareTo(quietPeriod) < 0) {
                throw new IllegalArgumentException("maxDelay " + maxDelay + " is shorter than quietPeriod " + quietPeriod);
            }
            if (maxBatchPaths <= 0) {
                throw new IllegalArgumentException("maxBatchPaths must be positive: " + maxBatchPaths);
            }
            return new FolderWatcher(this).startThread();
        }
    }
}
