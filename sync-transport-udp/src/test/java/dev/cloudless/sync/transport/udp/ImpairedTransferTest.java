package dev.cloudless.sync.transport.udp;

import static dev.cloudless.sync.transport.udp.Recorder.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.Transport;
import dev.cloudless.sync.spi.TransportListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Transfers through {@link ImpairedUdpProxy}: byte-exact under loss, duplication, reordering and jitter. */
class ImpairedTransferTest {
    // 1400-byte packets although on loopback: the proxy stands for a 1500-byte path.
    private final Transport utp = new UtpTransport(false);

    @AfterEach
    void close() {
        utp.close();
    }

    /** Moves {@code bytes} each way through a proxy with {@code link} in both directions; returns MiB/s of the slower direction. */
    private double transfer(ImpairedUdpProxy.Link link, long bytes, long seed) throws Exception {
        BlockingQueue<StreamConnection> accepted = new LinkedBlockingQueue<>();
        TransportListener l = utp.listen(new InetSocketAddress("127.0.0.1", 0), accepted::add);
        try (ImpairedUdpProxy proxy = new ImpairedUdpProxy(l.localAddress(), link, link, seed)) {
            StreamConnection client = utp.connect(proxy.address(), Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS);
            client.write(java.nio.ByteBuffer.wrap(new byte[0]));
            Recorder atClient = new Recorder(false).startOn(client);
            StreamConnection server = accepted.poll(0, TimeUnit.SECONDS);
            CompletableFuture<byte[]> up = CompletableFuture.supplyAsync(() -> UtpTransportTest.send(client, bytes, seed));
            if (server == null) {
                server = accepted.poll(20, TimeUnit.SECONDS); // accepted on the first packet after the SYN
            }
            assertNotNull(server);
            Recorder atServer = new Recorder(false).startOn(server);
            StreamConnection s = server;
            long start = System.nanoTime();
            CompletableFuture<byte[]> down = CompletableFuture.supplyAsync(() -> UtpTransportTest.send(s, bytes, seed + 1));
            assertTrue(await(() -> atServer.received.get() == bytes && atClient.received.get() == bytes, 60_000),
                    "received " + atServer.received + " / " + atClient.received + "; client " + ((UtpConnection) client).stats()
                            + "; server " + ((UtpConnection) s).stats());
            double secs = (System.nanoTime() - start) / 1e9;
            byte[] sentUp = up.get(5, TimeUnit.SECONDS);
            byte[] sentDown = down.get(5, TimeUnit.SECONDS);
            assertArrayEquals(sentUp, atServer.digest());
            assertArrayEquals(sentDown, atClient.digest());
            client.close();
            assertTrue(atClient.awaitClosed());
            assertTrue(atServer.awaitClosed());
            assertNull(atClient.cause);
            assertNull(atServer.cause);
            System.out.printf("impaired %s: 2 x %d KiB in %.2f s (%.2f MiB/s each way); dropped %d dup %d reordered %d%n"
                            + "  client %s%n  server %s%n",
                    link, bytes >> 10, secs, bytes / 1048576.0 / secs, proxy.dropped.get(), proxy.duplicated.get(),
                    proxy.reordered.get(), ((UtpConnection) client).stats(), ((UtpConnection) s).stats());
            return bytes / 1048576.0 / secs;
        } finally {
            l.close();
        }
    }

    @Test
    @Timeout(120)
    void byteExactAtFivePercentLossWithReorderingDuplicationAndJitter() throws Exception {
        ImpairedUdpProxy.Link bad = new ImpairedUdpProxy.Link(0.05, 0.01, 0.05, 3_000, 1_000, 1_000, 0, 0);
        transfer(bad, 2L << 20, 11);
    }

    @Test
    @Tag("integration")
    @Timeout(600)
    void throughputDegradesGracefullyWithLoss() throws Exception {
        StringBuilder table = new StringBuilder("loss | reordering | MiB/s each way (10 ms RTT, 100 Mbit/s bottleneck with a 50 ms queue)\n");
        double[][] rows = {{0, 0}, {0.01, 0}, {0.02, 0}, {0.05, 0}, {0.10, 0}, {0, 0.05}, {0.05, 0.05}};
        for (double[] row : rows) {
            ImpairedUdpProxy.Link link = new ImpairedUdpProxy.Link(row[0], 0.0, row[1], 2_000, 5_000, 500, 12_500_000, 50_000);
            double mibs = transfer(link, 8L << 20, 21);
            table.append(String.format("%.0f%% | %.0f%% | %.2f%n", row[0] * 100, row[1] * 100, mibs));
        }
        System.out.print(table);
    }
}
