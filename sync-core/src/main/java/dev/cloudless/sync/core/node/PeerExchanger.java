package dev.cloudless.sync.core.node;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.core.protocol.PeerExchange;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Peer exchange for one folder (docs/discovery.md § PEX): tells each connected peer where the
 * folder's other connected peers accept connections, and reports what peers tell us to
 * discovery as method {@value #METHOD}. Does nothing while the folder's
 * {@code discovery().peerExchange()} is off.
 *
 * <p>A peer we dialled is listed at the address we dialled; one that dialled us at its
 * connection's IP with the listen port from its own PeerExchange, and not at all before that
 * arrives (its source port accepts nothing). Every method runs on the folder's serial executor.
 */
final class PeerExchanger {
    /** The discovery method name of addresses learnt this way. */
    static final String METHOD = "pex";
    /** At most one PeerExchange per session per this interval; changes within it wait for its end. */
    static final Duration MIN_SEND_INTERVAL = Duration.ofSeconds(10);
    /**
     * An unchanged list is sent again this often, so the receiver renews its entries before
     * {@link NodeDiscovery#EXPIRY} (10 min) drops them.
     */
    static final Duration REFRESH_INTERVAL = Duration.ofMinutes(4);
    /** Messages of one peer arriving closer together than this are ignored: its sending is rate-limited too. */
    static final Duration MIN_RECEIVE_INTERVAL = MIN_SEND_INTERVAL.dividedBy(2);

    private final EngineNode node;
    private final FolderRunner folder;
    private final byte[] discoveryId;
    private final Map<PeerSession, State> states = new HashMap<>();

    /** What we know of and sent to one session. */
    private static final class State {
        /** The peer's listen port from its PeerExchange; 0 until then or if it accepts nothing. */
        int peerListenPort;
        PeerExchange lastSent;
        long lastSentNanos;
        boolean resendScheduled;
        boolean forceNext;
        long lastReceivedNanos;
        boolean received;
    }

    PeerExchanger(EngineNode node, FolderRunner folder, byte[] discoveryId) {
        this.node = node;
        this.folder = folder;
        this.discoveryId = discoveryId.clone();
    }

    private boolean enabled() {
        return folder.config().discovery().peerExchange();
    }

    /** The peer said hello: it gets its first list now, the others learn it is here. */
    void helloReceived(PeerSession s) {
        if (!enabled()) {
            return;
        }
        states.put(s, new State());
        peersChanged();
    }

    /** The session left the folder. */
    void detached(PeerSession s) {
        if (states.remove(s) != null) {
            peersChanged();
        }
    }

    /** Sends every session its list again even if unchanged (renewal), within the rate limit. */
    void refresh() {
        for (Map.Entry<PeerSession, State> e : states.entrySet()) {
            e.getValue().forceNext = true;
            maybeSend(e.getKey(), e.getValue());
        }
    }

    private void peersChanged() {
        for (Map.Entry<PeerSession, State> e : new ArrayList<>(states.entrySet())) {
            maybeSend(e.getKey(), e.getValue());
        }
    }

    private void maybeSend(PeerSession s, State st) {
        PeerExchange next = new PeerExchange(listenPort(), entriesFor(s));
        if (next.equals(st.lastSent) && !st.forceNext) {
            return; // deduplicated: the peer has this list
        }
        long wait = st.lastSent == null ? 0 : st.lastSentNanos + MIN_SEND_INTERVAL.toNanos() - System.nanoTime();
        if (wait > 0) {
            if (!st.resendScheduled) {
                st.resendScheduled = true;
                folder.later(() -> {
                    st.resendScheduled = false;
                    if (states.get(s) == st) {
                        maybeSend(s, st);
                    }
                }, wait);
            }
            return;
        }
        st.lastSent = next;
        st.lastSentNanos = System.nanoTime();
        st.forceNext = false;
        s.send(next);
    }

    /** Where the other connected peers accept connections, as far as we know, at most {@value PeerExchange#MAX_ENTRIES}. */
    private List<PeerExchange.Entry> entriesFor(PeerSession target) {
        InetSocketAddress targetAddress = target.channel().connection().remoteAddress();
        boolean targetOnLoopback = targetAddress.getAddress() != null && targetAddress.getAddress().isLoopbackAddress();
        List<PeerExchange.Entry> out = new ArrayList<>();
        for (Map.Entry<PeerSession, State> e : states.entrySet()) {
            PeerSession s = e.getKey();
            if (s == target || s.device().equals(target.device())) {
                continue;
            }
            InetSocketAddress remote = s.channel().connection().remoteAddress();
            InetAddress ip = remote.getAddress();
            int port = s.dialed() != null ? remote.getPort() : e.getValue().peerListenPort;
            // A loopback address means something else on the target's machine: only for local peers.
            if (ip == null || port == 0 || ip.isAnyLocalAddress() || ip.isMulticastAddress()
                    || ip.isLoopbackAddress() && !targetOnLoopback) {
                continue;
            }
            out.add(new PeerExchange.Entry(s.device(), ip, port));
        }
        out.sort(Comparator.comparing(PeerExchange.Entry::device)); // a stable order, so equal lists compare equal
        return out.size() > PeerExchange.MAX_ENTRIES ? out.subList(0, PeerExchange.MAX_ENTRIES) : out;
    }

    private int listenPort() {
        List<InetSocketAddress> listening = node.listenAddresses();
        return listening.isEmpty() ? 0 : listening.get(0).getPort();
    }

    /** A peer's list: learn its listen port, report the peers it names that we are not connected to. */
    void received(PeerSession s, PeerExchange m) {
        State st = states.get(s);
        if (!enabled() || st == null) {
            return;
        }
        long now = System.nanoTime();
        if (st.received && now - st.lastReceivedNanos < MIN_RECEIVE_INTERVAL.toNanos()) {
            return;
        }
        st.received = true;
        st.lastReceivedNanos = now;
        if (st.peerListenPort != m.listenPort()) {
            st.peerListenPort = m.listenPort();
            peersChanged();
        }
        DeviceId me = node.deviceId();
        for (PeerExchange.Entry e : m.entries()) {
            if (e.device().equals(me) || folder.hasSession(e.device())) {
                continue;
            }
            node.discovery().found(discoveryId, new InetSocketAddress(e.address(), e.port()), e.device(), METHOD);
        }
    }
}
