package dev.cloudless.sync.transport.udp;

import dev.cloudless.sync.spi.Transport;
import dev.cloudless.sync.spi.TransportProvider;

/**
 * The uTP transport ({@value #NAME}): BEP 29 with LEDBAT congestion control on Netty NIO UDP,
 * wire-compatible with libutp. Found with {@link java.util.ServiceLoader} when
 * sync-transport-udp is on the class path.
 *
 * <p>Each {@link #create()} makes an independent transport with two I/O threads. A listener owns
 * one UDP socket (IPv4, 4 MiB kernel buffers) that multiplexes its connections by connection id;
 * outgoing connections share one ephemeral socket. Connections behave towards the engine as TCP
 * ones do: unwritable above 4 MiB of unacknowledged bytes and writable again below 1 MiB, and
 * {@code setReadable(false)} shrinks the advertised receive window so the remote sender stops.
 * See docs/utp.md for the protocol choices.
 */
public final class UtpTransportProvider implements TransportProvider {
    /** The transport's name. */
    public static final String NAME = "utp";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Transport create() {
        return new UtpTransport();
    }
}
