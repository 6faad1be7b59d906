package dev.cloudless.sync.discovery.lan;

import dev.cloudless.sync.FolderConfig;
import dev.cloudless.sync.core.crypto.Hkdf;
import dev.cloudless.sync.core.keys.FolderSecrets;
import dev.cloudless.sync.spi.DiscoveryContext;
import dev.cloudless.sync.spi.PeerDiscovery;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds peers on the local network: every {@link #ANNOUNCE_INTERVAL} (and at once when a folder
 * is added) each folder with LAN discovery on is announced by IPv4 broadcast and by IPv4 and IPv6
 * multicast on every interface that is up, from and to UDP port {@link #DEFAULT_PORT}. A node that
 * shares the folder reports the sender and answers with a unicast reply, so both sides learn of
 * each other. The folder is identified by an HMAC under its LAN key ({@link Announcement}), which
 * is derived from the folder's handshake secret: known at every access level, never sent, so
 * unlike the public discovery id it cannot be matched by someone who only saw a tracker or the DHT.
 * Received datagrams are rate-limited ({@link #MAX_DATAGRAMS_PER_SECOND}) before any HMAC is
 * computed, and replies to one source at most once per {@link #REPLY_INTERVAL}.
 */
final class LanDiscovery implements PeerDiscovery {
    static final String NAME = "lan";
    static final int DEFAULT_PORT = 21035;
    /** Organisation-local scope (RFC 2365). */
    static final String IPV4_GROUP = "239.192.21.35";
    /** Link-local scope, transient. */
    static final String IPV6_GROUP = "ff12::2135";
    static final Duration ANNOUNCE_INTERVAL = Duration.ofSeconds(30);
    static final int MAX_DATAGRAMS_PER_SECOND = 200;
    static final Duration REPLY_INTERVAL = Duration.ofSeconds(1);
    /** Most sources remembered for reply rate limiting; the memory is cleared when it fills. */
    static final int MAX_REPLY_SOURCES = 1024;
    private static final int NONCE_BYTES = Announcement.NONCE_LENGTH;
    private static final Logger LOG = LoggerFactory.getLogger(LanDiscovery.class);

    private final DiscoveryContext context;
    private final int port;
    private final SecureRandom random = new SecureRandom();
    /** Folders with LAN on: discovery id → (discovery id bytes, LAN key). */
    private final Map<String, Folder> folders = new ConcurrentHashMap<>();
    private final Map<String, Long> lastReply = Collections.synchronizedMap(new LinkedHashMap<>());
    private ScheduledExecutorService timer;
    private MulticastSocket socket;
    private Thread receiver;
    private volatile boolean closed;
    private long windowStart;
    private int windowCount;

    private record Folder(byte[] discoveryId, byte[] lanKey) { }

    LanDiscovery(DiscoveryContext context, int port) {
        this.context = context;
        this.port = port;
    }

    /** The folder's LAN key: HKDF-SHA256 of its handshake secret with info "cloudless-sync v1 lan". */
    static byte[] lanKey(FolderConfig folder) {
        return Hkdf.derive(FolderSecrets.of(folder.key()).handshakeSecret(), null, Hkdf.label("lan"), Hkdf.HASH_LEN);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lan-announce");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the socket and joins the groups when the first folder with LAN discovery is added, so
     * a node whose folders all have it off sends nothing on the network (not even IGMP joins).
     */
    private synchronized void open() throws IOException {
        if (socket != null || closed) {
            return;
        }
        MulticastSocket s = new MulticastSocket(null);
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(port));
        s.setBroadcast(true);
        s.setTimeToLive(1);
        socket = s;
        for (NetworkInterface nif : interfaces()) {
            for (String g : List.of(IPV4_GROUP, IPV6_GROUP)) {
                try {
                    s.joinGroup(new InetSocketAddress(InetAddress.getByName(g), 0), nif);
                } catch (IOException e) {
                    LOG.debug("cannot join {} on {}: {}", g, nif.getName(), e.toString());
                }
            }
        }
        long every = ANNOUNCE_INTERVAL.toMillis();
        timer.scheduleWithFixedDelay(this::announceAll, every, every, TimeUnit.MILLISECONDS);
        receiver = new Thread(this::receive, "lan-receive");
        receiver.setDaemon(true);
        receiver.start();
    }

    private static List<NetworkInterface> interfaces() throws IOException {
        List<NetworkInterface> out = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isUp() && !nif.isLoopback() && nif.supportsMulticast()) {
                out.add(nif);
            }
        }
        return out;
    }

    @Override
    public void addFolder(FolderConfig folder) {
        String id = folder.key().discoveryIdHex();
        if (!folder.discovery().lan()) {
            folders.remove(id);
            return;
        }
        try {
            open();
        } catch (IOException e) {
            LOG.warn("LAN discovery unavailable: cannot open UDP port {}: {}", port, e.toString());
            return;
        }
        Folder f = new Folder(folder.key().discoveryId(), lanKey(folder));
        folders.put(id, f);
        ScheduledExecutorService t = timer;
        if (t != null && !closed) {
            t.execute(() -> announce(f));
        }
    }

    @Override
    public void removeFolder(FolderConfig folder) {
        folders.remove(folder.key().discoveryIdHex());
    }

    private void announceAll() {
        for (Folder f : folders.values()) {
            announce(f);
        }
    }

    private int listenPort() {
        List<InetSocketAddress> l = context.listenAddresses();
        return l.isEmpty() ? 0 : l.get(0).getPort();
    }

    private byte[] datagram(Folder f, boolean reply) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        return Announcement.create(reply, context.deviceId(), listenPort(), nonce, f.lanKey()).encode();
    }

    /** Broadcast and multicast on every interface that is up, a fresh nonce per datagram. */
    private void announce(Folder f) {
        if (closed || listenPort() == 0) {
            return;
        }
        try {
            for (NetworkInterface nif : interfaces()) {
                for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
                    if (ia.getAddress() instanceof Inet4Address && ia.getBroadcast() != null) {
                        send(datagram(f, false), new InetSocketAddress(ia.getBroadcast(), port));
                    }
                }
                boolean v4 = false;
                boolean v6 = false;
                for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
                    v4 |= ia.getAddress() instanceof Inet4Address;
                    v6 |= ia.getAddress() instanceof Inet6Address;
                }
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    socket.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
                    if (v4) {
                        send(datagram(f, false), new InetSocketAddress(InetAddress.getByName(IPV4_GROUP), port));
                    }
                    if (v6) {
                        send(datagram(f, false), new InetSocketAddress(InetAddress.getByName(IPV6_GROUP), port));
                    }
                }
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.debug("LAN announcement failed: {}", e.toString());
            }
        }
    }

    private void send(byte[] data, SocketAddress to) {
        try {
            socket.send(new DatagramPacket(data, data.length, to));
        } catch (IOException e) {
            LOG.debug("LAN send to {} failed: {}", to, e.toString());
        }
    }

    private void receive() {
        byte[] buf = new byte[Announcement.LENGTH + 1]; // one more: an oversized datagram shows as too long
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            if (!admit()) {
                continue;
            }
            try {
                handle(Announcement.decode(buf, p.getLength()), (InetSocketAddress) p.getSocketAddress());
            } catch (MalformedAnnouncementException e) {
                LOG.trace("dropped a LAN datagram from {}: {}", p.getSocketAddress(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.debug("LAN datagram from {} failed: {}", p.getSocketAddress(), e.toString());
            }
        }
    }

    /** A fixed window of one second admitting {@link #MAX_DATAGRAMS_PER_SECOND}. */
    private boolean admit() {
        long now = System.nanoTime();
        if (now - windowStart > 1_000_000_000L) {
            windowStart = now;
            windowCount = 0;
        }
        return ++windowCount <= MAX_DATAGRAMS_PER_SECOND;
    }

    void handle(Announcement a, InetSocketAddress from) {
        if (a.device().equals(context.deviceId())) {
            return; // our own, looped back
        }
        for (Folder f : folders.values()) {
            if (!a.isFor(f.lanKey())) {
                continue;
            }
            context.found(f.discoveryId(), new InetSocketAddress(from.getAddress(), a.port()), a.device(), NAME);
            if (!a.reply() && mayReply(from, f)) {
                send(datagram(f, true), from);
            }
            return;
        }
        // a folder we do not share: ignored
    }

    private boolean mayReply(InetSocketAddress to, Folder f) {
        String k = to + "/" + java.util.HexFormat.of().formatHex(f.discoveryId());
        long now = System.nanoTime();
        synchronized (lastReply) {
            Long last = lastReply.get(k);
            if (last != null && now - last < REPLY_INTERVAL.toNanos()) {
                return false;
            }
            if (lastReply.size() >= MAX_REPLY_SOURCES) {
                lastReply.clear();
            }
            lastReply.put(k, now);
            return true;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (timer != null) {
                timer.shutdownNow();
            }
            if (socket != null) {
                socket.close();
            }
        }
        if (receiver != null) {
            try {
                receiver.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
