package dev.cloudless.sync.spi;

import dev.cloudless.sync.NodeSettings;
import dev.cloudless.sync.SyncNode;

/**
 * Creates the engine behind {@link SyncNode}; found with {@link java.util.ServiceLoader}.
 * sync-core registers its implementation in
 * {@code META-INF/services/dev.cloudless.sync.spi.NodeFactory}; applications use
 * {@link SyncNode#builder()}.
 */
public interface NodeFactory {
    /** A node with these settings, not yet started. */
    SyncNode create(NodeSettings settings);
}
