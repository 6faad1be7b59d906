package dev.cloudless.sync.spi;

import dev.cloudless.sync.DeviceId;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/** What the engine gives a {@link PeerDiscovery}: who this node is, where it listens, where to report. */
public interface DiscoveryContext {
    /** This node's device id. */
    DeviceId deviceId();

    /**
     * The addresses the node's stream transports accept connections on, as bound (a wildcard
     * address means every interface). TCP and uTP listen on the same port numbers, so a port
     * announced once reaches both.
     */
    List<InetSocketAddress> listenAddresses();

    /**
     * The UDP sockets of the node's listeners that other protocols may share (uTP's, one per
     * listen address, bound to the listen port unless uTP had to fall back to another). A
     * method that speaks UDP uses one of these rather than opening its own, so that it is
     * reached on the port the node announces; with none (uTP off), it opens its own. The sockets
     * stay open until the node closes, after every discovery method; a method closes only its
     * registrations. Empty by default.
     */
    default List<SharedDatagramSocket> datagramSockets() {
        return List.of();
    }

    /** The node's data directory, where a method may keep state (a DHT routing table). */
    Path dataDir();

    /** DHT nodes to bootstrap from, as configured on the node (empty: none, so the DHT stays silent). */
    List<InetSocketAddress> dhtBootstrap();

    /**
     * Reports that a peer of the folder with this discovery id may be reached at
     * {@code address}. Thread-safe and non-blocking; may be called again for the same address
     * (each report renews it); reports for folders this node does not share are ignored.
     *
     * @param discoveryId the folder's 20-byte discovery id
     * @param address where the peer accepts connections
     * @param device the peer's device id when the method learnt it (LAN announcements), else null
     * @param method the name of the reporting method
     */
    void found(byte[] discoveryId, InetSocketAddress address, DeviceId device, String method);
}
