package dev.cloudless.sync.core.transfer;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.path.FolderPath;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** One connected peer that can serve blocks of this folder. Implemented by the network session. */
public interface PeerLink {
    /** The peer's device id. */
    DeviceId device();

    /**
     * Fetches bytes {@code [offset, offset + length)} of the peer's current version of
     * {@code path}; completes exceptionally on error or disconnect. The returned buffer should
     * hold exactly {@code length} bytes between position and limit; it is not trusted: the
     * {@link BlockScheduler} checks length and hash.
     */
    CompletableFuture<ByteBuffer> requestBlock(FolderPath path, long offset, int length, Sha256 expectedHash);
}
