package dev.cloudless.sync.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ByteCountingProxyTest {
    private static final int UP_BYTES = 1 << 20;
    private static final int DOWN_BYTES = 300 * 1024;
    private static final int SOCKET_TIMEOUT_MS = 10_000;

    /** A server that reads everything until the client half-closes, then answers with its own bytes and closes. */
    private static CompletableFuture<byte[]> serveOnce(ServerSocket server, byte[] answer) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                s.setSoTimeout(SOCKET_TIMEOUT_MS);
                byte[] got = s.getInputStream().readAllBytes();
                s.getOutputStream().write(answer);
                return got;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void relaysBothWaysAndCountsEveryByte() throws Exception {
        byte[] up = ScenarioData.bytes(1, UP_BYTES);
        byte[] down = ScenarioData.bytes(2, DOWN_BYTES);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ByteCountingProxy proxy = new ByteCountingProxy(server.getLocalPort())) {
            CompletableFuture<byte[]> received = serveOnce(server, down);
            byte[] answer;
            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()));
                client.setSoTimeout(SOCKET_TIMEOUT_MS);
                OutputStream out = client.getOutputStream();
                out.write(up);
                client.shutdownOutput(); // the half-close must reach the server through the proxy
                answer = client.getInputStream().readAllBytes();
            }
            assertArrayEquals(up, received.get(10, TimeUnit.SECONDS));
            assertArrayEquals(down, answer);
            assertEquals(UP_BYTES, proxy.bytesTowardTarget());
            assertEquals(DOWN_BYTES, proxy.bytesFromTarget());
            assertEquals(UP_BYTES + DOWN_BYTES, proxy.totalBytes());
            proxy.reset();
            assertEquals(0, proxy.totalBytes());
        }
    }

    @Test
    void countsSeveralConnectionsTogether() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             ByteCountingProxy proxy = new ByteCountingProxy(server.getLocalPort())) {
            for (int i = 1; i <= 3; i++) {
                CompletableFuture<byte[]> received = serveOnce(server, new byte[i]);
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                    client.setSoTimeout(SOCKET_TIMEOUT_MS);
                    client.getOutputStream().write(new byte[10 * i]);
                    client.shutdownOutput();
                    assertEquals(i, client.getInputStream().readAllBytes().length);
                }
                assertEquals(10 * i, received.get(10, TimeUnit.SECONDS).length);
            }
            assertEquals(10 + 20 + 30, proxy.bytesTowardTarget());
            assertEquals(1 + 2 + 3, proxy.bytesFromTarget());
        }
    }

    @Test
    void clientOfAnAbsentTargetIsClosedAndNothingCounted() throws Exception {
        int closedPort = Loopback.freePort();
        try (ByteCountingProxy proxy = new ByteCountingProxy(closedPort);
             Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            client.setSoTimeout(SOCKET_TIMEOUT_MS);
            InputStream in = client.getInputStream();
            assertEquals(-1, in.read());
            assertEquals(0, proxy.totalBytes());
        }
    }

    @Test
    void closeStopsAccepting() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ByteCountingProxy proxy = new ByteCountingProxy(server.getLocalPort())) {
            port = proxy.port();
            assertTrue(Loopback.accepting(port));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (Loopback.accepting(port) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(!Loopback.accepting(port));
    }
}
