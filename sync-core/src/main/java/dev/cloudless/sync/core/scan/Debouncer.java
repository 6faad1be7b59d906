package dev.cloudless.sync.core.scan;

import dev.cloudless.sync.core.path.FolderPath;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Collects changed paths until the changes pause for a quiet period or the oldest pending change
 * reaches the maximum delay. Pure logic on caller-supplied {@code System.nanoTime()}-style
 * instants, so tests drive time directly. Not thread-safe: {@link FolderWatcher} confines it to
 * its lock.
 */
final class Debouncer {

    /** What is due: the changed paths, or a full rescan that supersedes them. */
    record Batch(SortedSet<FolderPath> paths, String rescanReason) {
        boolean isRescan() {
            return rescanReason != null;
        }
    }

    private final long quietNanos;
    private final long maxDelayNanos;
    private final int maxPaths;

    private TreeSet<FolderPath> paths = new TreeSet<>();
    private String rescanReason;
    private boolean pending;
    private long firstAt;
    private long lastAt;

    Debouncer(long quietNanos, long maxDelayNanos, int maxPaths) {
        if (quietNanos <= 0 || maxDelayNanos < quietNanos || maxPaths <= 0) {
            throw new IllegalArgumentException("quiet=" + quietNanos + "ns maxDelay=" + maxDelayNanos
                    + "ns maxPaths=" + maxPaths);
        }
        this.quietNanos = quietNanos;
        this.maxDelayNanos = maxDelayNanos;
        this.maxPaths = maxPaths;
    }

    void add(FolderPath path, long now) {
        touch(now);
        if (rescanReason != null) {
            return; // a full rescan covers it
        }
        paths.add(path);
        if (paths.size() > maxPaths) {
            // Past this size a list of paths costs the scanner more than walking the folder.
            requestRescan("more than " + maxPaths + " changed paths in one batch", now);
        }
    }

    void requestRescan(String reason, long now) {
        touch(now);
        if (rescanReason == null) {
            rescanReason = reason;
            paths = new TreeSet<>();
        }
    }

    private void touch(long now) {
        if (!pending) {
            pending = true;
            firstAt = now;
        }
        lastAt = now;
    }

    boolean isEmpty() {
        return !pending;
    }

    /** Nanoseconds until a batch is due; zero or less if due now, {@link Long#MAX_VALUE} if empty. */
    long nanosUntilDue(long now) {
        if (!pending) {
            return Long.MAX_VALUE;
        }
        // Differences, not comparisons of instants: nanoTime may wrap.
        long quietLeft = quietNanos - (now - lastAt);
        long maxLeft = maxDelayNanos - (now - firstAt);
        return Math.min(quietLeft, maxLeft);
    }

    boolean isDue(long now) {
        return pending && nanosUntilDue(now) <= 0;
    }

    /** Takes what is pending and starts empty; call when {@link #isDue} (or to flush early). */
    Batch drain() {
        Batch batch = new Batch(Collections.unmodifiableSortedSet(paths), rescanReason);
        clear();
        return batch;
    }

    void clear() {
        paths = new TreeSet<>();
        rescanReason = null;
        pending = false;
    }
}
