package dev.cloudless.sync.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code rsync} pushing A's folder to an rsync daemon on 127.0.0.1 whose module is B's folder.
 * rsync has no watcher: each change is followed by one {@code rsync -a --delete --stats} run,
 * and the measured time includes that run. Bytes on the wire are the client's
 * "Total bytes sent" plus "Total bytes received" summed over the runs.
 */
final class RsyncTool implements SyncTool {
    private static final String MODULE = "bench";
    private static final Duration STARTUP = Duration.ofSeconds(20);
    private static final Pattern SENT = Pattern.compile("Total bytes sent: ([0-9,.]+)");
    private static final Pattern RECEIVED = Pattern.compile("Total bytes received: ([0-9,.]+)");

    private final ProcessGroup group = new ProcessGroup(name());
    private Path dirA;
    private Path stateDir;
    private int port;
    private Process daemon;
    private Process run;
    private int runs;
    private long wire;

    @Override
    public String name() {
        return "rsync";
    }

    @Override
    public void start(Path dirA, Path dirB, Path stateDir) throws IOException {
        this.dirA = dirA;
        this.stateDir = stateDir;
        Files.createDirectories(stateDir);
        if (port == 0) {
            port = Loopback.freePort();
        }
        Object uid = Files.getAttribute(stateDir, "unix:uid");
        Object gid = Files.getAttribute(stateDir, "unix:gid");
        Path conf = stateDir.resolve("rsyncd.conf");
        Files.writeString(conf, """
                pid file = %s
                use chroot = false
                [%s]
                    path = %s
                    read only = false
                    uid = %s
                    gid = %s
                """.formatted(stateDir.resolve("rsyncd.pid").toAbsolutePath(), MODULE, dirB.toAbsolutePath(), uid, gid),
                StandardCharsets.UTF_8);
        Files.deleteIfExists(stateDir.resolve("rsyncd.pid"));
        Path log = stateDir.resolve("rsyncd.log");
        daemon = group.launch(List.of("rsync", "--daemon", "--no-detach", "--config=" + conf, "--address=127.0.0.1",
                "--port=" + port, "--log-file=" + log), Map.of(), stateDir.resolve("rsyncd.out"));
        try {
            if (!Loopback.awaitAccepting(port, daemon, System.nanoTime() + STARTUP.toNanos())) {
                throw new ToolUnavailableException("rsync daemon not accepting on 127.0.0.1:" + port + ": "
                        + ProcessGroup.tail(stateDir.resolve("rsyncd.out")) + " " + ProcessGroup.tail(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void changeLanded() throws IOException {
        finishRun(Duration.ZERO);
        runs++;
        run = group.launch(List.of("rsync", "-a", "--delete", "--stats", dirA.toAbsolutePath() + "/",
                "rsync://127.0.0.1:" + port + "/" + MODULE + "/"), Map.of(), runLog());
    }

    private Path runLog() {
        return stateDir.resolve("run-" + runs + ".log");
    }

    /** Waits for the current run, if any, and adds its byte counts. */
    private void finishRun(Duration timeout) throws IOException {
        if (run == null) {
            return;
        }
        try {
            if (!run.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                if (timeout.isZero()) {
                    throw new IOException("an rsync run is still going on");
                }
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Process done = run;
        run = null;
        String out = Files.readString(runLog(), StandardCharsets.UTF_8);
        if (done.exitValue() != 0) {
            throw new IOException("rsync exited with " + done.exitValue() + ": " + ProcessGroup.tail(runLog()));
        }
        wire += statsNumber(SENT, out) + statsNumber(RECEIVED, out);
    }

    static long statsNumber(Pattern p, String stats) throws IOException {
        Matcher m = p.matcher(stats);
        if (!m.find()) {
            throw new IOException("no '" + p.pattern() + "' in rsync --stats output: " + stats);
        }
        return Long.parseLong(m.group(1).replace(",", "").replace(".", ""));
    }

    @Override
    public boolean supportsRescan() {
        return false;
    }

    @Override
    public void requestRescan(Path dirA) {
        // each change is followed by a run anyway (changeLanded)
    }

    @Override
    public long awaitIdle(Duration timeout) throws IOException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (run != null) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("rsync run not finished within " + timeout);
            }
            finishRun(Duration.ofMillis(20));
        }
        return System.nanoTime();
    }

    @Override
    public long bytesOnWire() {
        return wire;
    }

    @Override
    public void resetBytesOnWire() {
        wire = 0;
    }

    @Override
    public long peakRssBytes() {
        return group.peakRssBytes();
    }

    @Override
    public void stop() {
        group.killAll();
        run = null;
        daemon = null;
    }

    @Override
    public void close() {
        group.close();
    }
}
