package dev.cloudless.sync.spi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A way to carry a reliable, ordered byte stream between two nodes: TCP, uTP, a relay.
 *
 * <p>Applications neither call nor implement this unless they add a transport of their own. The
 * engine does everything above the byte stream itself (the SRP handshake, frame protection and
 * the sync protocol), so a transport only moves bytes, and a stream it carries is hostile input
 * until the session has authenticated it. Transports register a {@link TransportProvider} in
 * {@code META-INF/services/dev.cloudless.sync.spi.TransportProvider}; putting a transport module
 * on the class path enables it.
 *
 * <p>Implementations are thread-safe. A transport owns its threads and must not run engine code
 * that blocks: it delivers bytes to a {@link StreamHandler} and the engine hands blocking work to
 * its own executor.
 *
 * <pre>{@code
 * Transport tcp = ServiceLoader.load(TransportProvider.class).stream()
 *         .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("tcp"))
 *         .findFirst().orElseThrow().create();
 * TransportListener server = tcp.listen(new InetSocketAddress("127.0.0.1", 0), conn -> conn.start(handler));
 * StreamConnection client = tcp.connect(server.localAddress(), Duration.ofSeconds(5)).join();
 * }</pre>
 */
public interface Transport extends AutoCloseable {
    /** Short lower-case name shown in peer status, such as {@code "tcp"}. */
    String name();

    /**
     * Starts accepting connections on {@code local} (port 0 picks a free port). Each accepted
     * connection is passed to {@code acceptor}, which must call {@link StreamConnection#start}
     * or {@link StreamConnection#close}.
     *
     * @throws IOException if the address cannot be bound
     */
    TransportListener listen(InetSocketAddress local, Consumer<StreamConnection> acceptor) throws IOException;

    /**
     * Opens a connection to {@code remote}; the future fails with an {@link IOException} if it
     * cannot be established within {@code timeout}.
     */
    CompletableFuture<StreamConnection> connect(InetSocketAddress remote, Duration timeout);

    /** Closes every listener and connection of this transport and releases its threads; idempotent. */
    @Override
    void close();
}
