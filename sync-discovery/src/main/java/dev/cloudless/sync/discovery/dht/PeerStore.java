package dev.cloudless.sync.discovery.dht;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The peers announced to us, per info-hash, each expiring {@link #PEER_TTL_NANOS} after its last
 * announce. Bounded twice: {@link #MAX_INFO_HASHES} hashes (the least recently announced goes
 * first) and {@link #MAX_PEERS_PER_HASH} peers each (the oldest announce goes first). Not
 * thread-safe.
 */
final class PeerStore {
    /** Info-hashes kept. */
    static final int MAX_INFO_HASHES = 2000;
    /** Peers kept per info-hash. */
    static final int MAX_PEERS_PER_HASH = 100;
    /** Peers returned in one get_peers reply: 50 compact peers fit well within a datagram. */
    static final int MAX_VALUES_PER_REPLY = 50;
    /** An announce is forgotten after 30 minutes (clients re-announce every 15 to 30). */
    static final long PEER_TTL_NANOS = 30L * 60 * 1_000_000_000L;

    private final LinkedHashMap<NodeId, LinkedHashMap<InetSocketAddress, Long>> peers =
            new LinkedHashMap<>(16, 0.75f, false) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<NodeId, LinkedHashMap<InetSocketAddress, Long>> e) {
                    return size() > MAX_INFO_HASHES;
                }
            };

    void add(NodeId infoHash, InetSocketAddress peer, long now) {
        LinkedHashMap<InetSocketAddress, Long> set = peers.remove(infoHash); // re-inserted last: most recent
        if (set == null) {
            set = new LinkedHashMap<>();
        }
        peers.put(infoHash, set);
        set.remove(peer);
        set.put(peer, now + PEER_TTL_NANOS);
        if (set.size() > MAX_PEERS_PER_HASH) {
            Iterator<InetSocketAddress> it = set.keySet().iterator();
            it.next();
            it.remove();
        }
    }

    /** Up to {@code max} unexpired peers of {@code infoHash}, most recently announced first. */
    List<InetSocketAddress> get(NodeId infoHash, long now, int max) {
        LinkedHashMap<InetSocketAddress, Long> set = peers.get(infoHash);
        List<InetSocketAddress> out = new ArrayList<>();
        if (set == null) {
            return out;
        }
        set.values().removeIf(expiry -> expiry - now <= 0);
        List<InetSocketAddress> all = new ArrayList<>(set.keySet());
        for (int i = all.size() - 1; i >= 0 && out.size() < max; i--) {
            out.add(all.get(i));
        }
        return out;
    }

    void expire(long now) {
        for (Iterator<LinkedHashMap<InetSocketAddress, Long>> it = peers.values().iterator(); it.hasNext(); ) {
            LinkedHashMap<InetSocketAddress, Long> set = it.next();
            set.values().removeIf(expiry -> expiry - now <= 0);
            if (set.isEmpty()) {
                it.remove();
            }
        }
    }

    int infoHashes() {
        return peers.size();
    }

    int totalPeers() {
        int n = 0;
        for (LinkedHashMap<InetSocketAddress, Long> set : peers.values()) {
            n += set.size();
        }
        return n;
    }
}
