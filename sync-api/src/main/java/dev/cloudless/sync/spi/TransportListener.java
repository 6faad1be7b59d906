package dev.cloudless.sync.spi;

import java.net.InetSocketAddress;
import java.util.Optional;

/** A listening endpoint opened by {@link Transport#listen}. */
public interface TransportListener extends AutoCloseable {
    /** The bound address, with the actual port when port 0 was asked for. */
    InetSocketAddress localAddress();

    /**
     * The listener's UDP socket, if it has one and lets other protocols share it (uTP does,
     * TCP has none). Empty by default.
     */
    default Optional<SharedDatagramSocket> datagramSocket() {
        return Optional.empty();
    }

    /** Stops accepting; connections already accepted stay open. Idempotent. */
    @Override
    void close();
}
