package dev.cloudless.sync.tests;

import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.core.identity.DeviceIdentity;
import dev.cloudless.sync.core.keys.FolderSecrets;
import dev.cloudless.sync.core.protocol.Message;
import dev.cloudless.sync.core.protocol.MessageDecoder;
import dev.cloudless.sync.core.protocol.MessageEncoder;
import dev.cloudless.sync.core.protocol.ProtocolException;
import dev.cloudless.sync.core.session.FolderSecret;
import dev.cloudless.sync.core.session.SecureChannel;
import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.Transport;
import dev.cloudless.sync.spi.TransportProvider;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A peer we drive by hand: it completes the real handshake with the folder's key, then sends
 * whatever a test wants, including things no honest node would send.
 */
final class RawPeer implements AutoCloseable {
    final Transport transport;
    final ScheduledExecutorService exec = Executors.newScheduledThreadPool(2);
    final DeviceIdentity identity = DeviceIdentity.generate();
    final List<Message> received = new CopyOnWriteArrayList<>();
    final CompletableFuture<SecureChannel<String>> established = new CompletableFuture<>();
    final CompletableFuture<SecureChannel.SessionCloseReason> closed = new CompletableFuture<>();
    private final MessageDecoder decoder = new MessageDecoder();
    private volatile SecureChannel<String> channel;

    RawPeer() {
        transport = ServiceLoader.load(TransportProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(Cluster.TRANSPORT == null ? "tcp" : Cluster.TRANSPORT))
                .findFirst().orElseThrow().create();
    }

    /** Connects to {@code node}, handshakes with {@code key} and waits for the session. */
    RawPeer connect(InetSocketAddress node, SyncKey key) throws Exception {
        StreamConnection conn = transport.connect(node, Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
        FolderSecret<String> secret = new FolderSecret<>("folder", FolderSecrets.of(key).handshakeSecret());
        SecureChannel.client(conn, secret, identity, SecureChannel.ChannelSettings.of(exec, exec),
                new SecureChannel.Listener<>() {
                    @Override
                    public void onEstablished(SecureChannel<String> ch) {
                        channel = ch;
                        established.complete(ch);
                    }

                    @Override
                    public void onPlaintext(SecureChannel<String> ch, ByteBuffer data) {
                        try {
                            decoder.feed(data, received::add);
                        } catch (ProtocolException e) {
                            ch.close("bad message from the node: " + e.getMessage());
                        }
                    }

                    @Override
                    public void onWritabilityChanged(SecureChannel<String> ch, boolean writable) {
                    }

                    @Override
                    public void onClosed(SecureChannel<String> ch, SecureChannel.SessionCloseReason reason) {
                        established.completeExceptionally(new IllegalStateException("closed: " + reason));
                        closed.complete(reason);
                    }
                });
        established.get(10, TimeUnit.SECONDS);
        return this;
    }

    void send(Message m) {
        channel.send(MessageEncoder.encode(m));
    }

    /** Sends raw plaintext inside a valid frame: the message layer sees exactly these bytes. */
    void sendPlaintext(byte[] bytes) {
        channel.send(ByteBuffer.wrap(bytes));
    }

    /** Waits for the node to end the session; returns why. */
    SecureChannel.SessionCloseReason awaitClosed() throws Exception {
        return closed.get(15, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        SecureChannel<String> ch = channel;
        if (ch != null) {
            ch.close("test over");
        }
        transport.close();
        exec.shutdownNow();
    }
}
