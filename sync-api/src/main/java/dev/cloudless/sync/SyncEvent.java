package dev.cloudless.sync;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened in a node, delivered through {@link SyncNode#subscribe}.
 *
 * <p>Events come in pairs where something takes time: every {@link TransferStarted} is followed
 * by exactly one {@link TransferFinished} or {@link TransferFailed} for the same folder and path,
 * with any number of {@link TransferProgress} between; every {@link PeerConnected} by one
 * {@link PeerDisconnected}. {@code folderId} is the folder's discovery id in hex
 * ({@link SyncKey#discoveryIdHex()}), or empty for node-wide events.
 *
 * <pre>{@code
 * node.subscribe(event -> {
 *     switch (event) {  // Java 21 pattern matching; on 17 use instanceof
 *         case SyncEvent.FileChanged c -> System.out.println(c.kind() + " " + c.path());
 *         case SyncEvent.PeerRejected r -> System.err.println("rejected " + r.address() + ": " + r.reason());
 *         default -> { }
 *     }
 * });
 * }</pre>
 */
public sealed interface SyncEvent {
    /** When the event happened. */
    Instant time();

    /** The folder's discovery id in hex, or "" for a node-wide event. */
    String folderId();

    /** Whether a change was made here or arrived from a peer. */
    enum Origin {
        /** Found by a scan of this device's folder. */
        LOCAL,
        /** Fetched from a peer and applied to this device's folder. */
        REMOTE
    }

    /** What happened to a path. */
    enum ChangeKind {
        /** A new entry. */
        ADDED,
        /** New content, metadata or type. */
        MODIFIED,
        /** The entry was deleted (and archived when it was applied from a peer). */
        DELETED
    }

    /**
     * A file, directory or link was added, changed or deleted.
     *
     * @param path path relative to the folder root
     */
    record FileChanged(Instant time, String folderId, String path, ChangeKind kind, Origin origin) implements SyncEvent {
        /** Checks for nulls. */
        public FileChanged {
            Objects.requireNonNull(time);
            Objects.requireNonNull(folderId);
            Objects.requireNonNull(path);
            Objects.requireNonNull(kind);
            Objects.requireNonNull(origin);
        }
    }

    /**
     * Concurrent changes to {@code path}; the losing version was kept as {@code conflictCopy}.
     */
    record FileConflicted(Instant time, String folderId, String path, String conflictCopy) implements SyncEvent {
        /** Checks for nulls. */
        public FileConflicted {
            Objects.requireNonNull(time);
            Objects.requireNonNull(folderId);
            Objects.requireNonNull(path);
            Objects.requireNonNull(conflictCopy);
        }
    }

    /** Fetching {@code path} ({@code bytes} of content) began. */
    record TransferStarted(Instant time, String folderId, String path, long bytes) implements SyncEvent {
        /** Checks for nulls. */
        public TransferStarted {
            Objects.requireNonNull(time);
            Objects.requireNonNull(folderId);
            Objects.requireNonNull(path);
        }
    }

    /** Progress of a transfer; emitted at most a few times per second per path. */
    record TransferProgress(Instant time, String folderId, String path, long done, long total) implements SyncEvent {
        /** Checks for nulls. */
        public TransferProgress {
            Objects.requireNonNull(time);
            Objects.requireNonNull(folderId);
            Objects.requireNonNull(path);
        }
    }

    /** The transfer of {@code path} completed and the file is in place. */
    record TransferFinished(Instant time, String folderId, String path, long bytes) implements SyncEvent {
        /** Checks for nulls. */
        public TransferFinished {
            Objects.requireNonNull(time);
            Objects.requireNonNull(folderId);
            Objects.requireNonNull(path);
        }
    }

    /** The transfer of {@code path} stopped; it is retried later when the reason allows. */
    record TransferFailed(Instant time, String folderId, String path, String reason) implements SyncEvent {
        /** Checks for nulls. */
        public TransferFailed {
            Objects.requireNonNull(time);
            Objects.requireNonNull(folderId);
            Objects.requireNonNull(path);
            Objects.requireNonNull(reason);
        }
    }

    /** A session with a peer for a folder was established and authenticated. */
    record PeerConnected(Instant time, String folderId, DeviceId deviceId, String name, InetSocketAddress address,
                         String transport) implements SyncEvent {
        /** Checks for nulls. */
        public PeerConnected {
            Objects.requireNonNull(time);
            Objects.requireNonNull(folderId);
            Objects.requireNonNull(deviceId);
            Objects.requireNonNull(name);
            Objects.requireNonNull(address);
            Objects.requireNonNull(transport);
        }
    }

    /** A session that was announced by {@link PeerConnected} ended. */
    record PeerDisconnected(Instant time, String folderId, DeviceId deviceId, String reason) implements SyncEvent {
        /** Checks for nulls. */
        public PeerDisconnected {
            Objects.requireNonNull(time);
            Objects.requireNonNull(folderId);
            Objects.requireNonNull(deviceId);
            Objects.requireNonNull(reason);
        }
    }

    /**
     * A connection was refused or dropped for misbehaving: a failed handshake, a forged record,
     * a hostile path, a bad block, a protocol violation. {@code deviceId} is null when the peer
     * never proved one.
     */
    record PeerRejected(Instant time, String folderId, InetSocketAddress address, DeviceId deviceId, String reason)
            implements SyncEvent {
        /** Checks for nulls (except {@code deviceId}). */
        public PeerRejected {
            Objects.requireNonNull(time);
            Objects.requireNonNull(folderId);
            Objects.requireNonNull(address);
            Objects.requireNonNull(reason);
        }
    }

    /** A folder changed state. */
    record FolderStateChanged(Instant time, String folderId, FolderState from, FolderState to) implements SyncEvent {
        /** Checks for nulls. */
        public FolderStateChanged {
            Objects.requireNonNull(time);
            Objects.requireNonNull(folderId);
            Objects.requireNonNull(from);
            Objects.requireNonNull(to);
        }
    }

    /**
     * A scan found {@code deletions} of {@code files} entries gone, more than the folder's
     * configured share; nothing is sent until {@link Folder#confirmDeletions()}.
     */
    record DeletionsPending(Instant time, String folderId, long deletions, long files) implements SyncEvent {
        /** Checks for nulls. */
        public DeletionsPending {
            Objects.requireNonNull(time);
            Objects.requireNonNull(folderId);
        }
    }

    /** Something went wrong that the application should hear about; the node carries on. */
    record SyncError(Instant time, String folderId, String path, String message) implements SyncEvent {
        /** Checks for nulls ({@code path} may be ""). */
        public SyncError {
            Objects.requireNonNull(time);
            Objects.requireNonNull(folderId);
            Objects.requireNonNull(path);
            Objects.requireNonNull(message);
        }
    }
}
