package dev.cloudless.sync.discovery.tracker;

import java.io.IOException;

/** A tracker could not be reached, refused the announce, or answered something malformed. */
final class TrackerException extends IOException {
    private static final long serialVersionUID = 1L;

    TrackerException(String message) {
        super(message);
    }

    TrackerException(String message, Throwable cause) {
        super(message, cause);
    }
}
