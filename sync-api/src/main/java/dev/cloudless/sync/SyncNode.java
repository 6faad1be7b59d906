package dev.cloudless.sync;

import dev.cloudless.sync.spi.NodeFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * A running sync node: one device identity, one index database, any number of shared folders,
 * one listening port shared by all of them.
 *
 * <pre>{@code
 * SyncKey key = SyncKey.generate();
 * try (SyncNode node = SyncNode.builder()
 *         .dataDir(Path.of("state"))
 *         .folder(Path.of("Shared"), key)
 *         .build().start()) {
 *     node.subscribe(System.out::println);
 *     ...
 * }
 * }</pre>
 *
 * <p>Lifecycle: {@link Builder#build()} checks the configuration and opens nothing;
 * {@link #start()} opens the index, loads or creates the device key, starts listening, scans
 * the folders and dials their peers; {@link #close()} stops within a bounded time: transfers in
 * flight are finished or discarded cleanly (a partial file stays in {@code .sync/} and resumes
 * later), the index is flushed, sessions are closed with a reason. A node cannot be restarted.
 */
public interface SyncNode extends AutoCloseable {
    /** A builder with default settings: listen on every address, any free port; no folders. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the node and returns it.
     *
     * @throws java.io.UncheckedIOException if the data directory, index or port cannot be opened
     * @throws IllegalStateException if already started or closed
     */
    SyncNode start();

    /** This device's id. */
    DeviceId deviceId();

    /** This device's display name, as announced to peers. */
    String deviceName();

    /** The addresses the node listens on, with the actual ports (empty before start). */
    List<InetSocketAddress> listenAddresses();

    /** The shared folders, in the order they were added. */
    List<Folder> folders();

    /** The folder with this id ({@link Folder#id()}), if shared. */
    Optional<Folder> folder(String id);

    /**
     * Shares one more folder while running.
     *
     * @throws IllegalArgumentException if the folder or its key is already shared
     */
    Folder addFolder(FolderConfig config);

    /** Stops sharing a folder: closes its sessions; its files and index stay. Returns whether it was shared. */
    boolean removeFolder(String id);

    /** The current node-wide transfer limits. */
    RateLimits rateLimits();

    /** Changes the node-wide transfer limits; takes effect within a second. */
    void setRateLimits(RateLimits limits);

    /**
     * Registers an event listener; see {@link SyncEvent} for the event contract. Delivery runs on
     * a thread of the subscription, never on an engine thread.
     */
    Subscription subscribe(Consumer<? super SyncEvent> listener);

    /** Stops the node (see the class comment); idempotent. */
    @Override
    void close();

    /**
     * The configuration of a node. Not thread-safe; {@link #build()} validates and names the
     * field at fault.
     */
    final class Builder {
        /** Default bound on how long {@link SyncNode#close()} may take. */
        public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

        /**
         * The public mainline-DHT routers that BitTorrent clients bootstrap from. Never used unless
         * passed to {@link #dhtBootstrap}.
         */
        public static final List<InetSocketAddress> PUBLIC_DHT_BOOTSTRAP = List.of(
                InetSocketAddress.createUnresolved("router.bittorrent.com", 6881),
                InetSocketAddress.createUnresolved("router.utorrent.com", 6881),
                InetSocketAddress.createUnresolved("dht.transmissionbt.com", 6881));

        private Path dataDir;
        private final List<FolderConfig> folders = new ArrayList<>();
        private final List<InetSocketAddress> listen = new ArrayList<>();
        private String deviceName;
        private RateLimits rateLimits = RateLimits.UNLIMITED;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private final List<InetSocketAddress> dhtBootstrap = new ArrayList<>();
        private final List<String> transports = new ArrayList<>();

        Builder() {
        }

        /** Where the device key and the index database live; required. */
        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dataDir");
            return this;
        }

        /** Shares {@code path} with {@code key} and default settings; repeatable. */
        public Builder folder(Path path, SyncKey key) {
            return folder(FolderConfig.builder(path, key).build());
        }

        /** Shares {@code path} with {@code key}, dialling {@code peers}; repeatable. */
        public Builder folder(Path path, SyncKey key, List<InetSocketAddress> peers) {
            FolderConfig.Builder b = FolderConfig.builder(path, key);
            peers.forEach(b::peer);
            return folder(b.build());
        }

        /** Shares a folder with explicit settings; repeatable. */
        public Builder folder(FolderConfig config) {
            folders.add(Objects.requireNonNull(config, "folder"));
            return this;
        }

        /** Listens on {@code address} (port 0: any free port); repeatable. Default: all addresses, any free port. */
        public Builder listen(InetSocketAddress address) {
            listen.add(Objects.requireNonNull(address, "listen"));
            return this;
        }

        /** Listens on all addresses on {@code port} (0: any free port). */
        public Builder listen(int port) {
            return listen(new InetSocketAddress(port));
        }

        /** Listens on the loopback address only, any free port: for tests and local tools. */
        public Builder listenOnLoopback() {
            return listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }

        /** The name announced to peers; default: the host name. */
        public Builder deviceName(String name) {
            this.deviceName = Objects.requireNonNull(name, "deviceName");
            return this;
        }

        /** Initial node-wide transfer limits (default unlimited). */
        public Builder rateLimits(RateLimits limits) {
            this.rateLimits = Objects.requireNonNull(limits, "rateLimits");
            return this;
        }

        /** Bound on how long {@link SyncNode#close()} may take (default 10 s). */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = Objects.requireNonNull(timeout, "shutdownTimeout");
            return this;
        }

        /**
         * Restricts the node to these transports, by name ({@code "tcp"}, {@code "utp"}); the
         * node listens and dials only with them, and fails to start if one is not on the class
         * path. Default: every transport on the class path, all listening on the same port
         * number; dials try TCP first and the others after a short head start.
         */
        public Builder transports(String... names) {
            for (String n : names) {
                transports.add(Objects.requireNonNull(n, "transports"));
            }
            return this;
        }

        /**
         * Adds DHT nodes to join the mainline DHT through; repeatable. Default: none, so the DHT
         * contacts nobody. {@link #PUBLIC_DHT_BOOTSTRAP} lists the public routers most clients use;
         * host names are resolved on each bootstrap attempt.
         */
        public Builder dhtBootstrap(InetSocketAddress... nodes) {
            for (InetSocketAddress n : nodes) {
                dhtBootstrap.add(Objects.requireNonNull(n, "dhtBootstrap"));
            }
            return this;
        }

        /**
         * The node, not yet started.
         *
         * @throws IllegalArgumentException naming the invalid setting
         * @throws IllegalStateException if no engine (sync-core) is on the class path
         */
        public SyncNode build() {
            if (dataDir == null) {
                throw new IllegalArgumentException("dataDir is required");
            }
            if (shutdownTimeout.isNegative() || shutdownTimeout.isZero()) {
                throw new IllegalArgumentException("shutdownTimeout must be positive: " + shutdownTimeout);
            }
            String name = deviceName;
            if (name == null) {
                name = defaultDeviceName();
            }
            if (name.isBlank() || name.length() > NodeSettings.MAX_DEVICE_NAME_CHARS) {
                throw new IllegalArgumentException("deviceName must be 1 to " + NodeSettings.MAX_DEVICE_NAME_CHARS
                        + " characters: '" + name + "'");
            }
            List<InetSocketAddress> addresses = listen.isEmpty() ? List.of(new InetSocketAddress(0)) : listen;
            NodeSettings settings = new NodeSettings(dataDir, folders, addresses, name, rateLimits, shutdownTimeout,
                    dhtBootstrap, transports);
            NodeFactory factory = ServiceLoader.load(NodeFactory.class, SyncNode.class.getClassLoader()).findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "no sync engine on the class path: add the sync-core dependency"));
            return factory.create(settings);
        }

        private static String defaultDeviceName() {
            try {
                String host = InetAddress.getLocalHost().getHostName();
                if (host != null && !host.isBlank()) {
                    return host.length() > NodeSettings.MAX_DEVICE_NAME_CHARS
                            ? host.substring(0, NodeSettings.MAX_DEVICE_NAME_CHARS) : host;
                }
            } catch (java.io.IOException e) {
                // fall through: an unresolvable host name is common in containers
            }
            return "cloudless-node";
        }
    }
}
