package dev.cloudless.sync.core.scan;

import java.util.Objects;

/**
 * An entry the scanner saw but did not sync, or could not read, and why.
 *
 * @param path the entry's path relative to the folder root, {@code /}-separated; not always a
 *     valid {@link dev.cloudless.sync.core.path.FolderPath} (an invalid name is the problem)
 * @param message what is wrong, for the user
 */
public record ScanProblem(String path, String message) {
    public ScanProblem {
        Objects.requireNonNull(path, "ScanProblem.path");
        Objects.requireNonNull(message, "ScanProblem.message");
    }
}
