package dev.cloudless.sync.core.node;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.Folder;
import dev.cloudless.sync.FolderConfig;
import dev.cloudless.sync.NodeSettings;
import dev.cloudless.sync.RateLimits;
import dev.cloudless.sync.Subscription;
import dev.cloudless.sync.SyncEvent;
import dev.cloudless.sync.SyncNode;
import dev.cloudless.sync.core.identity.DeviceIdentity;
import dev.cloudless.sync.core.index.IndexStore;
import dev.cloudless.sync.core.session.FolderSecret;
import dev.cloudless.sync.core.session.SecureChannel;
import dev.cloudless.sync.spi.SharedDatagramSocket;
import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.Transport;
import dev.cloudless.sync.spi.TransportListener;
import dev.cloudless.sync.spi.TransportProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link SyncNode}: one device identity, one index database, one bounded
 * worker pool, one timer thread, the transports found on the class path, and a
 * {@link FolderRunner} per shared folder.
 */
final class EngineNode implements SyncNode {
    static final String CLIENT_NAME = "cloudless-sync";
    static final String CLIENT_VERSION = "0.1.0";
    /** Sessions ping after this much silence from us. */
    static final Duration PING_INTERVAL = Duration.ofSeconds(30);
    /** Sessions are dropped after this much silence from the peer. */
    static final Duration DEAD_INTERVAL = Duration.ofSeconds(90);
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long a transport's dial runs alone before the next transport is tried too. */
    static final Duration TRANSPORT_HEAD_START = Duration.ofMillis(250);
    private static final Logger LOG = LoggerFactory.getLogger(EngineNode.class);

    private enum Phase { NEW, RUNNING, CLOSED }

    private final NodeSettings settings;
    private final EventBus events = new EventBus("sync-events");
    private final TokenBucket upload;
    private final TokenBucket download;
    private final Map<String, FolderRunner> folders = new LinkedHashMap<>();
    private final List<Transport> transports = new ArrayList<>();
    private final List<TransportListener> listeners = new ArrayList<>();
    private final SecureRandom random = new SecureRandom();
    private final NodeDiscovery discovery;
    private ExecutorService io;
    /** Steps that mostly wait for fsync (see {@link dev.cloudless.sync.core.transfer.Puller}); bounded, idle threads exit. */
    private ExecutorService durable;
    /** Threads of {@link #durable}: one per file in flight (FolderRunner.MAX_CONCURRENT_PULLS), so a file waiting for a group commit never holds up another one fsync-ing (measured here: 32 fsyncs in parallel cost 0.3 ms per small file, one at a time 2 ms). */
    static final int DURABLE_THREADS = 128;
    private ScheduledExecutorService timer;
    private DeviceIdentity identity;
    private IndexStore store;
    private volatile RateLimits limits;
    private Phase phase = Phase.NEW;

    EngineNode(NodeSettings settings) {
        this.settings = settings;
        this.limits = settings.rateLimits();
        this.upload = new TokenBucket(limits.uploadBytesPerSecond());
        this.download = new TokenBucket(limits.downloadBytesPerSecond());
        this.discovery = new NodeDiscovery(this, Clock.systemUTC());
    }

    @Override
    public synchronized SyncNode start() {
        if (phase != Phase.NEW) {
            throw new IllegalStateException("node already " + (phase == Phase.RUNNING ? "started" : "closed"));
        }
        phase = Phase.RUNNING;
        try {
            Files.createDirectories(settings.dataDir());
            identity = DeviceIdentity.loadOrCreate(settings.dataDir());
            store = IndexStore.open(settings.dataDir().resolve(IndexStore.FILE_NAME));
        } catch (IOException e) {
            phase = Phase.CLOSED;
            throw new UncheckedIOException("cannot open the data directory " + settings.dataDir(), e);
        }
        int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads("sync-worker"));
        pool.allowCoreThreadTimeOut(true);
        io = pool;
        ThreadPoolExecutor waits = new ThreadPoolExecutor(DURABLE_THREADS, DURABLE_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads("sync-fsync"));
        waits.allowCoreThreadTimeOut(true);
        durable = waits;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, daemonThreads("sync-timer"));
        t.setRemoveOnCancelPolicy(true);
        timer = t;
        List<TransportProvider> providers = new ArrayList<>();
        ServiceLoader.load(TransportProvider.class, EngineNode.class.getClassLoader()).forEach(providers::add);
        // TCP first: it is dialled first and its listen address is the node's first.
        providers.sort(Comparator.comparing((TransportProvider p) -> !p.name().equals("tcp"))
                .thenComparing(TransportProvider::name));
        for (TransportProvider p : providers) {
            if (settings.transports().isEmpty() || settings.transports().contains(p.name())) {
                transports.add(p.create());
            }
        }
        for (String wanted : settings.transports()) {
            if (transports.stream().noneMatch(tr -> tr.name().equals(wanted))) {
                close();
                throw new IllegalStateException("transport '" + wanted + "' is not on the class path (found: "
                        + providers.stream().map(TransportProvider::name).toList() + ")");
            }
        }
        if (transports.isEmpty()) {
            close();
            throw new IllegalStateException("no transport on the class path: add sync-transport-tcp");
        }
        try {
            for (InetSocketAddress a : settings.listen()) {
                TransportListener first = transports.get(0).listen(a, this::accept);
                listeners.add(first);
                // The others on the same port number, so one announced port reaches every transport.
                InetSocketAddress same = new InetSocketAddress(a.getAddress(), first.localAddress().getPort());
                for (Transport tr : transports.subList(1, transports.size())) {
                    try {
                        listeners.add(tr.listen(same, this::accept));
                    } catch (IOException e) {
                        LOG.warn("{} cannot listen on {} ({}); using another port", tr.name(), same, e.getMessage());
                        listeners.add(tr.listen(new InetSocketAddress(a.getAddress(), 0), this::accept));
                    }
                }
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot listen on " + settings.listen(), e);
        }
        discovery.start();
        for (FolderConfig f : settings.folders()) {
            addFolderRunning(f);
        }
        long tick = TimeUnit.SECONDS.toMillis(10);
        timer.scheduleWithFixedDelay(this::keepAlive, tick, tick, TimeUnit.MILLISECONDS);
        LOG.info("node {} listening on {}", identity.deviceId(), listenAddresses());
        return this;
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread th = new Thread(r, name + "-" + n.incrementAndGet());
            th.setDaemon(true);
            return th;
        };
    }

    private void keepAlive() {
        for (FolderRunner f : foldersSnapshot()) {
            for (PeerSession s : f.sessionsSnapshot()) {
                s.keepAlive(PING_INTERVAL.toNanos(), DEAD_INTERVAL.toNanos());
            }
        }
    }

    // ---- connections ----

    private SecureChannel.ChannelSettings channelSettings() {
        return new SecureChannel.ChannelSettings(io, timer, HANDSHAKE_TIMEOUT, random);
    }

    private List<FolderSecret<FolderRunner>> folderSecrets() {
        List<FolderSecret<FolderRunner>> out = new ArrayList<>();
        for (FolderRunner f : foldersSnapshot()) {
            out.add(f.handshakeSecret());
        }
        return out;
    }

    private void accept(StreamConnection connection) {
        if (!isRunning()) {
            connection.close();
            return;
        }
        SecureChannel.server(connection, this::folderSecrets, identity, channelSettings(), new PeerSession(this, null, null));
    }

    /** Dials {@code address} for {@code folder}; {@code key} is the dialer's name for the target. */
    /**
     * Dials {@code address} for {@code folder}: TCP first, then each other transport after
     * {@link #TRANSPORT_HEAD_START} (or at once when the previous one failed); the first
     * connection that opens carries the handshake and the others are closed ("happy eyeballs"
     * across transports). TCP's head start keeps it where both work, since it is the faster of
     * the two on an idle path; uTP wins where TCP is blocked or slow to connect.
     */
    void connect(FolderRunner folder, InetSocketAddress address, InetSocketAddress key) {
        new Race(folder, address, key).next();
    }

    /** One dial across the transports. */
    private final class Race {
        final FolderRunner folder;
        final InetSocketAddress address;
        final InetSocketAddress key;
        int started;
        int failed;
        boolean won;

        Race(FolderRunner folder, InetSocketAddress address, InetSocketAddress key) {
            this.folder = folder;
            this.address = address;
            this.key = key;
        }

        /** Starts the next transport's attempt, and arms the one after it. */
        void next() {
            Transport tr;
            synchronized (this) {
                if (won || started == transports.size()) {
                    return;
                }
                tr = transports.get(started++);
                if (started < transports.size()) {
                    int armed = started;
                    try {
                        timer.schedule(() -> {
                            synchronized (this) {
                                if (started != armed) {
                                    return; // already started after a failure
                                }
                            }
                            next();
                        }, TRANSPORT_HEAD_START.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.RejectedExecutionException closing) {
                        // the node is closing: this dial's first transport is all it gets
                    }
                }
            }
            tr.connect(address, CONNECT_TIMEOUT).whenComplete((conn, err) -> {
                boolean mine;
                boolean allFailed = false;
                synchronized (this) {
                    mine = err == null && !won;
                    if (mine) {
                        won = true;
                    } else if (err != null) {
                        failed++;
                        allFailed = !won && failed == transports.size();
                    }
                }
                if (err != null) {
                    if (allFailed) {
                        folder.dialer().failed(key);
                    } else {
                        next();
                    }
                    return;
                }
                if (!mine || !isRunning()) {
                    conn.close(); // another transport won, or the node is closing
                    return;
                }
                SecureChannel.client(conn, folder.handshakeSecret(), identity, channelSettings(),
                        new PeerSession(EngineNode.this, key, folder));
            });
        }
    }

    void onEstablished(PeerSession s) {
        if (s.device().equals(identity.deviceId())) {
            s.close("connected to itself");
            return;
        }
        FolderRunner f = s.folder();
        if (!isRunning() || f == null) {
            s.close("shutting down");
            return;
        }
        f.attach(s);
    }

    void onClosed(PeerSession s, SecureChannel<FolderRunner> ch, SecureChannel.SessionCloseReason reason,
                  String ourReason) {
        FolderRunner f = s.folder();
        String why = ourReason != null ? ourReason : reason.kind() + (reason.detail() == null ? "" : ": " + reason.detail());
        switch (reason.kind()) {
            case HANDSHAKE_FAILED, DEVICE_AUTH_FAILED, PROTOCOL_ERROR -> {
                if (ourReason == null) {
                    publish(new SyncEvent.PeerRejected(Instant.now(), f == null ? "" : f.id(),
                            ch.connection().remoteAddress(), f == null ? null : safeDevice(s), why));
                }
            }
            default -> { }
        }
        if (f != null) {
            f.detach(s, why); // also re-arms the dialer of a dialled session, established or not
        } else {
            LOG.debug("accepted connection from {} closed before establishment: {}",
                    ch.connection().remoteAddress(), why);
        }
    }

    private static DeviceId safeDevice(PeerSession s) {
        try {
            return s.device();
        } catch (RuntimeException e) {
            return null;
        }
    }

    void reportRejected(PeerSession s, String reason) {
        FolderRunner f = s.folder();
        publish(new SyncEvent.PeerRejected(Instant.now(), f == null ? "" : f.id(),
                s.channel().connection().remoteAddress(), safeDevice(s), reason));
    }

    // ---- accessors for the folder and session ----

    ExecutorService durable() {
        return durable;
    }

    ExecutorService io() {
        return io;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    IndexStore store() {
        return store;
    }

    TokenBucket uploadLimit() {
        return upload;
    }

    TokenBucket downloadLimit() {
        return download;
    }

    void publish(SyncEvent e) {
        events.publish(e);
    }

    NodeDiscovery discovery() {
        return discovery;
    }

    synchronized FolderRunner folderRunner(String id) {
        return phase == Phase.RUNNING ? folders.get(id) : null;
    }

    java.nio.file.Path dataDir() {
        return settings.dataDir();
    }

    List<InetSocketAddress> dhtBootstrap() {
        return settings.dhtBootstrap();
    }

    private synchronized boolean isRunning() {
        return phase == Phase.RUNNING;
    }

    private synchronized List<FolderRunner> foldersSnapshot() {
        return new ArrayList<>(folders.values());
    }

    // ---- SyncNode ----

    @Override
    public DeviceId deviceId() {
        if (identity == null) {
            throw new IllegalStateException("the node is not started");
        }
        return identity.deviceId();
    }

    @Override
    public String deviceName() {
        return settings.deviceName();
    }

    @Override
    public synchronized List<InetSocketAddress> listenAddresses() {
        // Transports share port numbers, so TCP's and uTP's listeners are one address.
        java.util.Set<InetSocketAddress> out = new java.util.LinkedHashSet<>();
        for (TransportListener l : listeners) {
            out.add(l.localAddress());
        }
        return List.copyOf(out);
    }

    /** The listeners' UDP sockets that other protocols may share (uTP's), in listen order. */
    synchronized List<SharedDatagramSocket> datagramSockets() {
        List<SharedDatagramSocket> out = new ArrayList<>();
        for (TransportListener l : listeners) {
            l.datagramSocket().ifPresent(out::add);
        }
        return List.copyOf(out);
    }

    @Override
    public List<Folder> folders() {
        return List.copyOf(foldersSnapshot());
    }

    @Override
    public synchronized Optional<Folder> folder(String id) {
        return Optional.ofNullable(folders.get(id));
    }

    @Override
    public synchronized Folder addFolder(FolderConfig config) {
        if (phase != Phase.RUNNING) {
            throw new IllegalStateException("the node is not running");
        }
        List<FolderConfig> all = new ArrayList<>();
        for (FolderRunner f : folders.values()) {
            all.add(f.config());
        }
        all.add(config);
        // Reuses the settings' validation of duplicate paths and keys.
        new NodeSettings(settings.dataDir(), all, settings.listen(), settings.deviceName(), limits,
                settings.shutdownTimeout(), settings.dhtBootstrap(), settings.transports());
        return addFolderRunning(config);
    }

    private FolderRunner addFolderRunning(FolderConfig config) {
        FolderRunner f = new FolderRunner(this, config);
        folders.put(f.id(), f);
        f.start();
        discovery.addFolder(config);
        return f;
    }

    @Override
    public boolean removeFolder(String id) {
        FolderRunner f;
        synchronized (this) {
            f = folders.remove(id);
        }
        if (f == null) {
            return false;
        }
        discovery.removeFolder(f.config());
        f.stop("folder removed");
        return true;
    }

    @Override
    public RateLimits rateLimits() {
        return limits;
    }

    @Override
    public void setRateLimits(RateLimits newLimits) {
        this.limits = java.util.Objects.requireNonNull(newLimits, "limits");
        upload.setRate(newLimits.uploadBytesPerSecond());
        download.setRate(newLimits.downloadBytesPerSecond());
    }

    @Override
    public Subscription subscribe(Consumer<? super SyncEvent> listener) {
        return events.subscribe(listener);
    }

    @Override
    public void close() {
        List<FolderRunner> toStop;
        synchronized (this) {
            if (phase == Phase.CLOSED) {
                return;
            }
            phase = Phase.CLOSED;
            toStop = new ArrayList<>(folders.values());
        }
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        discovery.close(); // first, so trackers hear "stopped" while the node still listens
        for (FolderRunner f : toStop) {
            f.stop("shutting down");
        }
        for (TransportListener l : listeners) {
            l.close();
        }
        if (io != null) {
            // Lets the folders' queued work (pull completions, index writes) finish, then stops.
            for (FolderRunner f : toStop) {
                f.drain(Math.max(0, deadline - System.nanoTime()));
            }
        }
        for (Transport t : transports) {
            t.close();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        for (ExecutorService pool : new ExecutorService[] {durable, io}) {
            if (pool == null) {
                continue;
            }
            pool.shutdown();
            try {
                if (!pool.awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    pool.shutdownNow();
                    pool.awaitTermination(1, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (store != null) {
            store.close();
        }
        events.close();
    }

    @Override
    public String toString() {
        return "SyncNode[" + (identity == null ? "not started" : identity.deviceId()) + ", " + settings.deviceName() + "]";
    }
}
