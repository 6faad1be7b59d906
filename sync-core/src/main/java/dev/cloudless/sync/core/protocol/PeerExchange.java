package dev.cloudless.sync.core.protocol;

import dev.cloudless.sync.DeviceId;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Peer exchange (PEX): the port the sender accepts connections on, and where other peers of
 * the same folder that the sender is connected to accept theirs. The receiver pairs
 * {@code listenPort} with the address the session arrived from, and may dial the entries.
 *
 * <p>Body (type {@value Messages#TYPE_PEER_EXCHANGE}), at most {@link Messages#MAX_PEER_EXCHANGE_BODY_BYTES}:
 * <pre>
 * +------------+-----------+----------------------------------------------------------+
 * | listenPort | count     | count × entry                                            |
 * | u16        | u8 ≤ 64   | device[15] | family u8 (4, 6) | address[4 | 16] | port u16 |
 * +------------+-----------+----------------------------------------------------------+
 * </pre>
 * {@code listenPort} 0 means the sender accepts no connections. An entry's port is never 0, its
 * address never the wildcard, a multicast address or (family 6) an IPv4-mapped one, and a device
 * appears at most once.
 *
 * @param listenPort the sender's own listening port, 0 for none
 * @param entries at most {@value #MAX_ENTRIES} peers, one per device
 */
public record PeerExchange(int listenPort, List<Entry> entries) implements Message {
    /** Most entries in one message. */
    public static final int MAX_ENTRIES = 64;
    /** Body bytes before the entries: listenPort and count. */
    static final int FIXED_BYTES = 2 + 1;
    /** Family code of an IPv4 entry. */
    static final int FAMILY_IPV4 = 4;
    /** Family code of an IPv6 entry. */
    static final int FAMILY_IPV6 = 6;
    /** Largest entry, in bytes: device, family, IPv6 address, port. */
    static final int MAX_ENTRY_BYTES = DeviceId.LENGTH + 1 + 16 + 2;
    private static final int MAX_PORT = 0xFFFF;

    /**
     * One peer and the address it accepts connections on.
     *
     * @param device who is there
     * @param address an IPv4 or IPv6 unicast address
     * @param port 1..65535
     */
    public record Entry(DeviceId device, InetAddress address, int port) {
        /** @throws IllegalArgumentException for port 0, a wildcard or multicast address */
        public Entry {
            Objects.requireNonNull(device, "PeerExchange.Entry.device");
            Objects.requireNonNull(address, "PeerExchange.Entry.address");
            if (port < 1 || port > MAX_PORT) {
                throw new IllegalArgumentException("PeerExchange: entry port must be 1.." + MAX_PORT + ", was " + port);
            }
            if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
                throw new IllegalArgumentException("PeerExchange: entry address " + address.getHostAddress()
                        + " is not a unicast address");
            }
        }

        /** Bytes of this entry on the wire. */
        int encodedLength() {
            return DeviceId.LENGTH + 1 + address.getAddress().length + 2;
        }

        /** The wire family code of this entry's address. */
        int family() {
            return address instanceof Inet4Address ? FAMILY_IPV4 : FAMILY_IPV6;
        }
    }

    /** @throws IllegalArgumentException for a bad port, too many entries or a device listed twice */
    public PeerExchange {
        if (listenPort < 0 || listenPort > MAX_PORT) {
            throw new IllegalArgumentException("PeerExchange.listenPort must be 0.." + MAX_PORT + ", was " + listenPort);
        }
        entries = List.copyOf(entries);
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("PeerExchange: " + entries.size() + " entries, at most " + MAX_ENTRIES);
        }
        Set<DeviceId> seen = new HashSet<>();
        for (Entry e : entries) {
            if (!seen.add(e.device())) {
                throw new IllegalArgumentException("PeerExchange: device " + e.device() + " listed twice");
            }
        }
    }

    /** Bytes of the body. */
    int bodyLength() {
        int n = FIXED_BYTES;
        for (Entry e : entries) {
            n += e.encodedLength();
        }
        return n;
    }
}
