package dev.cloudless.sync.core.transfer;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.core.block.Block;
import dev.cloudless.sync.core.path.FolderPath;

/**
 * Told when a peer served bytes that do not hash to the block it was asked for (or had the
 * wrong length). The node disconnects that peer. Called from the thread that completed the
 * request; must not block.
 */
@FunctionalInterface
public interface BadPeerListener {
    void badBlock(DeviceId peer, FolderPath path, Block block);
}
