package dev.cloudless.sync.core.scan;

/**
 * The folder's root directory or its {@link FolderMarker} is missing, e.g. because the drive
 * holding it is not mounted. The scan reports nothing rather than deleting every file: the
 * folder should be paused until the root is back.
 */
public final class FolderMissingException extends Exception {
    private static final long serialVersionUID = 1L;

    public FolderMissingException(String message) {
        super(message);
    }
}
