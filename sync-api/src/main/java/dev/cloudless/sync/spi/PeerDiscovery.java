package dev.cloudless.sync.spi;

import dev.cloudless.sync.FolderConfig;
import java.io.IOException;

/**
 * One way of finding the addresses of peers that share a folder: LAN announcements, a tracker,
 * the DHT. A folder is found by its 20-byte discovery id ({@link dev.cloudless.sync.SyncKey#discoveryId()}),
 * which reveals nothing else about it.
 *
 * <p>Implementations own their threads and sockets, never block the caller, and report what they
 * find through {@link DiscoveryContext#found}. They honour each folder's
 * {@link dev.cloudless.sync.DiscoverySettings}: a folder whose setting switches this method off
 * is neither announced nor looked up. Every datagram they receive is hostile input: malformed
 * input is dropped, and state is bounded whatever arrives.
 */
public interface PeerDiscovery extends AutoCloseable {
    /** The method's short name, as reported in peer status: {@code "lan"}, {@code "tracker"}, {@code "dht"}. */
    String name();

    /**
     * Opens sockets and starts the background work. Called once, before any folder is added.
     *
     * @throws IOException if a socket cannot be opened; the node then runs without this method
     */
    void start() throws IOException;

    /**
     * Starts announcing and looking up {@code folder}; called again with the new configuration
     * when a folder's settings change.
     */
    void addFolder(FolderConfig folder);

    /** Stops announcing and looking up the folder with this configuration's key (as a tracker's {@code stopped} event). */
    void removeFolder(FolderConfig folder);

    /** Stops everything and releases sockets and threads, taking a bounded time; idempotent. */
    @Override
    void close();
}
