package dev.cloudless.sync.core.scan;

import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.index.ScanEntry;
import dev.cloudless.sync.core.path.FolderPath;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one scan found. Apply it with {@link FolderScanner#commit} (or
 * {@code index.applyLocal(changes())} then {@code index.putScanned} for each of
 * {@link #cacheUpdates()}, in that order).
 *
 * @param changes new, modified and deleted (tombstone) records, ready for
 *     {@code FolderIndex.applyLocal} and signed when the scanner has a signer: live records in
 *     path order (parents first), then tombstones in reverse path order (children first)
 * @param unstable files that changed while being hashed; nothing is emitted for them: scan them
 *     again later
 * @param problems entries not synced (invalid or colliding names, special files, escaping
 *     symlinks) or not readable
 * @param filesSeen synced entries (files, directories, symlinks) looked at
 * @param bytesHashed bytes read and hashed (0 when every file hit the scan cache)
 * @param deletions the number of tombstones in {@code changes}
 * @param liveFilesBefore live local records (all types, whole folder) before this scan, to
 *     compare {@code deletions} with (mass-delete guard)
 * @param cacheUpdates scan-cache entries for the files in {@code changes}, to store only after
 *     the records: a cache entry written first would, after a crash, hide the change forever
 */
public record ScanResult(List<FileRecord> changes, List<FolderPath> unstable, List<ScanProblem> problems,
                         int filesSeen, long bytesHashed, int deletions, long liveFilesBefore,
                         Map<FolderPath, ScanEntry> cacheUpdates) {
    public ScanResult {
        changes = List.copyOf(changes);
        unstable = List.copyOf(unstable);
        problems = List.copyOf(problems);
        cacheUpdates = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(cacheUpdates, "cacheUpdates")));
    }

    /** A result without scan-cache updates. */
    public ScanResult(List<FileRecord> changes, List<FolderPath> unstable, List<ScanProblem> problems,
                      int filesSeen, long bytesHashed, int deletions, long liveFilesBefore) {
        this(changes, unstable, problems, filesSeen, bytesHashed, deletions, liveFilesBefore, Map.of());
    }
}
