package dev.cloudless.sync.discovery.dht;

import dev.cloudless.sync.FolderConfig;
import dev.cloudless.sync.spi.DiscoveryContext;
import dev.cloudless.sync.spi.PeerDiscovery;
import dev.cloudless.sync.spi.SharedDatagramSocket;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds peers on the BitTorrent mainline DHT (BEP 5): a full DHT node that announces each
 * folder's discovery id as an info-hash with the node's listen port, and looks it up
 * periodically, reporting what it finds as method {@value #NAME}.
 *
 * <p>The DHT runs on the node's uTP socket when it has one ({@link DiscoveryContext#datagramSockets()},
 * the one on the first listen address's port by preference), so it is known by the port the
 * node announces; closing it leaves that socket to uTP. Without one (TCP only) it binds its own
 * UDP socket on the first listen address's port, or any free port if that is taken. It keeps its
 * routing table in
 * {@value RoutingTableFile#FILE_NAME} in the data directory, and bootstraps only from
 * {@link DiscoveryContext#dhtBootstrap()} and that file: with neither it contacts nobody. Only
 * folders whose {@link dev.cloudless.sync.DiscoverySettings#dht()} is on are announced. Created
 * by {@link DhtDiscoveryProvider}.
 */
public final class DhtDiscovery implements PeerDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(DhtDiscovery.class);

    /** The method's name in peer status. */
    public static final String NAME = "dht";
    /** How often each folder is announced and looked up once running: every 5 minutes. */
    static final Duration ANNOUNCE_INTERVAL = Duration.ofMinutes(5);
    /** The first rounds come sooner, doubling from 5 seconds up to {@link #ANNOUNCE_INTERVAL}. */
    static final Duration FIRST_ANNOUNCE_DELAY = Duration.ofSeconds(5);
    /** How often the routing table is saved besides on close: every 10 minutes. */
    static final Duration SAVE_INTERVAL = Duration.ofMinutes(10);
    /** How often due folders are checked, in milliseconds. */
    static final long TICK_MILLIS = 250;
    /** How long {@link #close} waits for the timer thread, in milliseconds. */
    static final long CLOSE_WAIT_MILLIS = 2_000;

    /** Announce pacing: the first delay and the steady interval. */
    record Timing(Duration first, Duration steady) {
        static final Timing DEFAULT = new Timing(FIRST_ANNOUNCE_DELAY, ANNOUNCE_INTERVAL);
    }

    private static final class Folder {
        final byte[] discoveryId;
        final NodeId infoHash;
        long nextAt;
        long intervalNanos;
        boolean running;

        Folder(byte[] discoveryId, long now, long firstNanos) {
            this.discoveryId = discoveryId;
            this.infoHash = NodeId.of(discoveryId);
            this.intervalNanos = firstNanos;
            this.nextAt = now; // at once; the node retries soon if its table is still empty
        }
    }

    private final DiscoveryContext context;
    private final Timing timing;
    private final Map<String, Folder> folders = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;
    private DhtSocket socket;
    private DhtNode node;
    private Path tableFile;
    private boolean closed;

    DhtDiscovery(DiscoveryContext context) {
        this(context, Timing.DEFAULT);
    }

    DhtDiscovery(DiscoveryContext context, Timing timing) {
        this.context = context;
        this.timing = timing;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized void start() throws IOException {
        if (node != null || closed) {
            throw new IllegalStateException("start() is called once");
        }
        tableFile = context.dataDir().resolve(RoutingTableFile.FILE_NAME);
        RoutingTableFile.Saved saved = RoutingTableFile.load(tableFile);
        AtomicReference<DhtNode> ref = new AtomicReference<>();
        socket = open((from, data) -> {
            DhtNode n = ref.get();
            if (n != null) {
                n.handleDatagram(from, data);
            }
        });
        node = new DhtNode(saved != null ? saved.id() : NodeId.random(), socket);
        if (saved != null) {
            saved.nodes().forEach(node::addRestored);
        }
        ref.set(node);
        int port = socket.localAddress().getPort();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dht-" + port);
            t.setDaemon(true);
            return t;
        });
        node.start(timer, context.dhtBootstrap()); // with no bootstrap and no table: serves, contacts nobody
        timer.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::save, SAVE_INTERVAL.toMillis(), SAVE_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("DHT node {} on UDP {} ({}; {} bootstrap nodes, {} restored)", node.id(), socket.localAddress(),
                socket.shared() ? "a transport's socket" : "its own socket", context.dhtBootstrap().size(),
                saved == null ? 0 : saved.nodes().size());
    }

    /** A transport's socket when the node offers one, else a socket of its own. */
    private DhtSocket open(BiConsumer<InetSocketAddress, ByteBuffer> handler) throws IOException {
        SharedDatagramSocket shared = sharedSocket();
        return shared != null ? SharedDhtSocket.open(shared, handler) : bind(handler);
    }

    /** An IPv4 shared socket, the one on the announced port if there is one (uTP may have fallen back to another). */
    private SharedDatagramSocket sharedSocket() {
        int port = announcePort();
        SharedDatagramSocket any = null;
        for (SharedDatagramSocket s : context.datagramSockets()) {
            if (!(s.localAddress().getAddress() instanceof Inet4Address)) {
                continue; // the DHT is IPv4 only (no BEP 32)
            }
            if (s.localAddress().getPort() == port) {
                return s;
            }
            if (any == null) {
                any = s;
            }
        }
        return any;
    }

    /** Its own socket: the first listen address's port, or any free port if that is taken. IPv4 only. */
    private UdpSocket bind(BiConsumer<InetSocketAddress, ByteBuffer> handler) throws IOException {
        InetAddress host = null;
        int port = 0;
        if (!context.listenAddresses().isEmpty()) {
            InetSocketAddress first = context.listenAddresses().get(0);
            port = first.getPort();
            if (first.getAddress() instanceof Inet4Address v4) {
                host = v4;
            }
        }
        InetSocketAddress wanted = host == null ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        if (wanted.getAddress() != null && !(wanted.getAddress() instanceof Inet4Address)) {
            wanted = new InetSocketAddress("0.0.0.0", port);
        }
        try {
            return UdpSocket.open(wanted, handler);
        } catch (IOException taken) {
            LOG.info("DHT: UDP {} unavailable ({}), using a free port", wanted, taken.toString());
            return UdpSocket.open(new InetSocketAddress(wanted.getAddress(), 0), handler);
        }
    }

    @Override
    public void addFolder(FolderConfig folder) {
        String key = folder.key().discoveryIdHex();
        if (!folder.discovery().dht()) {
            folders.remove(key);
            return;
        }
        folders.computeIfAbsent(key, k -> new Folder(folder.key().discoveryId(), System.nanoTime(),
                timing.first().toNanos()));
    }

    @Override
    public void removeFolder(FolderConfig folder) {
        // BEP 5 has no un-announce: the announce expires on the other nodes by itself
        folders.remove(folder.key().discoveryIdHex());
    }

    private void tick() {
        DhtNode n;
        synchronized (this) {
            n = node;
        }
        if (n == null) {
            return;
        }
        long now = System.nanoTime();
        int port = announcePort();
        for (Map.Entry<String, Folder> e : folders.entrySet()) {
            Folder f = e.getValue();
            synchronized (f) {
                if (f.running || now - f.nextAt < 0) {
                    continue;
                }
                f.running = true;
            }
            // The listen port, explicitly even when the DHT shares it (uTP's socket): it names TCP's port
            // too, and the UDP port a NAT shows the DHT (implied_port) says nothing about TCP's.
            n.announce(f.infoHash, port == 0 ? 1 : port, port == 0, peer -> report(e.getKey(), f, peer))
                    .whenComplete((acked, err) -> {
                        synchronized (f) {
                            f.running = false;
                            f.nextAt = System.nanoTime() + f.intervalNanos;
                            f.intervalNanos = Math.min(f.intervalNanos * 2, timing.steady().toNanos());
                        }
                    });
        }
    }

    private void report(String key, Folder f, InetSocketAddress peer) {
        if (folders.get(key) != f || isSelf(peer)) {
            return;
        }
        try {
            context.found(f.discoveryId.clone(), peer, null, NAME);
        } catch (RuntimeException e) {
            LOG.warn("DHT: reporting a peer failed", e);
        }
    }

    /** The port peers should connect to: the first listen address's, else the DHT's own (implied). */
    private int announcePort() {
        List<InetSocketAddress> listen = context.listenAddresses();
        return listen.isEmpty() ? 0 : listen.get(0).getPort();
    }

    /** Our own announce, coming back from the DHT. */
    private boolean isSelf(InetSocketAddress peer) {
        if (peer.getPort() != announcePort()) {
            return false;
        }
        InetAddress a = peer.getAddress();
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.equals(node.externalIp())) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private void save() {
        DhtNode n;
        synchronized (this) {
            n = node;
        }
        if (n == null) {
            return;
        }
        List<NodeInfo> nodes = new ArrayList<>(n.routingNodes());
        if (nodes.isEmpty()) {
            return; // never overwrite a useful table with an empty one
        }
        try {
            RoutingTableFile.save(tableFile, n.id(), nodes);
        } catch (IOException e) {
            LOG.warn("DHT: saving the routing table failed: {}", e.toString());
        }
    }

    /** The node's UDP address (tests). */
    synchronized InetSocketAddress udpAddress() {
        return socket.localAddress();
    }

    /** Whether the DHT runs on a transport's socket (tests). */
    synchronized boolean onSharedSocket() {
        return socket.shared();
    }

    /** The node (tests). */
    synchronized DhtNode node() {
        return node;
    }

    /** Datagrams sent (tests). */
    synchronized long sentDatagrams() {
        return socket.sentDatagrams();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (node == null) {
            return;
        }
        node.stop();
        timer.shutdownNow();
        try {
            timer.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        save();
        socket.close();
    }
}
