package dev.cloudless.sync;

/** What a folder is doing. */
public enum FolderState {
    /** Comparing the disk with the index. */
    SCANNING,
    /** Fetching or applying changes from peers. */
    SYNCING,
    /** In sync with every connected peer, as far as it knows. */
    IDLE,
    /** Paused by the application. */
    PAUSED,
    /** A scan would delete more than the configured share; waiting for {@link Folder#confirmDeletions()}. */
    WAITING_FOR_CONFIRMATION,
    /** Stopped by an error, such as a missing folder root or marker; see {@link FolderStatus#error()}. */
    ERROR
}
