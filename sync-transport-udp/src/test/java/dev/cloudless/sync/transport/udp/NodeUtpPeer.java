package dev.cloudless.sync.transport.udp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A libutp peer: src/test/node/utp-peer.js run by {@code node} with utp-native from the repository's
 * {@code target/npm} (installed by scripts/install-test-deps.sh). Reads its report lines.
 */
final class NodeUtpPeer implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private NodeUtpPeer(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "utp-peer-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** The node_modules directory holding utp-native, or null when it is not installed. */
    static Path nodeModules() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path m = dir.resolve("target/npm/node_modules");
            if (Files.isDirectory(m.resolve("utp-native"))) {
                return m;
            }
        }
        return null;
    }

    static boolean nodeAvailable() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path s = dir.resolve("sync-transport-udp/src/test/node/utp-peer.js");
            if (Files.isRegularFile(s)) {
                return s;
            }
            Path local = dir.resolve("src/test/node/utp-peer.js");
            if (Files.isRegularFile(local)) {
                return local;
            }
        }
        throw new IllegalStateException("utp-peer.js not found");
    }

    static NodeUtpPeer start(String role, String mode, long arg, int port) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("node", script().toString(), role, mode, Long.toString(arg), Integer.toString(port));
        pb.environment().put("NODE_PATH", nodeModules().toString());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        return new NodeUtpPeer(pb.start());
    }

    /** The next line starting with {@code prefix} (others are skipped but kept for messages), or an AssertionError. */
    String expect(String prefix, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new AssertionError("no '" + prefix + "' from the libutp peer within " + timeoutMillis + " ms; saw " + seen);
            }
            seen.add(line);
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    int port() throws InterruptedException {
        return Integer.parseInt(expect("PORT ", 10_000).substring(5).trim());
    }

    boolean waitFor(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
