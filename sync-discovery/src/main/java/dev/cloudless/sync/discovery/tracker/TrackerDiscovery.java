package dev.cloudless.sync.discovery.tracker;

import dev.cloudless.sync.FolderConfig;
import dev.cloudless.sync.spi.DiscoveryContext;
import dev.cloudless.sync.spi.PeerDiscovery;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces each folder's discovery id as a BitTorrent info-hash to the folder's trackers
 * ({@link dev.cloudless.sync.DiscoverySettings#trackers()}) and reports the peers they return.
 * Announces with {@code started} first, then again at the tracker's interval (bounded by
 * {@link #MIN_INTERVAL} and {@link #MAX_INTERVAL}), retries a failed announce after
 * {@link #RETRY_DELAY} doubling to {@link #MAX_INTERVAL}, and sends {@code stopped} when a
 * folder is removed or the node closes. The node's port is that of its first listen address;
 * the peer id is random per node run.
 */
final class TrackerDiscovery implements PeerDiscovery {
    static final String NAME = "tracker";
    /** The {@code left} we announce: never 0, so trackers that hide seeds from seeds still list us (every peer has and needs data). */
    static final long LEFT = 1;
    static final Duration MIN_INTERVAL = Duration.ofMinutes(1);
    static final Duration MAX_INTERVAL = Duration.ofHours(1);
    static final Duration RETRY_DELAY = Duration.ofSeconds(30);
    /** Bound on close(): the stopped announces run in parallel for at most this long. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);
    private static final int ANNOUNCE_THREADS = 2;
    private static final byte[] PEER_ID_PREFIX = "-CS0100-".getBytes(StandardCharsets.US_ASCII);
    private static final int PEER_ID_LENGTH = 20;
    private static final Logger LOG = LoggerFactory.getLogger(TrackerDiscovery.class);

    private final DiscoveryContext context;
    private final SecureRandom random = new SecureRandom();
    private final byte[] peerId = new byte[PEER_ID_LENGTH];
    private final Map<String, Map<URI, Announcer>> folders = new HashMap<>();
    private final Map<URI, TrackerClient> clients = new HashMap<>();
    private final long udpBaseTimeoutMillis;
    private final int udpMaxAttempts;
    private ScheduledThreadPoolExecutor executor;
    private HttpClient http;
    private boolean closed;

    TrackerDiscovery(DiscoveryContext context) {
        this(context, UdpTrackerClient.BASE_TIMEOUT_MILLIS, UdpTrackerClient.MAX_ATTEMPTS);
    }

    /** With other UDP timeouts, for tests. */
    TrackerDiscovery(DiscoveryContext context, long udpBaseTimeoutMillis, int udpMaxAttempts) {
        this.context = context;
        this.udpBaseTimeoutMillis = udpBaseTimeoutMillis;
        this.udpMaxAttempts = udpMaxAttempts;
        random.nextBytes(peerId);
        System.arraycopy(PEER_ID_PREFIX, 0, peerId, 0, PEER_ID_PREFIX.length);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized void start() {
        AtomicInteger n = new AtomicInteger();
        executor = new ScheduledThreadPoolExecutor(ANNOUNCE_THREADS, r -> {
            Thread t = new Thread(r, "tracker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        http = HttpClient.newBuilder().connectTimeout(HttpTrackerClient.CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public synchronized void addFolder(FolderConfig folder) {
        if (closed || executor == null) {
            return;
        }
        String id = folder.key().discoveryIdHex();
        List<URI> wanted = folder.discovery().trackers();
        Map<URI, Announcer> current = folders.computeIfAbsent(id, k -> new HashMap<>());
        for (URI u : new ArrayList<>(current.keySet())) {
            if (!wanted.contains(u)) {
                current.remove(u).stop(true);
            }
        }
        byte[] infoHash = folder.key().discoveryId();
        for (URI u : wanted) {
            if (!current.containsKey(u)) {
                Announcer a = new Announcer(infoHash, u, client(u));
                current.put(u, a);
                a.schedule(0);
            }
        }
        if (current.isEmpty()) {
            folders.remove(id);
        }
    }

    private TrackerClient client(URI u) {
        return clients.computeIfAbsent(u, k -> "udp".equals(k.getScheme().toLowerCase(Locale.ROOT))
                ? new UdpTrackerClient(k.getHost(), k.getPort(), random, udpBaseTimeoutMillis, udpMaxAttempts)
                : new HttpTrackerClient(k, http));
    }

    @Override
    public synchronized void removeFolder(FolderConfig folder) {
        Map<URI, Announcer> m = folders.remove(folder.key().discoveryIdHex());
        if (m != null) {
            m.values().forEach(a -> a.stop(true));
        }
    }

    @Override
    public void close() {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        ExecutorService stopper;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (executor == null) {
                return;
            }
            stopper = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "tracker-stop");
                t.setDaemon(true);
                return t;
            });
            for (Map<URI, Announcer> m : folders.values()) {
                for (Announcer a : m.values()) {
                    if (a.stop(false)) {
                        stops.add(CompletableFuture.runAsync(a::sendStopped, stopper));
                    }
                }
            }
            folders.clear();
            executor.shutdownNow();
        }
        try {
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
                    .get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.debug("stopped announces unfinished after {}", CLOSE_TIMEOUT);
        }
        synchronized (this) {
            clients.values().forEach(TrackerClient::close);
            clients.clear();
        }
        stopper.shutdownNow();
    }

    private int port() {
        List<InetSocketAddress> l = context.listenAddresses();
        return l.isEmpty() ? 0 : l.get(0).getPort();
    }

    /** The announces of one folder to one tracker. */
    private final class Announcer {
        private final byte[] infoHash;
        private final URI uri;
        private final TrackerClient client;
        private ScheduledFuture<?> next;
        private boolean started; // a started announce succeeded, so the tracker should hear stopped
        private boolean stopped;
        private int failures;

        Announcer(byte[] infoHash, URI uri, TrackerClient client) {
            this.infoHash = infoHash;
            this.uri = uri;
            this.client = client;
        }

        void schedule(long delayMillis) {
            synchronized (TrackerDiscovery.this) {
                if (!stopped && !closed) {
                    next = executor.schedule(this::run, delayMillis, TimeUnit.MILLISECONDS);
                }
            }
        }

        private void run() {
            boolean first;
            synchronized (TrackerDiscovery.this) {
                if (stopped || closed) {
                    return;
                }
                first = !started;
            }
            try {
                AnnounceResult r = client.announce(infoHash, peerId, port(),
                        first ? UdpMessages.EVENT_STARTED : UdpMessages.EVENT_NONE, false);
                synchronized (TrackerDiscovery.this) {
                    started = true;
                    failures = 0;
                }
                for (InetSocketAddress p : r.peers()) {
                    context.found(infoHash, p, null, NAME);
                }
                long interval = Math.max(MIN_INTERVAL.toSeconds(), Math.min(MAX_INTERVAL.toSeconds(), r.intervalSeconds()));
                LOG.debug("tracker {}: {} peers, next announce in {} s", uri.getHost(), r.peers().size(), interval);
                schedule(TimeUnit.SECONDS.toMillis(interval));
            } catch (TrackerException | RuntimeException e) {
                long delay;
                synchronized (TrackerDiscovery.this) {
                    failures++;
                    delay = Math.min(MAX_INTERVAL.toMillis(), RETRY_DELAY.toMillis() << Math.min(failures - 1, 10));
                }
                LOG.info("tracker {} announce failed ({}); retrying in {} s", uri.getHost(), e.getMessage(), delay / 1000);
                schedule(delay);
            }
        }

        /** Stops announcing; with {@code sendNow} sends stopped in the background. Returns whether stopped is due. */
        boolean stop(boolean sendNow) {
            boolean due;
            synchronized (TrackerDiscovery.this) {
                stopped = true;
                if (next != null) {
                    next.cancel(false);
                }
                due = started;
            }
            if (due && sendNow) {
                executor.execute(this::sendStopped);
            }
            return due;
        }

        void sendStopped() {
            try {
                client.announce(infoHash, peerId, port(), UdpMessages.EVENT_STOPPED, true);
            } catch (TrackerException | RuntimeException e) {
                LOG.debug("tracker {}: stopped not acknowledged: {}", uri.getHost(), e.getMessage());
            }
        }
    }
}
