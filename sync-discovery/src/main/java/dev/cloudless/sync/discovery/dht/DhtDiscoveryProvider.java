package dev.cloudless.sync.discovery.dht;

import dev.cloudless.sync.spi.DiscoveryContext;
import dev.cloudless.sync.spi.DiscoveryProvider;
import dev.cloudless.sync.spi.PeerDiscovery;

/** Registers the mainline DHT ({@link DhtDiscovery}) as discovery method {@value DhtDiscovery#NAME}. */
public final class DhtDiscoveryProvider implements DiscoveryProvider {
    /** For {@link java.util.ServiceLoader}. */
    public DhtDiscoveryProvider() {
    }

    @Override
    public String name() {
        return DhtDiscovery.NAME;
    }

    @Override
    public PeerDiscovery create(DiscoveryContext context) {
        return new DhtDiscovery(context);
    }
}
