package dev.cloudless.sync.spi;

import java.net.InetSocketAddress;

/** A listening endpoint opened by {@link Transport#listen}. */
public interface TransportListener extends AutoCloseable {
    /** The bound address, with the actual port when port 0 was asked for. */
    InetSocketAddress localAddress();

    /** Stops accepting; connections already accepted stay open. Idempotent. */
    @Override
    void close();
}
