package dev.cloudless.sync.discovery.tracker;

import dev.cloudless.sync.spi.DiscoveryContext;
import dev.cloudless.sync.spi.DiscoveryProvider;
import dev.cloudless.sync.spi.PeerDiscovery;

/**
 * Finds peers through BitTorrent trackers: UDP (BEP 15) and HTTP (BEP 3 with compact peer lists,
 * BEP 23). Only the trackers a folder names in {@link dev.cloudless.sync.DiscoverySettings#trackers()}
 * are contacted. Registered as a {@link DiscoveryProvider} service named {@code "tracker"}.
 */
public final class TrackerDiscoveryProvider implements DiscoveryProvider {
    /** Used by {@link java.util.ServiceLoader}. */
    public TrackerDiscoveryProvider() {
    }

    @Override
    public String name() {
        return TrackerDiscovery.NAME;
    }

    @Override
    public PeerDiscovery create(DiscoveryContext context) {
        return new TrackerDiscovery(context);
    }
}
