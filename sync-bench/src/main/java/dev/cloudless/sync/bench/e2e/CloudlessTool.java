package dev.cloudless.sync.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Our engine, driven only through its command line so that the benchmark needs nothing of its
 * internals: two child JVMs running the examples jar's {@code sync} command, A on one folder and
 * B on the other, each dialling the other through a {@link ByteCountingProxy}, which is what
 * measures the bytes on the wire. Idle means both JVMs alive and no longer using CPU.
 *
 * <pre>
 * java -cp EXAMPLES_JAR dev.cloudless.sync.examples.Main sync --folder DIR --key KEY
 *     --listen PORT --peer 127.0.0.1:PORT --data DATADIR
 * </pre>
 */
final class CloudlessTool implements SyncTool {
    static final String MAIN_CLASS = "dev.cloudless.sync.examples.Main";
    private static final Duration COMMAND = Duration.ofSeconds(60);
    /** How long a node may take to print {@link #STARTED_LINE}. */
    private static final Duration STARTUP = Duration.ofSeconds(60);
    /** What the sync command prints once the node listens (SyncCommand). */
    static final String STARTED_LINE = ") listening on ";
    private static final long STARTUP_POLL_MS = 20;
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(1);
    /** At most this many CPU ticks (1/100 s) in {@link #IDLE_WINDOW} for both JVMs together: 5 % of a core. */
    private static final long IDLE_MAX_TICKS = 5;
    private static final String KEY_LINE = "read-write key";

    private final Path examplesJar;
    private final List<String> jvmOptions;
    private final ProcessGroup group = new ProcessGroup(name());
    private final List<Process> nodes = new ArrayList<>();
    private Path stateDir;
    private String key;
    private int portA;
    private int portB;
    private ByteCountingProxy toB;
    private ByteCountingProxy toA;

    /**
     * @param examplesJar the examples module's shaded jar
     * @param jvmOptions extra options for the child JVMs (e.g. {@code -Xmx256m})
     */
    CloudlessTool(Path examplesJar, List<String> jvmOptions) {
        this.examplesJar = examplesJar;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    @Override
    public String name() {
        return "cloudless";
    }

    private List<String> java(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", examplesJar.toAbsolutePath().toString(), MAIN_CLASS));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Override
    public void start(Path dirA, Path dirB, Path stateDir) throws IOException {
        this.stateDir = stateDir;
        if (!Files.isRegularFile(examplesJar)) {
            throw new ToolUnavailableException("no examples jar at " + examplesJar
                    + " (build it: mvn -B -q -pl examples -am package -DskipTests)");
        }
        try {
            if (key == null) {
                key = generateKey();
                portA = Loopback.freePort();
                portB = Loopback.freePort();
                toB = new ByteCountingProxy(portB);
                toA = new ByteCountingProxy(portA);
            }
            // A restart appends to the same logs: wait for one more start line in each.
            long[] startedBefore = {startLines(log("a")), startLines(log("b"))};
            nodes.add(launch("a", dirA, portA, toB.port()));
            nodes.add(launch("b", dirB, portB, toA.port()));
            // Timed from here by the restart scenario: waiting for the nodes' own word instead of
            // a fixed 3 s grace, which used to be counted in every restart.
            long deadline = System.nanoTime() + STARTUP.toNanos();
            for (int i = 0; i < nodes.size(); i++) {
                String label = i == 0 ? "a" : "b";
                Process p = nodes.get(i);
                while (startLines(log(label)) <= startedBefore[i]) {
                    if (!p.isAlive()) {
                        throw new ToolUnavailableException("node " + label + " exited with " + p.exitValue() + ": "
                                + ProcessGroup.tail(log(label)));
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IOException("node " + label + " did not start within " + STARTUP.toSeconds() + " s: "
                                + ProcessGroup.tail(log(label)));
                    }
                    Thread.sleep(STARTUP_POLL_MS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** How often {@code log} says a node started listening (0 if there is no log yet). */
    private static long startLines(Path log) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        try (var lines = Files.lines(log, java.nio.charset.StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(STARTED_LINE)).count();
        } catch (java.io.UncheckedIOException e) {
            return 0; // a line cut in the middle of a multi-byte character: read again on the next poll
        }
    }

    private String generateKey() throws IOException, InterruptedException {
        String out;
        try {
            out = group.run(java("keygen"), Map.of(), stateDir.resolve("keygen.log"), COMMAND);
        } catch (IOException e) {
            throw new ToolUnavailableException("keygen failed: " + e.getMessage());
        }
        return parseKey(out);
    }

    /** The read-write key from {@code keygen}'s output ({@code "read-write key : KEY"}). */
    static String parseKey(String keygenOutput) throws ToolUnavailableException {
        for (String line : keygenOutput.split("\\R")) {
            if (line.startsWith(KEY_LINE)) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        throw new ToolUnavailableException("no '" + KEY_LINE + "' line in keygen's output: " + keygenOutput);
    }

    private Process launch(String label, Path folder, int listenPort, int peerPort) throws IOException {
        Path data = stateDir.resolve("node-" + label);
        Files.createDirectories(data);
        return group.launch(java("sync", "--folder", folder.toAbsolutePath().toString(), "--key", key,
                "--listen", Integer.toString(listenPort), "--peer", "127.0.0.1:" + peerPort,
                "--data", data.toAbsolutePath().toString(),
                // Loopback only: no LAN broadcast, DHT or peer exchange beyond the two nodes.
                "--no-lan", "--no-dht", "--no-pex"), Map.of(), log(label));
    }

    private Path log(String label) {
        return stateDir.resolve("node-" + label + ".log");
    }

    @Override
    public void changeLanded() {
        // the nodes watch their folders
    }

    @Override
    public boolean supportsRescan() {
        return false;
    }

    @Override
    public void requestRescan(Path dirA) {
        // no request channel into the child JVMs: they watch their folders
    }

    @Override
    public long awaitIdle(Duration timeout) throws IOException, TimeoutException, InterruptedException {
        long quietSince = group.awaitCpuQuiet(IDLE_WINDOW, IDLE_MAX_TICKS, System.nanoTime() + timeout.toNanos());
        for (Process p : nodes) {
            if (!p.isAlive()) {
                throw new IOException("a cloudless node died: " + ProcessGroup.tail(log("a")) + " / " + ProcessGroup.tail(log("b")));
            }
        }
        return quietSince;
    }

    @Override
    public long bytesOnWire() {
        return toB.totalBytes() + toA.totalBytes();
    }

    @Override
    public void resetBytesOnWire() {
        toB.reset();
        toA.reset();
    }

    @Override
    public long peakRssBytes() {
        return group.peakRssBytes();
    }

    @Override
    public void stop() {
        group.killAll();
        nodes.clear();
    }

    @Override
    public void close() {
        group.close();
        nodes.clear();
        if (toB != null) {
            toB.close();
            toA.close();
        }
    }
}
