package dev.cloudless.sync.core.node;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.DiscoveredPeer;
import dev.cloudless.sync.FolderConfig;
import dev.cloudless.sync.PeerInfo;
import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.spi.DiscoveryContext;
import dev.cloudless.sync.spi.DiscoveryProvider;
import dev.cloudless.sync.spi.PeerDiscovery;
import dev.cloudless.sync.spi.SharedDatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's side of discovery: runs every {@link DiscoveryProvider} on the class path, keeps
 * per folder the addresses they report (expiring, bounded) and hands the best of them to the
 * folder's {@link Dialer}.
 *
 * <p>Policy (docs/discovery.md): reports about this node itself and about connected peers are
 * recorded but not dialled; an address expires {@link #EXPIRY} after its last report; when one
 * device is known at several addresses, a LAN address (loopback, link-local, private, IPv6 ULA)
 * is dialled in preference to a public one, and the public ones are not dialled while a LAN one
 * is live. A session already up is kept; the preference applies to the next connection.
 */
final class NodeDiscovery implements DiscoveryContext {
    /** A discovered address is forgotten after this long without a report. */
    static final Duration EXPIRY = Duration.ofMinutes(10);
    /** Most (address, method) entries kept per folder; further reports are dropped until some expire. */
    static final int MAX_ENTRIES_PER_FOLDER = 256;
    /** How often expired entries are swept, milliseconds. */
    static final long SWEEP_MILLIS = 30_000;
    private static final int MAX_METHOD_NAME_CHARS = 32;
    private static final Logger LOG = LoggerFactory.getLogger(NodeDiscovery.class);

    private final EngineNode node;
    private final Clock clock;
    private final List<PeerDiscovery> methods = new CopyOnWriteArrayList<>();
    private final Map<String, DiscoveryTable> tables = new ConcurrentHashMap<>();

    NodeDiscovery(EngineNode node, Clock clock) {
        this.node = node;
        this.clock = clock;
    }

    /** Creates and starts every provider found; one that fails is logged and skipped. */
    void start() {
        for (DiscoveryProvider p : ServiceLoader.load(DiscoveryProvider.class, EngineNode.class.getClassLoader())) {
            PeerDiscovery d = null;
            try {
                d = p.create(this);
                d.start();
                methods.add(d);
            } catch (Exception | ServiceConfigurationError e) {
                LOG.warn("discovery method {} unavailable: {}", safeName(p), e.toString());
                if (d != null) {
                    d.close();
                }
            }
        }
        node.timer().scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static String safeName(DiscoveryProvider p) {
        try {
            return p.name();
        } catch (RuntimeException e) {
            return p.getClass().getName();
        }
    }

    /** The names of the running methods. */
    List<String> methodNames() {
        List<String> out = new ArrayList<>();
        for (PeerDiscovery d : methods) {
            out.add(d.name());
        }
        return out;
    }

    void addFolder(FolderConfig config) {
        tables.putIfAbsent(config.key().discoveryIdHex(), new DiscoveryTable());
        for (PeerDiscovery d : methods) {
            try {
                d.addFolder(config);
            } catch (RuntimeException e) {
                LOG.warn("discovery method {} failed to add folder {}: {}", d.name(), config.key(), e.toString());
            }
        }
    }

    void removeFolder(FolderConfig config) {
        for (PeerDiscovery d : methods) {
            try {
                d.removeFolder(config);
            } catch (RuntimeException e) {
                LOG.warn("discovery method {} failed to remove folder {}: {}", d.name(), config.key(), e.toString());
            }
        }
        tables.remove(config.key().discoveryIdHex());
    }

    void close() {
        for (PeerDiscovery d : methods) {
            try {
                d.close();
            } catch (RuntimeException e) {
                LOG.warn("discovery method {} failed to close: {}", d.name(), e.toString());
            }
        }
        methods.clear();
    }

    /** The live entries of a folder, most recently seen first. */
    List<DiscoveredPeer> peers(String folderId) {
        DiscoveryTable t = tables.get(folderId);
        return t == null ? List.of() : t.snapshot();
    }

    // ---- DiscoveryContext ----

    @Override
    public DeviceId deviceId() {
        return node.deviceId();
    }

    @Override
    public List<InetSocketAddress> listenAddresses() {
        return List.copyOf(new LinkedHashSet<>(node.listenAddresses()));
    }

    @Override
    public List<SharedDatagramSocket> datagramSockets() {
        return node.datagramSockets();
    }

    @Override
    public Path dataDir() {
        return node.dataDir();
    }

    @Override
    public List<InetSocketAddress> dhtBootstrap() {
        return node.dhtBootstrap();
    }

    @Override
    public void found(byte[] discoveryId, InetSocketAddress address, DeviceId device, String method) {
        if (discoveryId == null || discoveryId.length != SyncKey.DISCOVERY_ID_LENGTH || address == null
                || address.isUnresolved() || address.getPort() == 0 || !dialable(address.getAddress())
                || method == null || method.length() > MAX_METHOD_NAME_CHARS) {
            return;
        }
        DiscoveryTable table = tables.get(HexFormat.of().formatHex(discoveryId));
        if (table == null) {
            return;
        }
        try {
            node.io().execute(() -> report(table, HexFormat.of().formatHex(discoveryId), address, device, method));
        } catch (RuntimeException e) {
            // shutting down
        }
    }

    private void report(DiscoveryTable table, String folderId, InetSocketAddress address, DeviceId device, String method) {
        FolderRunner folder = node.folderRunner(folderId);
        if (folder == null || isSelf(address, device)) {
            return;
        }
        InetSocketAddress target = new InetSocketAddress(address.getAddress(), address.getPort());
        Instant now = clock.instant();
        List<InetSocketAddress> undial;
        boolean dial;
        synchronized (table) {
            if (!table.record(target, device, method, now, MAX_ENTRIES_PER_FOLDER)) {
                return;
            }
            DeviceId who = device != null ? device : folder.dialer().deviceAt(target);
            if (who != null && folder.hasSession(who) || connectedAt(folder, target)) {
                return;
            }
            // Best address wins: a worse-ranked address of a device with a live better one is not dialled.
            dial = true;
            undial = new ArrayList<>();
            if (who != null) {
                for (InetSocketAddress other : table.addressesOf(who, folder.dialer()::deviceAt)) {
                    if (other.equals(target)) {
                        continue;
                    }
                    if (DiscoveryTable.rank(other) < DiscoveryTable.rank(target)) {
                        dial = false;
                    } else if (DiscoveryTable.rank(other) > DiscoveryTable.rank(target)) {
                        undial.add(other);
                    }
                }
            }
        }
        if (dial) {
            for (InetSocketAddress worse : undial) {
                folder.dialer().removeDiscovered(worse);
            }
            folder.dialer().addDiscovered(target, device);
        }
    }

    /**
     * Whether a peer could accept a connection at {@code ip}: not a wildcard (0.0.0.0 connects to
     * this host), a multicast group or the IPv4 broadcast address, which a tracker, a DHT node
     * or a peer may report by mistake or on purpose.
     */
    static boolean dialable(InetAddress ip) {
        if (ip.isAnyLocalAddress() || ip.isMulticastAddress()) {
            return false;
        }
        byte[] b = ip.getAddress();
        return !(b.length == 4 && (b[0] & b[1] & b[2] & b[3]) == (byte) 0xFF);
    }

    private static boolean connectedAt(FolderRunner folder, InetSocketAddress address) {
        for (PeerInfo p : folder.peers()) {
            if (address.equals(p.address())) {
                return true;
            }
        }
        return false;
    }

    /** This node's device, or one of this node's listen addresses (a wildcard one matches any local address). */
    private boolean isSelf(InetSocketAddress address, DeviceId device) {
        if (device != null && device.equals(node.deviceId())) {
            return true;
        }
        for (InetSocketAddress l : node.listenAddresses()) {
            if (l.getPort() != address.getPort()) {
                continue;
            }
            if (l.getAddress().equals(address.getAddress())) {
                return true;
            }
            if (l.getAddress().isAnyLocalAddress() && isLocal(address.getAddress())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLocal(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /** Forgets entries not reported within {@link #EXPIRY} and stops dialling their addresses. */
    void sweep() {
        Instant cutoff = clock.instant().minus(EXPIRY);
        for (Map.Entry<String, DiscoveryTable> e : tables.entrySet()) {
            FolderRunner folder = node.folderRunner(e.getKey());
            List<InetSocketAddress> gone;
            synchronized (e.getValue()) {
                gone = e.getValue().expire(cutoff);
            }
            if (folder != null) {
                for (InetSocketAddress a : gone) {
                    folder.dialer().removeDiscovered(a);
                }
            }
        }
    }
}
