package dev.cloudless.sync.transport.tcp;

import dev.cloudless.sync.spi.Transport;
import dev.cloudless.sync.spi.TransportProvider;

/**
 * The TCP transport ({@value #NAME}), on Netty NIO. Found with {@link java.util.ServiceLoader}
 * when sync-transport-tcp is on the class path.
 *
 * <p>Each {@link #create()} makes an independent transport with its own two I/O threads; closing
 * the transport closes its listeners and connections and stops those threads. Connections have
 * {@code TCP_NODELAY} and {@code SO_KEEPALIVE} set, report unwritable above 4 MiB of queued bytes
 * and writable again below 1 MiB.
 */
public final class TcpTransportProvider implements TransportProvider {
    /** The transport's name. */
    public static final String NAME = "tcp";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Transport create() {
        return new TcpTransport();
    }
}
