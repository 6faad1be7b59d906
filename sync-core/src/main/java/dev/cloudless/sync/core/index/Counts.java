package dev.cloudless.sync.core.index;

/**
 * Summary of one folder's index. "Files" counts live entries of every type (files, directories,
 * symlinks); "bytes" sums their sizes.
 *
 * @param localFiles live local entries
 * @param localBytes their bytes
 * @param globalFiles live entries of the global state (the winning record of each path)
 * @param globalBytes their bytes
 * @param neededFiles entries of {@link FolderIndex#needed()} (updates, deletes, conflicts)
 * @param neededBytes bytes of the needed updates and conflicts (deletes need none)
 */
public record Counts(long localFiles, long localBytes, long globalFiles, long globalBytes,
                     long neededFiles, long neededBytes) {
}
