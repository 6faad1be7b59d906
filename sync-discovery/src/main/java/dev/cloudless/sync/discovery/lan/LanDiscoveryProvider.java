package dev.cloudless.sync.discovery.lan;

import dev.cloudless.sync.spi.DiscoveryContext;
import dev.cloudless.sync.spi.DiscoveryProvider;
import dev.cloudless.sync.spi.PeerDiscovery;

/**
 * Finds peers on the local network by broadcast and multicast announcements that identify the
 * folder only to its members (see docs/discovery.md). Registered as a {@link DiscoveryProvider}
 * service named {@code "lan"}; a folder takes part only with {@link dev.cloudless.sync.DiscoverySettings#lan()} on.
 */
public final class LanDiscoveryProvider implements DiscoveryProvider {
    /** Used by {@link java.util.ServiceLoader}. */
    public LanDiscoveryProvider() {
    }

    @Override
    public String name() {
        return LanDiscovery.NAME;
    }

    @Override
    public PeerDiscovery create(DiscoveryContext context) {
        return new LanDiscovery(context, LanDiscovery.DEFAULT_PORT);
    }
}
