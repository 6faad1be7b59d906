package dev.cloudless.sync.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.DiscoverySettings;
import dev.cloudless.sync.PeerInfo;
import dev.cloudless.sync.SyncKey;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A known host given by name is resolved again on every attempt and retried with growing delays.
 * The dialling node runs in a child JVM whose name service is a hosts file
 * ({@code -Djdk.net.hosts.file}, no DNS) with the JDK's address cache off; the file first points
 * {@code peer.test} at 127.0.0.2, where a socket counts the attempts (and closes each, failing the
 * handshake), then at 127.0.0.1, where the real peer listens on the same port.
 */
@Tag("integration")
class KnownHostRetryTest {
    private static final String HOST = "peer.test";
    /** Attempts watched at the wrong address: three gaps, expected 1, 2 and 4 s (Dialer's back-off). */
    private static final int ATTEMPTS = 4;
    private static final Duration WAIT = Duration.ofSeconds(40);

    @Test
    void aHostNameIsResolvedOnEveryAttemptWithGrowingDelays(@TempDir Path dir) throws Exception {
        SyncKey key = SyncKey.generate();
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.2 " + HOST + "\n");
        try (Cluster c = new Cluster(dir, key)) {
            Cluster.Member n = c.addDialling("N", key, f -> f.discovery(DiscoverySettings.NONE), List.of());
            int port = n.address().getPort();
            n.write("hello.txt", "reached by name");
            List<Long> attempts = new CopyOnWriteArrayList<>();
            try (ServerSocket decoy = new ServerSocket()) {
                decoy.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), port));
                decoy.setSoTimeout(200);
                Thread counter = new Thread(() -> {
                    while (!decoy.isClosed()) {
                        try (Socket s = decoy.accept()) {
                            attempts.add(System.nanoTime());
                        } catch (SocketTimeoutException e) {
                            // poll again
                        } catch (IOException e) {
                            return; // closed
                        }
                    }
                }, "decoy");
                counter.setDaemon(true);
                counter.start();

                Process child = startChild(dir, key, hosts, port);
                try {
                    Cluster.await(WAIT, ATTEMPTS + " attempts at 127.0.0.2 (see child.err)",
                            () -> attempts.size() >= ATTEMPTS || !child.isAlive());
                    assertTrue(child.isAlive(), "child exited, see child.err");
                    Files.writeString(hosts, "127.0.0.1 " + HOST + "\n");
                    List<Long> seen = new ArrayList<>(attempts.subList(0, ATTEMPTS));

                    // The next attempt resolves the name again and reaches the real peer.
                    Cluster.await(WAIT, "N to see the child connect", () -> !n.folderHandle().peers().isEmpty());
                    DeviceId childId = n.folderHandle().peers().stream().map(PeerInfo::deviceId).findFirst().orElseThrow();
                    assertTrue(!childId.equals(n.node().deviceId()));
                    Cluster.await(WAIT, "the file to reach the child",
                            () -> Files.exists(dir.resolve("child").resolve("hello.txt")));
                    assertEquals(ATTEMPTS, attempts.size(), "no attempt at the old address after the change");

                    double[] gaps = new double[ATTEMPTS - 1];
                    for (int i = 1; i < ATTEMPTS; i++) {
                        gaps[i - 1] = (seen.get(i) - seen.get(i - 1)) / 1e9;
                    }
                    String shown = java.util.Arrays.toString(gaps);
                    assertTrue(gaps[0] >= 0.9, "first retry after the 1 s back-off: " + shown);
                    // Doubling (1, 2, 4 s): each gap exceeds the one before by about its own length.
                    assertTrue(gaps[1] > gaps[0] + 0.5, "growing delays: " + shown);
                    assertTrue(gaps[2] > gaps[1] + 1.0, "growing delays: " + shown);
                    assertTrue(gaps[2] < 8.0, "capped by the doubling, not stalled: " + shown);
                } finally {
                    stop(child);
                }
            }
        }
    }

    private static Process startChild(Path dir, SyncKey key, Path hosts, int port) throws IOException {
        Path security = dir.resolve("child.security");
        // Caches off, so every lookup reads the hosts file again (the JDK caches for 30 s by default).
        Files.writeString(security, "networkaddress.cache.ttl=0\nnetworkaddress.cache.negative.ttl=0\n");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        cmd.add("-Djdk.net.hosts.file=" + hosts);
        cmd.add("-Djava.security.properties=" + security);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ChildNode.class.getName());
        cmd.add(dir.resolve("child").toString());
        cmd.add(dir.resolve("child.state").toString());
        cmd.add(Integer.toString(port));
        cmd.add("0");
        cmd.add(HOST);
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("child.err").toFile())
                .redirectOutput(dir.resolve("child.out").toFile()).start();
        OutputStream in = p.getOutputStream();
        in.write((key.toText() + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        return p;
    }

    private static void stop(Process p) throws InterruptedException {
        try {
            OutputStream in = p.getOutputStream();
            in.write("stop\n".getBytes(StandardCharsets.UTF_8));
            in.close();
        } catch (IOException e) {
            // already gone
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }
}
