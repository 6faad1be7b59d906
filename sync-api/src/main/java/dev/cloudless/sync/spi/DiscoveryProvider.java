package dev.cloudless.sync.spi;

/**
 * Creates one way of finding peers. Discovery modules register implementations in
 * {@code META-INF/services/dev.cloudless.sync.spi.DiscoveryProvider}; the engine creates one
 * {@link PeerDiscovery} per provider and node, and runs them all at once.
 */
public interface DiscoveryProvider {
    /** The method's short name, equal to {@link PeerDiscovery#name()}: {@code "lan"}, {@code "tracker"}, {@code "dht"}. */
    String name();

    /** A new discovery for one node, not yet started. */
    PeerDiscovery create(DiscoveryContext context);
}
