package dev.cloudless.sync.core.node;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.DiscoveredPeer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** One folder's discovery reports, keyed by address and method; callers synchronize on it. */
final class DiscoveryTable {
    private record Key(InetSocketAddress address, String method) { }

    private static final class Entry {
        DeviceId device;
        final Instant firstSeen;
        Instant lastSeen;

        Entry(DeviceId device, Instant firstSeen) {
            this.device = device;
            this.firstSeen = firstSeen;
            this.lastSeen = firstSeen;
        }
    }

    private final Map<Key, Entry> entries = new LinkedHashMap<>();

    /** Records or renews a report; false when it is new and the table already holds {@code max} entries. */
    boolean record(InetSocketAddress address, DeviceId device, String method, Instant now, int max) {
        Key k = new Key(address, method);
        Entry e = entries.get(k);
        if (e == null) {
            if (entries.size() >= max) {
                return false;
            }
            entries.put(k, new Entry(device, now));
            return true;
        }
        e.lastSeen = now;
        if (device != null) {
            e.device = device;
        }
        return true;
    }

    /** The live addresses at which {@code device} was reported, or (per {@code connected}) connected. */
    Set<InetSocketAddress> addressesOf(DeviceId device, Function<InetSocketAddress, DeviceId> connected) {
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        for (Map.Entry<Key, Entry> e : entries.entrySet()) {
            InetSocketAddress a = e.getKey().address();
            DeviceId d = e.getValue().device != null ? e.getValue().device : connected.apply(a);
            if (device.equals(d)) {
                out.add(a);
            }
        }
        return out;
    }

    /** Drops entries last seen before {@code cutoff}; returns the addresses no method reports any more. */
    List<InetSocketAddress> expire(Instant cutoff) {
        Set<InetSocketAddress> removed = new LinkedHashSet<>();
        entries.entrySet().removeIf(e -> {
            boolean old = e.getValue().lastSeen.isBefore(cutoff);
            if (old) {
                removed.add(e.getKey().address());
            }
            return old;
        });
        for (Key k : entries.keySet()) {
            removed.remove(k.address());
        }
        return new ArrayList<>(removed);
    }

    /** The entries, most recently seen first. */
    synchronized List<DiscoveredPeer> snapshot() {
        List<DiscoveredPeer> out = new ArrayList<>();
        for (Map.Entry<Key, Entry> e : entries.entrySet()) {
            Entry v = e.getValue();
            out.add(new DiscoveredPeer(e.getKey().address(), v.device, e.getKey().method(), v.firstSeen, v.lastSeen));
        }
        out.sort((a, b) -> b.lastSeen().compareTo(a.lastSeen()));
        return out;
    }

    /** 0 for addresses on the local network (loopback, link-local, private, IPv6 ULA), 1 for public ones. */
    static int rank(InetSocketAddress address) {
        InetAddress a = address.getAddress();
        if (a == null) {
            return 1;
        }
        boolean ula = a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc;
        return a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || ula ? 0 : 1;
    }

}
