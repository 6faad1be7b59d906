package dev.cloudless.sync.discovery.dht;

import static dev.cloudless.sync.discovery.dht.DhtNodeTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.spi.Transport;
import dev.cloudless.sync.spi.TransportListener;
import dev.cloudless.sync.transport.udp.UtpTransportProvider;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The DHT's side of a shared uTP socket, on a live uTP listener on loopback. */
@Timeout(60)
class SharedDhtSocketTest {
    @Test
    void aStalledDhtThreadDropsAndCountsBeyondItsQueueAndNeverRunsOnTheIoThread() throws Exception {
        try (Transport utp = new UtpTransportProvider().create()) {
            TransportListener l = utp.listen(new InetSocketAddress("127.0.0.1", 0), c -> c.close());
            CountDownLatch stalled = new CountDownLatch(1);
            CountDownLatch resume = new CountDownLatch(1);
            AtomicInteger handled = new AtomicInteger();
            Set<String> threads = ConcurrentHashMap.newKeySet();
            SharedDhtSocket s = SharedDhtSocket.open(l.datagramSocket().orElseThrow(), (from, data) -> {
                threads.add(Thread.currentThread().getName());
                if (handled.getAndIncrement() == 0) {
                    stalled.countDown();
                    try {
                        resume.await(20, TimeUnit.SECONDS); // a DHT thread held up (a long lock)
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            try (DatagramSocket raw = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                byte[] ping = Krpc.encode(KrpcMessage.Query.ping(new byte[] {0, 1}, NodeId.random()));
                raw.send(new DatagramPacket(ping, ping.length, l.localAddress()));
                assertTrue(stalled.await(10, TimeUnit.SECONDS), "the first datagram reached the DHT thread");
                int burst = SharedDhtSocket.MAX_QUEUED + 500;
                for (int i = 0; i < burst; i++) {
                    raw.send(new DatagramPacket(ping, ping.length, l.localAddress()));
                    if (i % 200 == 199) {
                        Thread.sleep(5); // keep within the kernel's receive buffer: the drops must be ours
                    }
                }
                // One datagram is being handled and the queue is full: every other one is dropped and counted.
                await("the I/O thread to read the burst", () -> s.queueFull() == burst - SharedDhtSocket.MAX_QUEUED);
                resume.countDown();
                await("the queued datagrams to be handled", () -> handled.get() == SharedDhtSocket.MAX_QUEUED + 1);
                Thread.sleep(200);
                assertEquals(SharedDhtSocket.MAX_QUEUED + 1, handled.get(), "nothing beyond the queue was kept");
                assertFalse(threads.stream().anyMatch(t -> t.startsWith("cloudless-utp")), threads.toString());
                assertEquals(Set.of("dht-udp-" + l.localAddress().getPort()), threads);
            } finally {
                s.close();
            }
        }
    }
}
