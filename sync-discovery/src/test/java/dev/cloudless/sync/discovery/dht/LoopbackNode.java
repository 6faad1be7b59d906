package dev.cloudless.sync.discovery.dht;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/** A real {@link DhtNode} on its own UDP socket on 127.0.0.1, for tests. */
final class LoopbackNode implements AutoCloseable {
    final DhtNode node;
    final UdpSocket socket;
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dht-test-timer");
        t.setDaemon(true);
        return t;
    });

    LoopbackNode(List<InetSocketAddress> bootstrap) throws IOException {
        AtomicReference<DhtNode> ref = new AtomicReference<>();
        socket = UdpSocket.open(new InetSocketAddress("127.0.0.1", 0), (from, data) -> ref.get().handleDatagram(from,
                data));
        node = new DhtNode(NodeId.random(), socket);
        ref.set(node);
        node.start(timer, bootstrap);
    }

    InetSocketAddress address() {
        return socket.localAddress();
    }

    @Override
    public void close() {
        node.stop();
        socket.close();
        timer.shutdownNow();
    }
}
