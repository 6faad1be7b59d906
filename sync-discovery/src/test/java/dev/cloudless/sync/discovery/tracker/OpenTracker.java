package dev.cloudless.sync.discovery.tracker;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's opentracker on 127.0.0.1, serving only the whitelisted info-hashes (its build
 * requires a whitelist). Installed by scripts/install-test-deps.sh.
 */
final class OpenTracker implements AutoCloseable {
    static final String BINARY = "/usr/bin/opentracker";
    private final Process process;
    final int port;

    private OpenTracker(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static OpenTracker start(Path tmp, List<byte[]> whitelist) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(BINARY)), "opentracker is not installed (scripts/install-test-deps.sh)");
        // It chroots into its directory and drops root for "nobody", who must read the whitelist there.
        Path dir = Files.createDirectories(tmp.resolve("opentracker"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path list = dir.resolve("whitelist.txt");
        StringBuilder sb = new StringBuilder();
        for (byte[] h : whitelist) {
            sb.append(HexFormat.of().formatHex(h)).append('\n');
        }
        Files.writeString(list, sb);
        Files.setPosixFilePermissions(list, PosixFilePermissions.fromString("rw-r--r--"));
        int port = freePort();
        Process p = new ProcessBuilder(BINARY, "-i", "127.0.0.1", "-p", String.valueOf(port), "-P", String.valueOf(port),
                "-w", list.getFileName().toString(), "-d", dir.toString(), "-u", "nobody")
                .redirectErrorStream(true).redirectOutput(dir.resolve("opentracker.log").toFile()).start();
        OpenTracker t = new OpenTracker(p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 200);
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    t.close();
                    throw new IllegalStateException("opentracker did not start: "
                            + Files.readString(dir.resolve("opentracker.log")), e);
                }
                Thread.sleep(50);
            }
        }
        Thread.sleep(300); // the whitelist is loaded by a thread of its own
        return t;
    }

    /** A port free for both TCP and UDP on 127.0.0.1. */
    private static int freePort() throws IOException {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        for (int i = 0; i < 20; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, lo); DatagramSocket d = new DatagramSocket(s.getLocalPort(), lo)) {
                return s.getLocalPort();
            } catch (IOException e) {
                // UDP port taken: another try
            }
        }
        throw new IOException("no free port");
    }

    URI udp() {
        return URI.create("udp://127.0.0.1:" + port);
    }

    URI http() {
        return URI.create("http://127.0.0.1:" + port + "/announce");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
