package dev.cloudless.sync.discovery.dht;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * A Kademlia routing table (BEP 5): buckets of at most {@link #K} nodes, indexed by how many
 * leading bits a node shares with our id. Only the last bucket, the one our own id falls in,
 * is ever split, so the table holds at most {@code 160 * K} nodes plus as many replacement
 * candidates. Not thread-safe: the owning {@link DhtNode} serialises access.
 */
final class RoutingTable {
    /** Nodes per bucket. */
    static final int K = 8;
    /** Candidates kept per bucket to replace nodes that go bad. */
    static final int REPLACEMENTS_PER_BUCKET = K;
    /** A node silent this long is questionable and gets pinged (BEP 5: 15 minutes). */
    static final long QUESTIONABLE_AFTER_NANOS = 15L * 60 * 1_000_000_000L;
    /** Unanswered queries after which a node is bad and may be replaced. */
    static final int BAD_AFTER_FAILURES = 2;
    /** Unanswered queries after which a node is dropped even without a replacement. */
    static final int DROP_AFTER_FAILURES = 5;

    /** One known node. */
    static final class Entry {
        final NodeInfo node;
        long lastSeen;
        int failures;

        Entry(NodeInfo node, long lastSeen) {
            this.node = node;
            this.lastSeen = lastSeen;
        }

        boolean bad() {
            return failures >= BAD_AFTER_FAILURES;
        }
    }

    private static final class Bucket {
        final List<Entry> live = new ArrayList<>(K);
        final ArrayDeque<Entry> replacements = new ArrayDeque<>(REPLACEMENTS_PER_BUCKET);
        long lastChanged;
    }

    private final NodeId own;
    private final List<Bucket> buckets = new ArrayList<>();

    RoutingTable(NodeId own, long now) {
        this.own = own;
        Bucket first = new Bucket();
        first.lastChanged = now;
        buckets.add(first);
    }

    NodeId ownId() {
        return own;
    }

    private int indexOf(NodeId id) {
        return Math.min(own.commonPrefix(id), buckets.size() - 1);
    }

    /**
     * Records that {@code node} answered us or queried us: refreshes it, or inserts it when its
     * bucket has room (splitting our own bucket), or replaces a bad node, or else keeps it as a
     * replacement candidate. Returns a questionable node the caller should ping, else null.
     */
    Entry seen(NodeInfo node, long now) {
        if (node.id().equals(own)) {
            return null;
        }
        Entry existing = find(node.address());
        if (existing != null) {
            if (existing.node.id().equals(node.id())) {
                existing.lastSeen = now;
                existing.failures = 0;
                return null;
            }
            remove(node.address()); // the address now speaks for another id
        }
        while (true) {
            int index = indexOf(node.id());
            Bucket b = buckets.get(index);
            for (Entry e : b.live) {
                if (e.node.id().equals(node.id())) {
                    return null; // same id from another address: keep the one we know
                }
            }
            if (b.live.size() < K) {
                b.live.add(new Entry(node, now));
                b.lastChanged = now;
                b.replacements.removeIf(r -> r.node.address().equals(node.address()));
                return null;
            }
            if (index == buckets.size() - 1 && buckets.size() < NodeId.BITS) {
                split();
                continue;
            }
            for (int i = 0; i < b.live.size(); i++) {
                if (b.live.get(i).bad()) {
                    b.live.set(i, new Entry(node, now));
                    b.lastChanged = now;
                    return null;
                }
            }
            b.replacements.removeIf(r -> r.node.address().equals(node.address()));
            if (b.replacements.size() >= REPLACEMENTS_PER_BUCKET) {
                b.replacements.removeFirst();
            }
            b.replacements.addLast(new Entry(node, now));
            Entry oldest = null;
            for (Entry e : b.live) {
                if (now - e.lastSeen > QUESTIONABLE_AFTER_NANOS && (oldest == null || e.lastSeen < oldest.lastSeen)) {
                    oldest = e;
                }
            }
            return oldest;
        }
    }

    private void split() {
        int last = buckets.size() - 1;
        Bucket old = buckets.get(last);
        Bucket next = new Bucket();
        next.lastChanged = old.lastChanged;
        buckets.add(next);
        for (Iterator<Entry> it = old.live.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (own.commonPrefix(e.node.id()) > last) {
                it.remove();
                next.live.add(e);
            }
        }
        for (Iterator<Entry> it = old.replacements.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (own.commonPrefix(e.node.id()) > last) {
                it.remove();
                next.replacements.addLast(e);
            }
        }
    }

    /** Records an unanswered query; a bad node is replaced by the newest candidate, or dropped at last. */
    void failed(InetSocketAddress address) {
        for (Bucket b : buckets) {
            for (int i = 0; i < b.live.size(); i++) {
                Entry e = b.live.get(i);
                if (e.node.address().equals(address)) {
                    e.failures++;
                    if (e.bad() && !b.replacements.isEmpty()) {
                        b.live.set(i, b.replacements.removeLast());
                    } else if (e.failures >= DROP_AFTER_FAILURES) {
                        b.live.remove(i);
                    }
                    return;
                }
            }
        }
    }

    /** Drops the node at {@code address} (it sent garbage), promoting a candidate in its place. */
    boolean remove(InetSocketAddress address) {
        boolean removed = false;
        for (Bucket b : buckets) {
            removed |= b.replacements.removeIf(e -> e.node.address().equals(address));
            for (int i = 0; i < b.live.size(); i++) {
                if (b.live.get(i).node.address().equals(address)) {
                    b.live.remove(i);
                    if (!b.replacements.isEmpty()) {
                        b.live.add(b.replacements.removeLast());
                    }
                    return true;
                }
            }
        }
        return removed;
    }

    Entry find(InetSocketAddress address) {
        for (Bucket b : buckets) {
            for (Entry e : b.live) {
                if (e.node.address().equals(address)) {
                    return e;
                }
            }
        }
        return null;
    }

    boolean contains(InetSocketAddress address) {
        return find(address) != null;
    }

    /** Up to {@code count} nodes that are not bad, closest to {@code target} first. */
    List<NodeInfo> closest(NodeId target, int count) {
        List<NodeInfo> all = new ArrayList<>();
        for (Bucket b : buckets) {
            for (Entry e : b.live) {
                if (!e.bad()) {
                    all.add(e.node);
                }
            }
        }
        Comparator<NodeInfo> byDistance = (x, y) -> target.closer(x.id(), y.id());
        all.sort(byDistance);
        return all.size() > count ? new ArrayList<>(all.subList(0, count)) : all;
    }

    /** Nodes silent for {@link #QUESTIONABLE_AFTER_NANOS}, at most {@code max}. */
    List<NodeInfo> questionable(long now, int max) {
        List<NodeInfo> out = new ArrayList<>();
        for (Bucket b : buckets) {
            for (Entry e : b.live) {
                if (out.size() < max && now - e.lastSeen > QUESTIONABLE_AFTER_NANOS) {
                    out.add(e.node);
                }
            }
        }
        return out;
    }

    /** The indices of buckets unchanged for {@code age} nanoseconds; refreshing marks them changed. */
    List<Integer> staleBuckets(long now, long age) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < buckets.size(); i++) {
            if (now - buckets.get(i).lastChanged > age) {
                out.add(i);
                buckets.get(i).lastChanged = now;
            }
        }
        return out;
    }

    int bucketCount() {
        return buckets.size();
    }

    /** Live nodes (not candidates). */
    int size() {
        int n = 0;
        for (Bucket b : buckets) {
            n += b.live.size();
        }
        return n;
    }

    /** Live nodes plus replacement candidates: what the table holds in memory. */
    int sizeWithReplacements() {
        int n = 0;
        for (Bucket b : buckets) {
            n += b.live.size() + b.replacements.size();
        }
        return n;
    }

    /** Every live node, most recently seen first. */
    List<NodeInfo> nodes() {
        List<Entry> all = new ArrayList<>();
        for (Bucket b : buckets) {
            all.addAll(b.live);
        }
        all.sort((x, y) -> Long.compare(y.lastSeen, x.lastSeen));
        List<NodeInfo> out = new ArrayList<>(all.size());
        for (Entry e : all) {
            out.add(e.node);
        }
        return out;
    }
}
