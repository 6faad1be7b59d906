package dev.cloudless.sync.core.node;

import dev.cloudless.sync.AccessLevel;
import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.DiscoveredPeer;
import dev.cloudless.sync.FileInfo;
import dev.cloudless.sync.Folder;
import dev.cloudless.sync.FolderConfig;
import dev.cloudless.sync.FolderState;
import dev.cloudless.sync.FolderStatus;
import dev.cloudless.sync.PeerInfo;
import dev.cloudless.sync.SyncEvent;
import dev.cloudless.sync.core.block.ChunkerParams;
import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.crypto.Digests;
import dev.cloudless.sync.core.ignore.IgnoreRules;
import dev.cloudless.sync.core.index.Counts;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.index.FolderIndex;
import dev.cloudless.sync.core.index.Need;
import dev.cloudless.sync.core.index.PathEntry;
import dev.cloudless.sync.core.index.ScanEntry;
import dev.cloudless.sync.core.index.SequencedRecord;
import dev.cloudless.sync.core.keys.FolderSecrets;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.path.InvalidFolderPathException;
import dev.cloudless.sync.core.protocol.BlockRequest;
import dev.cloudless.sync.core.protocol.BlockResponse;
import dev.cloudless.sync.core.protocol.Hello;
import dev.cloudless.sync.core.protocol.IndexBatcher;
import dev.cloudless.sync.core.protocol.IndexDelta;
import dev.cloudless.sync.core.protocol.IndexResend;
import dev.cloudless.sync.core.protocol.IndexUpdate;
import dev.cloudless.sync.core.protocol.MessageEncoder;
import dev.cloudless.sync.core.protocol.PeerExchange;
import dev.cloudless.sync.core.protocol.ProtocolException;
import dev.cloudless.sync.core.protocol.RecordDelta;
import dev.cloudless.sync.core.scan.FolderMarker;
import dev.cloudless.sync.core.scan.FolderMissingException;
import dev.cloudless.sync.core.scan.FolderScanner;
import dev.cloudless.sync.core.scan.FolderWatcher;
import dev.cloudless.sync.core.scan.ScanProgress;
import dev.cloudless.sync.core.scan.ScanResult;
import dev.cloudless.sync.core.scan.ScanSettings;
import dev.cloudless.sync.core.session.FolderSecret;
import dev.cloudless.sync.core.transfer.Archive;
import dev.cloudless.sync.core.transfer.BlockScheduler;
import dev.cloudless.sync.core.transfer.Puller;
import dev.cloudless.sync.core.transfer.TransferListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shared folder inside a node: owns its index, scanner, watcher, puller and sessions.
 *
 * <p>Threading: every state change runs on the folder's {@link SerialExecutor}, so fields below
 * marked "serial" need no locks; scans and index work run there too (on the node's bounded
 * pool), block serving runs on the pool directly, network callbacks only enqueue.
 */
final class FolderRunner implements Folder {
    /**
     * Files pulled at once; each has several blocks in flight. Small files spend most of their
     * time waiting for shared fsyncs and group commits, which batch better the more files wait:
     * 32 at once pulled 10,000 small files at a third of the rate of 128.
     */
    static final int MAX_CONCURRENT_PULLS = 128;
    /** The mass-delete guard ignores scans that delete fewer entries than this. */
    static final int MIN_GUARDED_DELETIONS = 10;
    /** Target size of one index message. */
    static final int INDEX_BATCH_BYTES = 512 << 10;
    /**
     * Index announcements after finished pulls are at most this often: one per file made B send
     * 10,000 tiny index messages (and query its index as often) for 10,000 files.
     */
    static final long PULL_ANNOUNCE_INTERVAL_NANOS = 200_000_000L;
    /** Records read from the index per page when sending it. */
    static final int INDEX_PAGE = 4096;
    /** Index resend requests a peer may make per {@link #RESEND_WINDOW_NANOS}; more is abuse (each costs a resend). */
    static final int MAX_RESENDS_PER_WINDOW = 8;
    static final long RESEND_WINDOW_NANOS = 60_000_000_000L;
    static final int PROTOCOL_VERSION = dev.cloudless.sync.core.protocol.Messages.PROTOCOL_VERSION;
    private static final Logger LOG = LoggerFactory.getLogger(FolderRunner.class);
    private static final String META_INDEX_ID = "index-id";
    private static final String META_PEER_INDEX_ID = "peer-index-id:";
    private static final Duration RETRY_MIN = Duration.ofSeconds(2);
    private static final Duration RETRY_MAX = Duration.ofMinutes(2);

    private final EngineNode node;
    private final FolderConfig config;
    private final FolderSecrets secrets;
    private final String id;
    private final byte[] folderId;
    private final Path root;
    private final FolderIndex index;
    private final SerialExecutor serial;
    private final FolderSecret<FolderRunner> handshakeSecret;
    private final Clock clock = Clock.systemUTC();
    private final Map<DeviceId, PeerSession> sessions = new ConcurrentHashMap<>();
    private final Dialer dialer;
    private final PeerExchanger pex;
    private final long indexId;
    private final Archive archive;
    private final BlockScheduler blocks;
    private final FolderScanner scanner;
    private final Puller puller;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private FolderWatcher watcher;

    private volatile FolderState state = FolderState.IDLE;
    private volatile String error;
    private volatile Instant lastScan;
    private volatile boolean paused;
    private volatile boolean stopped;

    // serial
    private boolean fullScanPending;
    private final SortedSet<FolderPath> scanPaths = new TreeSet<>();
    private boolean scanQueued;
    private boolean scanning;
    /** A scan's changes were held back by the mass-delete guard. */
    private boolean changesHeld;
    private boolean deletionsConfirmed;
    private boolean pullQueued;
    /**
     * Updates of the last {@link FolderIndex#needed()} snapshot not started yet, in path order,
     * and its deletions, shallowest first (taken from the end). Re-querying after every finished
     * file decoded the whole index per file: 10,000 files cost minutes.
     */
    private final ArrayDeque<Need> pendingUpdates = new ArrayDeque<>();
    /** Live directories to create, apart: each pull round looks at all of them, never at all files. */
    private final ArrayDeque<Need> pendingDirs = new ArrayDeque<>();
    private final ArrayDeque<Need> pendingDeletes = new ArrayDeque<>();
    /** The index changed since the snapshot (remote index, scan, retry due, peer joined): query again. */
    private boolean needsStale = true;
    /** A pull finished since the snapshot: its outcome may uncover more (e.g. a directory now empty). */
    private boolean pulledSinceSnapshot;
    private boolean broadcastScheduled;
    private long lastBroadcastNanos;
    private final Set<FolderPath> inFlight = new HashSet<>();
    /**
     * Paths the watcher reported while they were being pulled (serial): scanned once the pull has
     * recorded them. The watcher sees a pulled file land before the puller records it, and that
     * scan found no scan-cache entry and hashed the file again (2 s of CPU for 1 GiB).
     */
    private final Set<FolderPath> scanAfterPull = new HashSet<>();
    private final Map<FolderPath, Retry> retries = new HashMap<>();
    private final Map<FolderPath, Long> lastProgress = new ConcurrentHashMap<>();

    private record Retry(long notBeforeNanos, int failures) {}

    FolderRunner(EngineNode node, FolderConfig config) {
        this.node = node;
        this.config = config;
        this.secrets = FolderSecrets.of(config.key());
        this.id = config.key().discoveryIdHex();
        this.folderId = secrets.discoveryId();
        this.root = config.path().toAbsolutePath().normalize();
        this.index = node.store().folder(folderId);
        this.serial = new SerialExecutor(node.io());
        this.handshakeSecret = new FolderSecret<>(this, secrets.handshakeSecret());
        this.dialer = new Dialer(node, this);
        this.pex = new PeerExchanger(node, this, folderId);
        this.indexId = loadIndexId();
        this.archive = new Archive(root, clock);
        this.blocks = new BlockScheduler(BLOCKS_IN_FLIGHT_PER_PEER, (peer, path, block) -> {
            PeerSession s = sessions.get(peer);
            if (s != null) {
                s.reject("block " + block.offset() + "+" + block.length() + " of " + path + " does not match its hash");
            }
        }, node.io());
        long me = node.deviceId().shortId();
        this.scanner = new FolderScanner(root, index, new ScanSettings(folderId, me, secrets.signingKey(),
                ChunkerParams.DEFAULT, this::ignoreRules, clock));
        this.puller = new Puller(root, index, blocks, archive,
                new Puller.PullSettings(me, node.deviceId().toString(), secrets.signingKey(), clock),
                new Events(), node.io(), node.durable());
    }

    /**
     * Blocks requested from one peer at once: enough to cover the bandwidth-delay product of a
     * LAN with thread hops on both ends (32 left a 1 GiB transfer at about 40 MB/s). Kept below
     * {@link PeerSession#MAX_SERVING} with room to spare: the server frees a slot only after its
     * answer left, so a request sent right after an answer arrived can find all slots still
     * taken, be answered BUSY, and cost the file a 2 s retry.
     */
    static final int BLOCKS_IN_FLIGHT_PER_PEER = PeerSession.MAX_SERVING * 3 / 4;

    private long loadIndexId() {
        Optional<byte[]> stored = index.meta(META_INDEX_ID);
        if (stored.isPresent() && stored.get().length == 8) {
            return ByteBuffer.wrap(stored.get()).getLong();
        }
        long fresh;
        do {
            fresh = new SecureRandom().nextLong();
        } while (fresh == 0);
        index.putMeta(META_INDEX_ID, ByteBuffer.allocate(8).putLong(fresh).array());
        return fresh;
    }

    private IgnoreRules ignoreRules() {
        Path file = root.resolve(IgnoreRules.FILE_NAME);
        try {
            return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? IgnoreRules.load(file) : IgnoreRules.empty();
        } catch (IOException | RuntimeException e) {
            node.publish(new SyncEvent.SyncError(Instant.now(), id, IgnoreRules.FILE_NAME,
                    "cannot read ignore file: " + e.getMessage()));
            return IgnoreRules.empty();
        }
    }

    // ---- lifecycle ----

    /** Creates a new folder's directory and marker at once (so it exists when addFolder returns), then starts. */
    void start() {
        if (prepare()) {
            serial.execute(this::startSerial);
        }
    }

    private boolean prepare() {
        boolean fresh = index.maxSequence() == 0 && index.meta("marker").isEmpty();
        try {
            if (fresh) {
                Files.createDirectories(root);
                FolderMarker.create(root, folderId);
                index.putMeta("marker", new byte[] {1});
            }
        } catch (IOException e) {
            fail("cannot create the folder: " + e.getMessage());
            return false;
        }
        if (!FolderMarker.check(root, folderId)) {
            fail(Files.isDirectory(root) ? "the folder marker .sync/" + FolderMarker.FILE_NAME + " is missing"
                    : "the folder " + root + " is missing (unmounted?)");
            return false;
        }
        return true;
    }

    private void startSerial() {
        if (config.watch()) {
            try {
                watcher = FolderWatcher.builder(root, serial, new FolderWatcher.Listener() {
                    @Override
                    public void onChanges(SortedSet<FolderPath> paths) {
                        requestScan(paths);
                    }

                    @Override
                    public void onRescanNeeded(String reason) {
                        requestScan(null);
                    }

                    @Override
                    public void onRootMissing() {
                        fail("the folder " + root + " disappeared");
                    }
                }).ignoreRules(ignoreRules()).threadName("watch-" + id.substring(0, 8)).start();
            } catch (IOException e) {
                node.publish(new SyncEvent.SyncError(Instant.now(), id, "", "cannot watch the folder, relying on"
                        + " rescans every " + config.rescanInterval().toSeconds() + " s: " + e.getMessage()));
            }
        }
        requestScan(null);
        long rescan = config.rescanInterval().toMillis();
        timers.add(node.timer().scheduleWithFixedDelay(() -> requestScan(null), rescan, rescan, TimeUnit.MILLISECONDS));
        timers.add(node.timer().scheduleWithFixedDelay(() -> serial.execute(this::housekeeping), 1, 360,
                TimeUnit.MINUTES));
        long refresh = PeerExchanger.REFRESH_INTERVAL.toMillis();
        timers.add(node.timer().scheduleWithFixedDelay(() -> serial.execute(pex::refresh), refresh, refresh,
                TimeUnit.MILLISECONDS));
        for (InetSocketAddress a : config.peers()) {
            dialer.add(a);
        }
    }

    /** Runs {@code task} on the folder's serial executor after {@code nanos}, unless the node is shutting down. */
    void later(Runnable task, long nanos) {
        try {
            node.timer().schedule(() -> serial.execute(task), nanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    private void housekeeping() {
        try {
            archive.purge(config.archiveRetention());
            puller.cleanTemp(Duration.ofDays(7));
        } catch (IOException e) {
            LOG.warn("{}: housekeeping failed", id, e);
        }
    }

    /** Stops timers, the watcher, the dialer and every session; the index stays. */
    void stop(String reason) {
        stopped = true;
        timers.forEach(t -> t.cancel(false));
        dialer.close();
        if (watcher != null) {
            watcher.close();
        }
        for (PeerSession s : sessions.values()) {
            s.close(reason);
        }
    }

    Dialer dialer() {
        return dialer;
    }

    List<PeerSession> sessionsSnapshot() {
        return new ArrayList<>(sessions.values());
    }

    /** Waits up to {@code nanos} for the folder's queued work to run. */
    void drain(long nanos) {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        serial.execute(done::countDown);
        try {
            done.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail(String message) {
        error = message;
        setState(FolderState.ERROR);
        node.publish(new SyncEvent.SyncError(Instant.now(), id, "", message));
    }

    // ---- scanning ----

    /** Queues a scan of {@code paths} (null: everything). */
    void requestScan(Collection<FolderPath> paths) {
        serial.execute(() -> {
            if (paths == null) {
                fullScanPending = true;
            } else {
                scanPaths.addAll(paths);
            }
            if (!scanQueued) {
                scanQueued = true;
                serial.execute(this::runScan);
            }
        });
    }

    private void runScan() {
        scanQueued = false;
        if (stopped || paused || state == FolderState.ERROR || state == FolderState.WAITING_FOR_CONFIRMATION) {
            return;
        }
        boolean full = fullScanPending;
        List<FolderPath> subset = full ? null : new ArrayList<>(scanPaths);
        if (subset != null) {
            subset.removeIf(p -> {
                if (!inFlight.contains(p)) {
                    return false;
                }
                scanAfterPull.add(p);
                return true;
            });
        }
        fullScanPending = false;
        scanPaths.clear();
        if (!full && subset.isEmpty()) {
            return;
        }
        if (subset != null && subset.stream().anyMatch(p -> p.toString().equals(IgnoreRules.FILE_NAME))
                && watcher != null) {
            watcher.setIgnoreRules(ignoreRules());
        }
        scanning = true;
        updateState();
        ScanResult result;
        try {
            result = scanner.scan(subset, ScanProgress.NONE, () -> stopped || paused);
        } catch (FolderMissingException e) {
            scanning = false;
            fail(e.getMessage());
            return;
        } catch (IOException | UncheckedIOException e) {
            scanning = false;
            node.publish(new SyncEvent.SyncError(Instant.now(), id, "", "scan failed: " + e.getMessage()));
            updateState();
            return;
        }
        scanning = false;
        lastScan = Instant.now();
        for (var p : result.problems()) {
            node.publish(new SyncEvent.SyncError(Instant.now(), id, p.path(), p.message()));
        }
        if (!result.unstable().isEmpty()) {
            List<FolderPath> again = List.copyOf(result.unstable());
            node.timer().schedule(() -> requestScan(again), 1, TimeUnit.SECONDS);
        }
        if (!deletionsConfirmed && result.deletions() >= MIN_GUARDED_DELETIONS
                && result.deletions() > config.maxDeleteShare() * result.liveFilesBefore()) {
            changesHeld = true;
            node.publish(new SyncEvent.DeletionsPending(Instant.now(), id, result.deletions(), result.liveFilesBefore()));
            setState(FolderState.WAITING_FOR_CONFIRMATION);
            return;
        }
        deletionsConfirmed = false;
        applyLocalChanges(result);
        updateState();
        // A scan that found nothing new (e.g. the watcher reporting files the puller just wrote)
        // changes no need; re-querying after each one decoded the whole index several times a second.
        if (!result.changes().isEmpty()) {
            schedulePull();
        }
    }

    private void applyLocalChanges(ScanResult result) {
        List<FileRecord> changes = result.changes();
        if (changes.isEmpty()) {
            scanner.commit(result); // still records the scan cache of verified-unchanged files
            return;
        }
        List<SyncEvent> events = new ArrayList<>(changes.size());
        Instant now = Instant.now();
        Set<FolderPath> present = index.presentLocally(changes.stream().map(FileRecord::path).toList());
        for (FileRecord r : changes) {
            SyncEvent.ChangeKind kind = r.deleted() ? SyncEvent.ChangeKind.DELETED
                    : present.contains(r.path()) ? SyncEvent.ChangeKind.MODIFIED : SyncEvent.ChangeKind.ADDED;
            events.add(new SyncEvent.FileChanged(now, id, r.path().toString(), kind, SyncEvent.Origin.LOCAL));
        }
        scanner.commit(result);
        events.forEach(node::publish);
        broadcastIndex();
    }

    // ---- sessions ----

    FolderSecret<FolderRunner> handshakeSecret() {
        return handshakeSecret;
    }

    /**
     * Admits an established session: one per device, the connection opened by the device with
     * the smaller id wins a simultaneous dial (both ends decide alike).
     */
    void attach(PeerSession s) {
        serial.execute(() -> {
            if (stopped) {
                s.close("folder removed");
                return;
            }
            DeviceId peer = s.device();
            PeerSession existing = sessions.get(peer);
            if (existing != null) {
                boolean keepNew = preferred(s, existing);
                PeerSession loser = keepNew ? existing : s;
                if (!keepNew) {
                    s.close("duplicate connection");
                    return;
                }
                sessions.put(peer, s);
                loser.close("duplicate connection");
            } else {
                sessions.put(peer, s);
            }
            blocks.addPeer(s);
            if (s.dialed() != null) {
                dialer.connected(s.dialed(), peer);
            }
            s.attached();
        });
    }

    private boolean preferred(PeerSession candidate, PeerSession existing) {
        DeviceId me = node.deviceId();
        DeviceId peer = candidate.device();
        boolean iShouldBeClient = me.compareTo(peer) < 0;
        boolean candidateRight = candidate.isClient() == iShouldBeClient;
        boolean existingRight = existing.isClient() == iShouldBeClient;
        return candidateRight && !existingRight;
    }

    void detach(PeerSession s, String reason) {
        serial.execute(() -> {
            DeviceId peer = s.channel() == null ? null : s.device();
            boolean wasAttached = peer != null && sessions.remove(peer, s);
            if (wasAttached) {
                blocks.removePeer(peer);
                updateState();
            }
            pex.detached(s); // also a session that lost to a duplicate
            if (s.announced) {
                node.publish(new SyncEvent.PeerDisconnected(Instant.now(), id, peer, reason));
            }
            if (s.dialed() != null) {
                dialer.disconnected(s.dialed());
            }
        });
    }

    boolean hasSession(DeviceId device) {
        return sessions.containsKey(device);
    }

    /** What we tell {@code s} first: who we are and which of its records we already hold. */
    Hello helloFor(PeerSession s) {
        DeviceId peer = s.device();
        long peerIndexId = index.meta(META_PEER_INDEX_ID + peer).map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
        long have = peerIndexId == 0 ? 0 : index.maxSequence(peer);
        return new Hello(PROTOCOL_VERSION, node.deviceName(), EngineNode.CLIENT_NAME, EngineNode.CLIENT_VERSION,
                secrets.level(), indexId, index.maxSequence(), peerIndexId, have);
    }

    void onHello(PeerSession s, Hello h) {
        serial.execute(() -> {
            if (h.protocolVersion() != PROTOCOL_VERSION) {
                s.reject("unsupported protocol version " + h.protocolVersion());
                return;
            }
            DeviceId peer = s.device();
            if (sessions.get(peer) != s) {
                return; // replaced by a duplicate or already closed
            }
            // Announced once the peer has said its name, so the event carries it.
            s.announced = true;
            PeerInfo info = s.info();
            node.publish(new SyncEvent.PeerConnected(Instant.now(), id, peer, info.name(), info.address(),
                    info.transport()));
            long known = index.meta(META_PEER_INDEX_ID + peer).map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
            if (known != h.indexId()) {
                // The peer's index is new to us or was reset: its old sequences mean nothing now.
                index.forgetDevice(peer);
                cachedCounts = null;
                index.putMeta(META_PEER_INDEX_ID + peer, ByteBuffer.allocate(8).putLong(h.indexId()).array());
            }
            // Send what the peer lacks: everything if it never saw this index, else the tail.
            s.sentUpTo = h.knownIndexId() == indexId ? Math.min(h.knownSequence(), index.maxSequence()) : 0;
            sendIndex(s, s.sentUpTo == 0);
            pex.helloReceived(s);
            schedulePull();
        });
    }

    void onIndexUpdate(PeerSession s, IndexUpdate u) {
        serial.execute(() -> {
            if (sessions.get(s.device()) != s) {
                return;
            }
            if (s.awaitingResend) {
                if (!u.resend()) {
                    return; // sent before the peer saw our IndexResend: the resend repeats it
                }
                s.awaitingResend = false;
            }
            accept(s, u.records());
        });
    }

    /**
     * Rebuilds each delta from the record it names, which we hold for the path under some device
     * (normally our own: the sender diffs against what we announced). A base we no longer hold
     * (we changed the file while the delta travelled) stops the update there: what came before is
     * applied and the peer is asked to send the rest whole.
     */
    void onIndexDelta(PeerSession s, IndexDelta d) {
        serial.execute(() -> {
            if (sessions.get(s.device()) != s || s.awaitingResend) {
                return;
            }
            List<SequencedRecord> rebuilt = new ArrayList<>(d.entries().size());
            for (RecordDelta e : d.entries()) {
                Optional<FileRecord> base = Optional.empty();
                for (FileRecord candidate : index.records(e.path())) {
                    if (RecordDelta.hashOf(candidate).equals(e.baseHash())) {
                        base = Optional.of(candidate);
                        break;
                    }
                }
                if (base.isEmpty()) {
                    if (!accept(s, rebuilt)) {
                        return;
                    }
                    s.awaitingResend = true;
                    s.send(new IndexResend(index.maxSequence(s.device())));
                    return;
                }
                try {
                    rebuilt.add(new SequencedRecord(e.sequence(), e.apply(base.get())));
                } catch (ProtocolException ex) {
                    s.reject("bad index delta for " + e.path() + ": " + ex.getMessage());
                    return;
                }
            }
            accept(s, rebuilt);
        });
    }

    /** A connected peer's peer-exchange list. */
    void onPeerExchange(PeerSession s, PeerExchange m) {
        serial.execute(() -> {
            if (sessions.get(s.device()) == s) {
                pex.received(s, m);
            }
        });
    }

    /** The peer met a delta it could not rebuild: send our index again from {@code r.after()}, whole. */
    void onIndexResend(PeerSession s, IndexResend r) {
        serial.execute(() -> {
            if (sessions.get(s.device()) != s) {
                return;
            }
            if (r.after() > s.sentUpTo) {
                s.reject("asked to resend from sequence " + r.after() + ", above the " + s.sentUpTo + " sent");
                return;
            }
            long now = System.nanoTime();
            if (now - s.resendWindowStart > RESEND_WINDOW_NANOS) {
                s.resendWindowStart = now;
                s.resendsInWindow = 0;
            }
            if (++s.resendsInWindow > MAX_RESENDS_PER_WINDOW) {
                s.reject("more than " + MAX_RESENDS_PER_WINDOW + " index resend requests in a minute");
                return;
            }
            s.sentUpTo = r.after();
            s.wholeUpTo = index.maxSequence();
            s.send(new IndexUpdate(false, true, List.of()));
            sendIndex(s, false);
        });
    }

    /**
     * Checks and stores records from {@code s}; false if the peer was rejected. A signed record
     * equal to our own (a peer announcing what it pulled from us) was verified or signed when we
     * stored it; the others are verified on every core, since a full index of 10,000 files is
     * 10,000 signatures.
     */
    private boolean accept(PeerSession s, List<SequencedRecord> records) {
        if (records.isEmpty()) {
            return true;
        }
        Map<FolderPath, FileRecord> locals = index.locals(records.stream().map(sr -> sr.record().path()).toList());
        List<FileRecord> toVerify = new ArrayList<>(records.size());
        for (SequencedRecord sr : records) {
            FileRecord r = sr.record();
            // Equal and signed: the same signature over the same bytes, checked when we stored ours.
            if (!r.isSigned() || !r.equals(locals.get(r.path()))) {
                toVerify.add(r);
            }
        }
        byte[] vk = secrets.verifyKey();
        Optional<FileRecord> forged = toVerify.parallelStream().filter(r -> !r.isSigned() || !r.verify(vk)).findFirst();
        if (forged.isPresent()) {
            s.reject("record for " + forged.get().path() + " is not signed with the folder's read-write key");
            return false;
        }
        for (FileRecord r : toVerify) {
            Optional<String> bad = RecordChecks.hostile(r);
            if (bad.isPresent()) {
                s.reject(bad.get());
                return false;
            }
        }
        try {
            index.applyRemote(s.device(), records);
        } catch (IllegalArgumentException e) {
            s.reject("bad index update: " + e.getMessage());
            return false;
        }
        if (mayCreateNeeds(records, locals)) {
            schedulePull();
        }
        return true;
    }

    /**
     * Whether any of {@code records} may be needed: not when the local record has seen its version
     * already (EQUAL or older is never needed). Peers echo every record they pulled from us; re-
     * querying the whole index for each such announcement kept the sending node busy decoding
     * 20,000 records every 200 ms while it served 10,000 files.
     */
    private static boolean mayCreateNeeds(List<SequencedRecord> records, Map<FolderPath, FileRecord> locals) {
        for (SequencedRecord sr : records) {
            FileRecord local = locals.get(sr.record().path());
            if (local == null || !local.version().dominates(sr.record().version())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sends local records above {@code s.sentUpTo}; only signed records leave this device. A
     * record the peer holds an earlier version of (as it announced it to us) goes as a delta
     * from that version, unless it is at or below {@code s.wholeUpTo} (an answered resend).
     */
    private void sendIndex(PeerSession s, boolean full) {
        boolean announceFull = full; // the first message of a full transfer says so
        while (true) {
            List<SequencedRecord> page = index.localSince(s.sentUpTo, INDEX_PAGE);
            if (page.isEmpty()) {
                if (announceFull) {
                    s.send(new IndexUpdate(true, List.of()));
                }
                return;
            }
            s.sentUpTo = page.get(page.size() - 1).sequence();
            List<SequencedRecord> whole = new ArrayList<>(page.size());
            List<RecordDelta> deltas = new ArrayList<>();
            for (SequencedRecord sr : page) {
                if (!sr.record().isSigned()) {
                    continue;
                }
                Optional<RecordDelta> delta = sr.sequence() > s.wholeUpTo ? deltaFor(s, sr) : Optional.empty();
                if (delta.isPresent()) {
                    if (announceFull && whole.isEmpty()) {
                        s.send(new IndexUpdate(true, List.of()));
                        announceFull = false;
                    }
                    announceFull = sendWhole(s, whole, announceFull);
                    deltas.add(delta.get());
                } else {
                    sendDeltas(s, deltas);
                    whole.add(sr);
                }
            }
            sendDeltas(s, deltas);
            announceFull = sendWhole(s, whole, announceFull);
        }
    }

    /** Sends and clears {@code records} in bounded messages; returns {@code full} unless it was used. */
    private static boolean sendWhole(PeerSession s, List<SequencedRecord> records, boolean full) {
        if (records.isEmpty()) {
            return full;
        }
        for (IndexUpdate u : IndexBatcher.batches(records, full, INDEX_BATCH_BYTES)) {
            s.send(u);
        }
        records.clear();
        return false;
    }

    private static void sendDeltas(PeerSession s, List<RecordDelta> deltas) {
        List<RecordDelta> batch = new ArrayList<>();
        long bytes = 0;
        for (RecordDelta d : deltas) {
            if (!batch.isEmpty() && bytes + d.encodedLength() > INDEX_BATCH_BYTES) {
                s.send(new IndexDelta(batch));
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(d);
            bytes += d.encodedLength();
        }
        if (!batch.isEmpty()) {
            s.send(new IndexDelta(batch));
        }
        deltas.clear();
    }

    /** {@code sr} as a delta from the record the peer announced for its path, if that is smaller. */
    private Optional<RecordDelta> deltaFor(PeerSession s, SequencedRecord sr) {
        FileRecord r = sr.record();
        if (r.deleted() || r.type() != FileRecord.Type.FILE || r.blocks().size() < RecordDelta.MIN_BLOCKS_FOR_DELTA) {
            return Optional.empty();
        }
        return index.remote(s.device(), r.path()).flatMap(base -> RecordDelta.diff(sr.sequence(), base.record(), r));
    }

    private void broadcastIndex() {
        for (PeerSession s : sessions.values()) {
            if (s.hello() != null) {
                sendIndex(s, false);
            }
        }
    }

    /**
     * What {@link #serveBlock} needs of a local file, as of index {@code generation}. Decoding
     * the local record per request cost more than the transfer: a 1 GiB file's record lists
     * 16,000 blocks, and every one of its 16,000 requests decoded all of them. The path is
     * resolved once too (a realpath per block was a tenth of the server's CPU): every request
     * still stats the file and compares it with the scan cache, so a file swapped in by a
     * changed directory or link is not vouched for, and is served only if it hashes as asked.
     */
    private record Served(long generation, Path file, long size, int maxBlock, Optional<ScanEntry> seen,
                          long loadedNanos) {}

    /** How long a file served without a scan-cache entry (racy) is served by hash before the cache is asked again. */
    static final long RACY_RECHECK_NANOS = 1_000_000_000L;

    /** Files served recently (pool threads); cleared when it reaches {@link #SERVED_CACHE_ENTRIES}. */
    private final Map<FolderPath, Served> served = new ConcurrentHashMap<>();
    static final int SERVED_CACHE_ENTRIES = 256;

    /** The local file's size and scan entry, from the cache unless {@code fresh} or a local record changed since. */
    private Optional<Served> servable(FolderPath path, boolean fresh) {
        long generation = index.generation(); // in memory: a query per block was a seventh of the server's CPU
        Served s = served.get(path);
        if (!fresh && s != null && s.generation() == generation) {
            return Optional.of(s);
        }
        Optional<FileRecord> local = index.local(path);
        if (local.isEmpty() || local.get().deleted() || local.get().type() != FileRecord.Type.FILE) {
            served.remove(path);
            return Optional.empty();
        }
        if (served.size() >= SERVED_CACHE_ENTRIES) {
            served.clear();
        }
        int maxBlock = 0;
        for (dev.cloudless.sync.core.block.Block b : local.get().blocks()) {
            maxBlock = Math.max(maxBlock, b.length());
        }
        Path file;
        try {
            file = path.resolveIn(root);
        } catch (IOException | InvalidFolderPathException e) {
            served.remove(path);
            return Optional.empty(); // unreachable on disk now (a parent became a link, say): nothing to serve
        }
        Served now = new Served(generation, file, local.get().size(), maxBlock, index.scanned(path), System.nanoTime());
        served.put(path, now);
        return Optional.of(now);
    }

    /**
     * A BlockResponse as it goes on the wire, and how many block bytes it carries.
     *
     * @param wire the encoded message, position 0
     * @param dataBytes the block's length if OK, else 0
     */
    record BlockAnswer(ByteBuffer wire, int dataBytes) {
        static BlockAnswer failed(BlockRequest r, BlockResponse.Status status) {
            return new BlockAnswer(MessageEncoder.encode(BlockResponse.failed(r.requestId(), status)), 0);
        }
    }

    /**
     * Answers a block request from the local copy; runs on the node's pool. The block is read
     * straight into the message's buffer, behind room for its header: no copy before sealing.
     */
    BlockAnswer serveBlock(BlockRequest r) {
        if (paused || stopped) {
            return BlockAnswer.failed(r, BlockResponse.Status.BUSY);
        }
        Optional<Served> s = servable(r.path(), false);
        if (s.isEmpty() || r.offset() + r.length() > s.get().size() || r.length() > s.get().maxBlock()) {
            // Nothing beyond the file's largest block is served: a hostile request for 16 MiB
            // ranges costs the requester a round trip and us no memory.
            return BlockAnswer.failed(r, BlockResponse.Status.NOT_FOUND);
        }
        try {
            Path file = s.get().file();
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Optional<ScanEntry> now = Optional.of(new ScanEntry(a.size(), a.lastModifiedTime().toInstant(),
                    a.fileKey() == null ? "" : String.valueOf(a.fileKey())));
            boolean recheck = s.get().seen().isEmpty()
                    ? System.nanoTime() - s.get().loadedNanos() > RACY_RECHECK_NANOS : !s.get().seen().equals(now);
            if (recheck) {
                // The cache may be behind the index (a scan only refreshed the scan cache): ask it.
                s = servable(r.path(), true);
                if (s.isEmpty() || r.offset() + r.length() > s.get().size() || r.length() > s.get().maxBlock()) {
                    return BlockAnswer.failed(r, BlockResponse.Status.NOT_FOUND);
                }
                file = s.get().file();
            }
            // A file modified within the scanner's racy window has no scan-cache entry yet: then
            // its block is served only if it hashes as asked. Refusing it made every fresh change
            // wait for the requester's retries (2 s, then 4 s) until the window passed.
            boolean racy = s.get().seen().isEmpty();
            if (!racy && !s.get().seen().equals(now)) {
                // Changed since it was indexed: sending it would look like a forged block.
                requestScan(List.of(r.path()));
                return BlockAnswer.failed(r, BlockResponse.Status.CHANGED);
            }
            ByteBuffer wire = ByteBuffer.allocate(MessageEncoder.BLOCK_RESPONSE_HEADROOM + r.length());
            ByteBuffer data = wire.position(MessageEncoder.BLOCK_RESPONSE_HEADROOM).slice();
            BasicFileAttributes after;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                while (data.hasRemaining()) {
                    if (ch.read(data, r.offset() + data.position()) < 0) {
                        requestScan(List.of(r.path()));
                        return BlockAnswer.failed(r, BlockResponse.Status.CHANGED);
                    }
                }
                after = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            }
            data.flip();
            // A racy file (no scan-cache entry yet) is served only if the block hashes as asked;
            // so is one that changed during the read (a second stat), which could be torn: the
            // receiver would take a torn block for a forgery.
            ScanEntry afterRead = new ScanEntry(after.size(), after.lastModifiedTime().toInstant(),
                    after.fileKey() == null ? "" : String.valueOf(after.fileKey()));
            boolean vouched = !racy && now.get().equals(afterRead);
            if (!vouched && !sha256(data.duplicate()).equals(r.hash())) {
                requestScan(List.of(r.path()));
                return BlockAnswer.failed(r, BlockResponse.Status.CHANGED);
            }
            return new BlockAnswer(MessageEncoder.encodeBlockResponseInPlace(r.requestId(), wire.clear()), r.length());
        } catch (IOException | RuntimeException e) {
            return BlockAnswer.failed(r, BlockResponse.Status.ERROR);
        }
    }

    private static Sha256 sha256(ByteBuffer buf) {
        MessageDigest md = Digests.sha256();
        md.update(buf);
        return Sha256.of(md.digest());
    }

    // ---- pulling ----

    /** Pulls what is needed, querying the index again: call after anything changed it. */
    void schedulePull() {
        serial.execute(() -> {
            needsStale = true;
            queuePull();
        });
    }

    /** Serial: runs the pull loop once, soon, without marking the snapshot stale. */
    private void queuePull() {
        if (!pullQueued) {
            pullQueued = true;
            serial.execute(this::runPull);
        }
    }

    private void runPull() {
        pullQueued = false;
        if (stopped || paused || state == FolderState.ERROR || state == FolderState.WAITING_FOR_CONFIRMATION) {
            return;
        }
        boolean exhausted = pendingUpdates.isEmpty() && pendingDirs.isEmpty() && pendingDeletes.isEmpty();
        if (needsStale || (exhausted && inFlight.isEmpty() && pulledSinceSnapshot)) {
            needsStale = false;
            pulledSinceSnapshot = false;
            pendingUpdates.clear();
            pendingDirs.clear();
            pendingDeletes.clear();
            for (Need n : index.needed()) {
                boolean dir = n.record().type() == FileRecord.Type.DIRECTORY && !n.record().deleted();
                (n.kind() == Need.Kind.DELETE ? pendingDeletes : dir ? pendingDirs : pendingUpdates).add(n);
            }
        }
        long now = System.nanoTime();
        long earliestRetry = Long.MAX_VALUE;
        // Directories first, so files land in directories made from their records (mode, mtime)
        // rather than in ones the puller had to invent, which the scanner would take for edits.
        boolean dirsPending = false;
        for (Need n : pendingDirs) {
            if (!inFlight.contains(n.path())) {
                Retry r = retries.get(n.path());
                if (r == null || r.notBeforeNanos() <= now) {
                    dirsPending = true;
                    start(n);
                }
            }
        }
        if (dirsPending) {
            pendingDirs.removeIf(n -> inFlight.contains(n.path()));
        }
        while (!dirsPending && inFlight.size() < MAX_CONCURRENT_PULLS && !pendingUpdates.isEmpty()) {
            Need n = pendingUpdates.poll();
            Retry r = retries.get(n.path());
            if (r != null && r.notBeforeNanos() > now) {
                earliestRetry = Math.min(earliestRetry, r.notBeforeNanos());
                continue;
            }
            start(n);
        }
        // Deletions last, deepest first and one at a time, once no update is in flight: a rename
        // then reuses the old file's blocks, and a directory is emptied before it is removed.
        while (inFlight.isEmpty() && pendingUpdates.isEmpty() && pendingDirs.isEmpty() && !pendingDeletes.isEmpty()) {
            Need n = pendingDeletes.pollLast();
            Retry r = retries.get(n.path());
            if (r != null && r.notBeforeNanos() > now) {
                earliestRetry = Math.min(earliestRetry, r.notBeforeNanos());
                continue;
            }
            start(n);
        }
        if (earliestRetry != Long.MAX_VALUE) {
            node.timer().schedule(this::schedulePull, Math.max(0, earliestRetry - now), TimeUnit.NANOSECONDS);
        }
        updateState();
    }

    private void start(Need n) {
        if (!inFlight.add(n.path())) {
            return;
        }
        boolean hadLocal = index.local(n.path()).filter(l -> !l.deleted()).isPresent();
        puller.pull(n).whenCompleteAsync((outcome, err) -> onPulled(n, hadLocal, outcome, err), serial);
    }

    private void onPulled(Need n, boolean hadLocal, Puller.PullOutcome outcome, Throwable err) {
        inFlight.remove(n.path());
        if (scanAfterPull.remove(n.path())) {
            requestScan(List.of(n.path()));
        }
        if (err != null) {
            Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                    ? err.getCause() : err;
            backoff(n.path());
            node.publish(new SyncEvent.SyncError(Instant.now(), id, n.path().toString(),
                    "cannot apply the remote change: " + cause.getMessage()));
        } else {
            switch (outcome) {
                case APPLIED, CONFLICT_RESOLVED -> {
                    retries.remove(n.path());
                    if (outcome == Puller.PullOutcome.APPLIED) {
                        SyncEvent.ChangeKind kind = n.record().deleted() ? SyncEvent.ChangeKind.DELETED
                                : hadLocal ? SyncEvent.ChangeKind.MODIFIED : SyncEvent.ChangeKind.ADDED;
                        node.publish(new SyncEvent.FileChanged(Instant.now(), id, n.path().toString(), kind,
                                SyncEvent.Origin.REMOTE));
                    }
                    announcePulled();
                }
                case NO_SOURCE -> backoff(n.path());
                case SKIPPED_LOCAL_CHANGE -> {
                    backoff(n.path());
                    requestScan(List.of(n.path()));
                }
            }
        }
        pulledSinceSnapshot = true;
        queuePull();
    }

    /** Serial: announces pulled records to the other peers, at most every {@link #PULL_ANNOUNCE_INTERVAL_NANOS}. */
    private void announcePulled() {
        if (broadcastScheduled) {
            return;
        }
        long wait = lastBroadcastNanos + PULL_ANNOUNCE_INTERVAL_NANOS - System.nanoTime();
        if (wait <= 0) {
            lastBroadcastNanos = System.nanoTime();
            broadcastIndex();
            return;
        }
        broadcastScheduled = true;
        node.timer().schedule(() -> serial.execute(() -> {
            broadcastScheduled = false;
            lastBroadcastNanos = System.nanoTime();
            broadcastIndex();
        }), wait, TimeUnit.NANOSECONDS);
    }

    private void backoff(FolderPath path) {
        Retry old = retries.get(path);
        int failures = old == null ? 1 : old.failures() + 1;
        long delay = Math.min(RETRY_MAX.toNanos(), RETRY_MIN.toNanos() << Math.min(failures - 1, 10));
        retries.put(path, new Retry(System.nanoTime() + delay, failures));
    }

    // ---- state ----

    private void updateState() {
        if (state == FolderState.ERROR || state == FolderState.WAITING_FOR_CONFIRMATION) {
            return;
        }
        FolderState next = paused ? FolderState.PAUSED : scanning ? FolderState.SCANNING
                : !inFlight.isEmpty() ? FolderState.SYNCING : FolderState.IDLE;
        setState(next);
    }

    private void setState(FolderState next) {
        FolderState prev = state;
        if (prev != next) {
            state = next;
            node.publish(new SyncEvent.FolderStateChanged(Instant.now(), id, prev, next));
        }
    }

    /** Counts with the index generation they were computed at, and when. */
    private record CachedCounts(long generation, long computedNanos, Counts counts) {}

    private volatile CachedCounts cachedCounts;

    /** How stale the totals may be while the index keeps changing. */
    static final long COUNTS_MAX_AGE_NANOS = 2_000_000_000L;

    /**
     * The index totals, recomputed only when the index changed, and while it keeps changing at
     * most every {@link #COUNTS_MAX_AGE_NANOS}. Computing them decodes every record: a status
     * poll once a second over 10,000 files kept an idle node at 8 % CPU, and during a sync of
     * them took a fifth of the sender's CPU.
     */
    private Counts counts() {
        long generation = index.generation();
        long now = System.nanoTime();
        CachedCounts cached = cachedCounts;
        if (cached != null && (cached.generation() == generation
                || now - cached.computedNanos() < COUNTS_MAX_AGE_NANOS)) {
            return cached.counts();
        }
        Counts c = index.counts();
        cachedCounts = new CachedCounts(generation, now, c);
        return c;
    }

    // ---- Folder API ----

    @Override
    public String id() {
        return id;
    }

    @Override
    public Path path() {
        return root;
    }

    @Override
    public AccessLevel accessLevel() {
        return secrets.level();
    }

    @Override
    public FolderConfig config() {
        return config;
    }

    @Override
    public FolderStatus status() {
        Counts c = counts();
        return new FolderStatus(state, c.localFiles(), c.localBytes(), c.globalFiles(), c.globalBytes(),
                c.neededFiles(), c.neededBytes(), Optional.ofNullable(lastScan), Optional.ofNullable(error));
    }

    @Override
    public List<PeerInfo> peers() {
        List<PeerInfo> out = new ArrayList<>();
        for (PeerSession s : sessions.values()) {
            if (s.hello() != null) { // listed once it has said who it is, like PeerConnected
                out.add(s.info());
            }
        }
        return out;
    }

    @Override
    public List<DiscoveredPeer> discoveredPeers() {
        return node.discovery().peers(id);
    }

    @Override
    public List<FileInfo> files() {
        List<FileInfo> out = new ArrayList<>();
        boolean readOnly = secrets.level() != AccessLevel.READ_WRITE;
        for (PathEntry e : index.entries()) {
            FileRecord shown = e.local().orElse(e.global());
            FileInfo.SyncState st;
            if (e.need().isPresent()) {
                st = e.need().get().kind() == Need.Kind.CONFLICT ? FileInfo.SyncState.CONFLICTING
                        : FileInfo.SyncState.NEEDED;
            } else if (readOnly && e.local().isPresent() && !e.local().get().isSigned()) {
                st = FileInfo.SyncState.LOCALLY_CHANGED;
            } else {
                st = FileInfo.SyncState.SYNCED;
            }
            out.add(new FileInfo(e.path().toString(), switch (shown.type()) {
                case FILE -> FileInfo.Type.FILE;
                case DIRECTORY -> FileInfo.Type.DIRECTORY;
                case SYMLINK -> FileInfo.Type.SYMLINK;
            }, shown.size(), shown.mtime(), shown.deleted(), st));
        }
        return out;
    }

    @Override
    public void pause() {
        paused = true;
        serial.execute(this::updateState);
    }

    @Override
    public void resume() {
        paused = false;
        serial.execute(() -> {
            updateState();
            requestScan(null);
            schedulePull();
        });
    }

    @Override
    public void rescan() {
        requestScan(null);
    }

    @Override
    public void confirmDeletions() {
        serial.execute(() -> {
            if (state != FolderState.WAITING_FOR_CONFIRMATION) {
                return;
            }
            boolean held = changesHeld;
            changesHeld = false;
            state = FolderState.IDLE;
            node.publish(new SyncEvent.FolderStateChanged(Instant.now(), id, FolderState.WAITING_FOR_CONFIRMATION,
                    FolderState.IDLE));
            // The held scan may be stale by now: confirm the next scan instead of applying old records.
            deletionsConfirmed = true;
            if (held) {
                requestScan(null);
            }
        });
    }

    @Override
    public void addPeer(InetSocketAddress address) {
        dialer.add(address);
    }

    @Override
    public void revertLocalChanges() {
        if (secrets.level() == AccessLevel.READ_WRITE) {
            return;
        }
        serial.execute(() -> {
            for (PathEntry e : index.entries()) {
                Optional<FileRecord> local = e.local();
                if (local.isPresent() && !local.get().isSigned()) {
                    try {
                        if (!local.get().deleted()) {
                            archive.archive(e.path());
                        }
                        index.forgetLocal(e.path());
                        cachedCounts = null;
                    } catch (IOException ex) {
                        node.publish(new SyncEvent.SyncError(Instant.now(), id, e.path().toString(),
                                "cannot revert: " + ex.getMessage()));
                    }
                }
            }
            schedulePull();
        });
    }

    // ---- transfer events ----

    private final class Events implements TransferListener {
        @Override
        public void started(FolderPath path, long bytes) {
            node.publish(new SyncEvent.TransferStarted(Instant.now(), id, path.toString(), bytes));
        }

        @Override
        public void progress(FolderPath path, long done, long total) {
            long now = System.nanoTime();
            Long last = lastProgress.get(path);
            if (last == null || now - last > 250_000_000L) {
                lastProgress.put(path, now);
                node.publish(new SyncEvent.TransferProgress(Instant.now(), id, path.toString(), done, total));
            }
        }

        @Override
        public void finished(FolderPath path, FileRecord record) {
            lastProgress.remove(path);
            node.publish(new SyncEvent.TransferFinished(Instant.now(), id, path.toString(), record.size()));
        }

        @Override
        public void failed(FolderPath path, Throwable cause) {
            lastProgress.remove(path);
            node.publish(new SyncEvent.TransferFailed(Instant.now(), id, path.toString(), String.valueOf(cause.getMessage())));
        }

        @Override
        public void conflict(FolderPath path, FolderPath conflictCopy) {
            node.publish(new SyncEvent.FileConflicted(Instant.now(), id, path.toString(), conflictCopy.toString()));
        }

    }
}
