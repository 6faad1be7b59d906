package dev.cloudless.sync;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which ways of finding peers one folder uses. Every method can be switched off per folder, and
 * none contacts a host the user did not configure: LAN discovery speaks only to the local
 * network, peer exchange only to peers already connected, trackers only to {@link #trackers()},
 * and the DHT only through the node's bootstrap nodes ({@link SyncNode.Builder#dhtBootstrap}).
 *
 * <pre>{@code
 * FolderConfig.builder(dir, key)
 *         .discovery(DiscoverySettings.DEFAULT.withTrackers(List.of(URI.create("udp://tracker.example:6969"))))
 *         .build();
 * }</pre>
 *
 * @param lan announce and listen on the local network (broadcast and multicast)
 * @param peerExchange learn peers of this folder from connected peers, and tell them ours
 * @param dht announce and look up the folder's discovery id on the mainline DHT
 * @param trackers BitTorrent trackers ({@code udp://host:port} per BEP 15 or
 *     {@code http(s)://host[:port]/announce} per BEP 3) announced to with the discovery id as the
 *     info-hash; empty: none
 */
public record DiscoverySettings(boolean lan, boolean peerExchange, boolean dht, List<URI> trackers) {
    /** Most trackers one folder may name. */
    public static final int MAX_TRACKERS = 32;

    /** LAN, peer exchange and DHT on; no trackers. */
    public static final DiscoverySettings DEFAULT = new DiscoverySettings(true, true, true, List.of());

    /** Every method off: the folder only dials its known hosts ({@link FolderConfig#peers()}). */
    public static final DiscoverySettings NONE = new DiscoverySettings(false, false, false, List.of());

    /** Validates the tracker addresses; the message names the culprit. */
    public DiscoverySettings {
        trackers = List.copyOf(Objects.requireNonNull(trackers, "DiscoverySettings.trackers"));
        if (trackers.size() > MAX_TRACKERS) {
            throw new IllegalArgumentException(
                    "DiscoverySettings.trackers: at most " + MAX_TRACKERS + " trackers, was " + trackers.size());
        }
        for (URI t : trackers) {
            String scheme = t.getScheme() == null ? "" : t.getScheme().toLowerCase(Locale.ROOT);
            boolean ok = switch (scheme) {
                case "udp" -> t.getHost() != null && t.getPort() > 0;
                case "http", "https" -> t.getHost() != null;
                default -> false;
            };
            if (!ok) {
                throw new IllegalArgumentException("DiscoverySettings.trackers: '" + t
                        + "' is not udp://host:port or http(s)://host[:port]/path");
            }
        }
    }

    /** This setting with LAN discovery switched on or off. */
    public DiscoverySettings withLan(boolean on) {
        return new DiscoverySettings(on, peerExchange, dht, trackers);
    }

    /** This setting with peer exchange switched on or off. */
    public DiscoverySettings withPeerExchange(boolean on) {
        return new DiscoverySettings(lan, on, dht, trackers);
    }

    /** This setting with the DHT switched on or off. */
    public DiscoverySettings withDht(boolean on) {
        return new DiscoverySettings(lan, peerExchange, on, trackers);
    }

    /** This setting with these trackers (empty: none). */
    public DiscoverySettings withTrackers(List<URI> trackerList) {
        return new DiscoverySettings(lan, peerExchange, dht, trackerList);
    }
}
