package dev.cloudless.sync;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The validated configuration of a node, as {@link SyncNode.Builder} hands it to the engine
 * through {@link dev.cloudless.sync.spi.NodeFactory}. Applications use the builder instead.
 *
 * @param dataDir where the device key and the index database live
 * @param folders the folders shared from the start
 * @param listen addresses to listen on (port 0: any free port)
 * @param deviceName the name announced to peers
 * @param rateLimits initial transfer limits
 * @param shutdownTimeout bound on how long closing may take
 * @param dhtBootstrap DHT nodes to bootstrap from (empty: the DHT contacts nobody)
 * @param transports names of the transports to use, such as {@code "tcp"} and {@code "utp"}
 *     (empty: every transport on the class path)
 */
public record NodeSettings(Path dataDir, List<FolderConfig> folders, List<InetSocketAddress> listen, String deviceName,
                           RateLimits rateLimits, Duration shutdownTimeout, List<InetSocketAddress> dhtBootstrap,
                           List<String> transports) {
    /** Longest device name, in characters. */
    public static final int MAX_DEVICE_NAME_CHARS = 64;

    /** Validates; rejects a folder path or key given twice. */
    public NodeSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        folders = List.copyOf(folders);
        listen = List.copyOf(listen);
        Objects.requireNonNull(deviceName, "deviceName");
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        dhtBootstrap = List.copyOf(dhtBootstrap);
        transports = List.copyOf(transports);
        Set<Path> paths = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (FolderConfig f : folders) {
            if (!paths.add(f.path().toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("folder " + f.path() + " is shared twice");
            }
            if (!ids.add(f.key().discoveryIdHex())) {
                throw new IllegalArgumentException("folder " + f.path() + " uses a key already used by another folder");
            }
        }
    }
}
