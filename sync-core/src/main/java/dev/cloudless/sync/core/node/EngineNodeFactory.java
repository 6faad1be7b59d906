package dev.cloudless.sync.core.node;

import dev.cloudless.sync.NodeSettings;
import dev.cloudless.sync.SyncNode;
import dev.cloudless.sync.spi.NodeFactory;

/** Registers the engine with {@link SyncNode#builder()} through {@link java.util.ServiceLoader}. */
public final class EngineNodeFactory implements NodeFactory {
    /** Called by {@link java.util.ServiceLoader}. */
    public EngineNodeFactory() {
    }

    @Override
    public SyncNode create(NodeSettings settings) {
        return new EngineNode(settings);
    }
}
