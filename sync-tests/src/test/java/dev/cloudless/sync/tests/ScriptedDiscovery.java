package dev.cloudless.sync.tests;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.FolderConfig;
import dev.cloudless.sync.spi.DiscoveryContext;
import dev.cloudless.sync.spi.DiscoveryProvider;
import dev.cloudless.sync.spi.PeerDiscovery;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A discovery method driven by the test: it finds nothing by itself, records what the engine
 * tells it, and lets the test report addresses through the engine's real {@link DiscoveryContext}.
 * Registered for every node of this module; inert unless a test reports something.
 */
final class ScriptedDiscovery implements PeerDiscovery {
    /** The instance of each running node, by device id. */
    static final Map<DeviceId, ScriptedDiscovery> BY_DEVICE = new ConcurrentHashMap<>();

    final DiscoveryContext context;
    final List<String> added = new CopyOnWriteArrayList<>();
    final List<String> removed = new CopyOnWriteArrayList<>();
    volatile boolean started;
    volatile boolean closed;

    ScriptedDiscovery(DiscoveryContext context) {
        this.context = context;
    }

    /** Registered in META-INF/services. */
    public static final class Provider implements DiscoveryProvider {
        public Provider() {
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public PeerDiscovery create(DiscoveryContext context) {
            ScriptedDiscovery d = new ScriptedDiscovery(context);
            BY_DEVICE.put(context.deviceId(), d);
            return d;
        }
    }

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public void start() {
        started = true;
    }

    @Override
    public void addFolder(FolderConfig folder) {
        added.add(folder.key().discoveryIdHex());
    }

    @Override
    public void removeFolder(FolderConfig folder) {
        removed.add(folder.key().discoveryIdHex());
    }

    @Override
    public void close() {
        closed = true;
        BY_DEVICE.remove(context.deviceId(), this);
    }
}
