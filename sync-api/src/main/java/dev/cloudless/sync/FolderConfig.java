package dev.cloudless.sync;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How one folder is shared: where it lives, its key, the peers to dial and the safety settings.
 * Immutable; build with {@link #builder(Path, SyncKey)} and derive variants with
 * {@link #toBuilder()}.
 *
 * <pre>{@code
 * FolderConfig photos = FolderConfig.builder(Path.of("Photos"), SyncKey.parse(text))
 *         .peer(new InetSocketAddress("192.168.1.20", 41000))
 *         .rescanInterval(Duration.ofMinutes(5))
 *         .build();
 * }</pre>
 *
 * @param path the folder on disk; created when missing on first start
 * @param key the folder's key; its level decides what this node may do (read-write or read-only;
 *     the encrypted level is not supported yet)
 * @param peers addresses dialled and re-dialled with back-off (known hosts)
 * @param rescanInterval full rescan period, the safety net behind the file-system watcher
 * @param watch whether to watch the folder for changes (else only periodic rescans)
 * @param maxDeleteShare a scan deleting more than this share of the folder's files pauses for
 *     confirmation ({@link Folder#confirmDeletions()}); 1.0 turns the guard off
 * @param archiveRetention how long replaced and deleted files stay in {@code .sync/Archive/}
 * @param discovery which ways of finding peers this folder uses besides {@code peers}
 */
public record FolderConfig(Path path, SyncKey key, List<InetSocketAddress> peers, Duration rescanInterval,
                           boolean watch, double maxDeleteShare, Duration archiveRetention,
                           DiscoverySettings discovery) {
    /** BitTorrent Sync's default rescan period. */
    public static final Duration DEFAULT_RESCAN_INTERVAL = Duration.ofSeconds(60);
    /** Default share of the folder a scan may delete before asking for confirmation. */
    public static final double DEFAULT_MAX_DELETE_SHARE = 0.5;
    /** Default retention of archived versions. */
    public static final Duration DEFAULT_ARCHIVE_RETENTION = Duration.ofDays(30);

    /** Validates every field; messages name the culprit. */
    public FolderConfig {
        Objects.requireNonNull(path, "FolderConfig.path");
        Objects.requireNonNull(key, "FolderConfig.key");
        peers = List.copyOf(Objects.requireNonNull(peers, "FolderConfig.peers"));
        Objects.requireNonNull(rescanInterval, "FolderConfig.rescanInterval");
        Objects.requireNonNull(archiveRetention, "FolderConfig.archiveRetention");
        Objects.requireNonNull(discovery, "FolderConfig.discovery");
        if (key.level() == AccessLevel.ENCRYPTED) {
            throw new IllegalArgumentException("FolderConfig.key: the encrypted (store-only) access level is not"
                    + " supported by this version; use a read-write or read-only key");
        }
        if (rescanInterval.isNegative() || rescanInterval.isZero()) {
            throw new IllegalArgumentException("FolderConfig.rescanInterval must be positive: " + rescanInterval);
        }
        if (!(maxDeleteShare > 0 && maxDeleteShare <= 1)) {
            throw new IllegalArgumentException("FolderConfig.maxDeleteShare must be in (0, 1]: " + maxDeleteShare);
        }
        if (archiveRetention.isNegative()) {
            throw new IllegalArgumentException("FolderConfig.archiveRetention must not be negative: " + archiveRetention);
        }
    }

    /**
     * A builder with the defaults: no peers, watcher on, 60 s rescans, 50 % guard, 30 days of
     * archive, {@link DiscoverySettings#DEFAULT} discovery.
     */
    public static Builder builder(Path path, SyncKey key) {
        return new Builder(path, key);
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder(path, key);
        b.peers.addAll(peers);
        b.rescanInterval = rescanInterval;
        b.watch = watch;
        b.maxDeleteShare = maxDeleteShare;
        b.archiveRetention = archiveRetention;
        b.discovery = discovery;
        return b;
    }

    /** Builds a {@link FolderConfig}; not thread-safe. */
    public static final class Builder {
        private final Path path;
        private final SyncKey key;
        private final List<InetSocketAddress> peers = new ArrayList<>();
        private Duration rescanInterval = DEFAULT_RESCAN_INTERVAL;
        private boolean watch = true;
        private double maxDeleteShare = DEFAULT_MAX_DELETE_SHARE;
        private Duration archiveRetention = DEFAULT_ARCHIVE_RETENTION;
        private DiscoverySettings discovery = DiscoverySettings.DEFAULT;

        private Builder(Path path, SyncKey key) {
            this.path = Objects.requireNonNull(path, "path");
            this.key = Objects.requireNonNull(key, "key");
        }

        /** Adds a peer address to dial; repeatable. */
        public Builder peer(InetSocketAddress address) {
            peers.add(Objects.requireNonNull(address, "peer"));
            return this;
        }

        /** Full rescan period (default 60 s). */
        public Builder rescanInterval(Duration interval) {
            this.rescanInterval = interval;
            return this;
        }

        /** Whether to watch the file system for changes (default true). */
        public Builder watch(boolean watch) {
            this.watch = watch;
            return this;
        }

        /** Share of the folder's files a scan may delete without confirmation (default 0.5). */
        public Builder maxDeleteShare(double share) {
            this.maxDeleteShare = share;
            return this;
        }

        /** Retention of archived versions (default 30 days). */
        public Builder archiveRetention(Duration retention) {
            this.archiveRetention = retention;
            return this;
        }

        /** Which ways of finding peers the folder uses (default {@link DiscoverySettings#DEFAULT}). */
        public Builder discovery(DiscoverySettings settings) {
            this.discovery = settings;
            return this;
        }

        /** The configuration; throws {@link IllegalArgumentException} naming an invalid field. */
        public FolderConfig build() {
            return new FolderConfig(path, key, peers, rescanInterval, watch, maxDeleteShare, archiveRetention,
                    discovery);
        }
    }
}
