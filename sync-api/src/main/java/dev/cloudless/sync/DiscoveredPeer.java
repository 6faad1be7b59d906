package dev.cloudless.sync;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * An address at which some discovery method reported a peer of one folder
 * ({@link Folder#discoveredPeers()}). One entry per address and method: a peer found both on the
 * LAN and through a tracker is listed twice. Discovered addresses, unlike the configured
 * {@link FolderConfig#peers() known hosts}, are forgotten when no method reports them again for a
 * while, so {@code lastSeen} is never older than that expiry.
 *
 * @param address where the peer accepts connections
 * @param device the peer's device id when the method learnt it (LAN announcements), else null;
 *     unverified until a session with the peer proves it
 * @param method the name of the method that reported it: {@code "lan"}, {@code "tracker"},
 *     {@code "dht"}, {@code "pex"}
 * @param firstSeen when the method first reported the address
 * @param lastSeen when the method last reported the address
 */
public record DiscoveredPeer(InetSocketAddress address, DeviceId device, String method, Instant firstSeen,
                             Instant lastSeen) {
    /** Checks for nulls ({@code device} may be null). */
    public DiscoveredPeer {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(lastSeen, "lastSeen");
    }
}
