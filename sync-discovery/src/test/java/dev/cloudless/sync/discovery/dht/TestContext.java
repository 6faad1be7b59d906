package dev.cloudless.sync.discovery.dht;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.spi.DiscoveryContext;
import dev.cloudless.sync.spi.SharedDatagramSocket;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link DiscoveryContext} that records what is found, as the engine would receive it. */
final class TestContext implements DiscoveryContext {
    /** One report. */
    record Found(String discoveryIdHex, InetSocketAddress address, String method) {
    }

    private final List<InetSocketAddress> listen;
    private final Path dataDir;
    private final List<InetSocketAddress> bootstrap;
    private final List<SharedDatagramSocket> sockets;
    final Set<Found> found = ConcurrentHashMap.newKeySet();

    /** A node with no UDP socket to share (TCP only). */
    TestContext(List<InetSocketAddress> listen, Path dataDir, List<InetSocketAddress> bootstrap) {
        this(listen, dataDir, bootstrap, List.of());
    }

    TestContext(List<InetSocketAddress> listen, Path dataDir, List<InetSocketAddress> bootstrap,
                List<SharedDatagramSocket> sockets) {
        this.listen = listen;
        this.dataDir = dataDir;
        this.bootstrap = bootstrap;
        this.sockets = sockets;
    }

    /** A loopback port free for both TCP and UDP right now. */
    static int freePort() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = s.getLocalPort();
                try (DatagramSocket d = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no free port");
    }

    boolean hasFound(byte[] discoveryId, InetSocketAddress address) {
        return found.contains(new Found(HexFormat.of().formatHex(discoveryId), address, DhtDiscovery.NAME));
    }

    @Override
    public DeviceId deviceId() {
        return DeviceId.fromBytes(new byte[DeviceId.LENGTH]);
    }

    @Override
    public List<InetSocketAddress> listenAddresses() {
        return listen;
    }

    @Override
    public List<SharedDatagramSocket> datagramSockets() {
        return sockets;
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public List<InetSocketAddress> dhtBootstrap() {
        return bootstrap;
    }

    @Override
    public void found(byte[] discoveryId, InetSocketAddress address, DeviceId device, String method) {
        found.add(new Found(HexFormat.of().formatHex(discoveryId), address, method));
    }
}
