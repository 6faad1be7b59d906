package dev.cloudless.sync.bench.e2e;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Decides whether a folder is byte-identical to an {@link ExpectedTree}, cheaply enough to poll:
 * names and sizes come from one walk, and a file is hashed again only when its size, mtime,
 * ctime or inode changed since it was last hashed. A file whose stamp changes while it is being
 * hashed does not count as matching in that round.
 */
final class TreeMatcher {
    private record Cached(TreeWalk.Stamp stamp, ExpectedTree.Entry entry) {}

    private final Path root;
    private final Map<String, Cached> cache = new HashMap<>();

    TreeMatcher(Path root) {
        this.root = root;
    }

    /** Empty if the folder holds exactly the expected files; otherwise the first difference found. */
    Optional<String> difference(ExpectedTree expected) throws IOException {
        Map<String, TreeWalk.Stamp> stamps = new HashMap<>();
        Map<String, Path> paths = new HashMap<>();
        TreeWalk.walk(root, (rel, file, stamp) -> {
            stamps.put(rel, stamp);
            paths.put(rel, file);
        });
        cache.keySet().retainAll(stamps.keySet());
        Map<String, ExpectedTree.Entry> want = expected.files();
        for (String rel : stamps.keySet()) {
            if (!want.containsKey(rel)) {
                return Optional.of("unexpected file " + rel);
            }
        }
        for (Map.Entry<String, ExpectedTree.Entry> w : want.entrySet()) {
            TreeWalk.Stamp stamp = stamps.get(w.getKey());
            if (stamp == null) {
                return Optional.of("missing " + w.getKey());
            }
            if (stamp.size() != w.getValue().size()) {
                return Optional.of(w.getKey() + " has " + stamp.size() + " bytes, expected " + w.getValue().size());
            }
        }
        for (Map.Entry<String, ExpectedTree.Entry> w : want.entrySet()) {
            String rel = w.getKey();
            TreeWalk.Stamp stamp = stamps.get(rel);
            Cached cached = cache.get(rel);
            if (cached == null || !cached.stamp.equals(stamp)) {
                ExpectedTree.Entry actual;
                try {
                    actual = ExpectedTree.hash(paths.get(rel));
                    if (!TreeWalk.stamp(paths.get(rel)).equals(stamp)) {
                        return Optional.of(rel + " changed while it was read");
                    }
                } catch (NoSuchFileException gone) {
                    return Optional.of(rel + " vanished while it was read");
                }
                cached = new Cached(stamp, actual);
                cache.put(rel, cached);
            }
            if (!cached.entry.sameContent(w.getValue())) {
                return Optional.of(rel + " differs in content");
            }
        }
        return Optional.empty();
    }

    /**
     * Polls every {@code period} until the folder matches and returns the {@link System#nanoTime}
     * at which the matching poll began: the folder was already identical then, since no file
     * changed between that walk and the end of its hashing.
     */
    long awaitIdentical(ExpectedTree expected, Duration period, long deadlineNanos)
            throws IOException, InterruptedException, TimeoutException {
        String last = "never looked";
        while (true) {
            long pollStart = System.nanoTime();
            Optional<String> diff = difference(expected);
            if (diff.isEmpty()) {
                return pollStart;
            }
            last = diff.get();
            if (System.nanoTime() > deadlineNanos) {
                throw new TimeoutException(root + " not identical at the deadline: " + last);
            }
            Thread.sleep(period.toMillis());
        }
    }
}
