package dev.cloudless.sync.bench.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two Syncthing instances (the Debian package's {@code syncthing serve}) sharing one folder over
 * loopback: static {@code tcp://127.0.0.1} addresses, no global or local discovery, relays, NAT
 * traversal, STUN, usage reporting or upgrades; REST on 127.0.0.1 with a random API key. Either
 * with its default watcher (10 s delay) or with the watcher off and an explicit
 * {@code POST /rest/db/scan} after each change. Bytes on the wire are Syncthing's own counters
 * (A's {@code inBytesTotal + outBytesTotal} in {@code /rest/system/connections}).
 */
final class SyncthingTool implements SyncTool {
    static final String FOLDER_ID = "bench";
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration COMMAND = Duration.ofSeconds(60);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(1);
    /** At most this many CPU ticks (1/100 s) in {@link #IDLE_WINDOW}, all processes together: 5 % of a core. */
    private static final long IDLE_MAX_TICKS = 5;
    /** Syncthing's default is 60 s; short so that a restart does not wait a minute for a redial. */
    private static final int RECONNECT_INTERVAL_S = 5;
    private static final long POLL_MS = 100;
    private static final Pattern DEVICE_ID = Pattern.compile("Device ID: ([A-Z0-9-]{63})");

    private final boolean watcher;
    private final ProcessGroup group;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
    private final String apiKey = HexFormat.of().formatHex(ScenarioData.bytes(System.nanoTime(), 16));
    private Instance a;
    private Instance b;
    private long wireBaseline;

    private static final class Instance {
        final String label;
        final Path home;
        final Path folder;
        final String deviceId;
        final int listenPort;
        final int guiPort;
        Process process;

        Instance(String label, Path home, Path folder, String deviceId, int listenPort, int guiPort) {
            this.label = label;
            this.home = home;
            this.folder = folder;
            this.deviceId = deviceId;
            this.listenPort = listenPort;
            this.guiPort = guiPort;
        }
    }

    /** @param watcher true: Syncthing's default watcher; false: watcher off, rescan requested after each change */
    SyncthingTool(boolean watcher) {
        this.watcher = watcher;
        this.group = new ProcessGroup(name());
    }

    @Override
    public String name() {
        return watcher ? "syncthing" : "syncthing-rescan";
    }

    @Override
    public void start(Path dirA, Path dirB, Path stateDir) throws IOException {
        try {
            if (a == null) {
                a = create("a", stateDir, dirA);
                b = create("b", stateDir, dirB);
            }
            for (Instance i : List.of(a, b)) {
                writeConfig(i, i == a ? b : a);
                Files.createDirectories(i.folder.resolve(".stfolder")); // Syncthing refuses a folder without its marker
                i.process = group.launch(List.of("syncthing", "serve", "--home=" + i.home, "--no-browser",
                        "--no-restart", "--no-upgrade", "--no-default-folder", "--skip-port-probing"),
                        Map.of("STNODEFAULTFOLDER", "1", "STNOUPGRADE", "1", "STNORESTART", "1"),
                        i.home.resolve("syncthing.log"));
            }
            wireBaseline = 0;
            long deadline = System.nanoTime() + STARTUP.toNanos();
            for (Instance i : List.of(a, b)) {
                awaitRest(i, deadline);
            }
            awaitConnectedAndRunning(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting Syncthing", e);
        }
    }

    private Instance create(String label, Path stateDir, Path folder) throws IOException, InterruptedException {
        Path home = stateDir.resolve("syncthing-" + label);
        Files.createDirectories(home);
        String out;
        try {
            out = group.run(List.of("syncthing", "generate", "--home=" + home), Map.of(), stateDir.resolve("generate-" + label + ".log"), COMMAND);
        } catch (ToolUnavailableException e) {
            throw e;
        } catch (IOException e) {
            throw new ToolUnavailableException("syncthing generate failed: " + e.getMessage());
        }
        Matcher m = DEVICE_ID.matcher(out);
        if (!m.find()) {
            throw new ToolUnavailableException("no device id in the output of syncthing generate: " + out);
        }
        return new Instance(label, home, folder, m.group(1), Loopback.freePort(), Loopback.freePort());
    }

    private void writeConfig(Instance self, Instance peer) throws IOException {
        String folderDevices = "        <device id=\"" + self.deviceId + "\" introducedBy=\"\"></device>\n"
                + "        <device id=\"" + peer.deviceId + "\" introducedBy=\"\"></device>\n";
        String xml = """
                <configuration version="36">
                    <folder id="%s" label="%s" path="%s" type="sendreceive" rescanIntervalS="3600" fsWatcherEnabled="%s" fsWatcherDelayS="10" ignorePerms="false" autoNormalize="true">
                        <filesystemType>basic</filesystemType>
                %s    </folder>
                %s%s    <gui enabled="true" tls="false" debugging="false">
                        <address>127.0.0.1:%d</address>
                        <apikey>%s</apikey>
                    </gui>
                    <options>
                        <listenAddress>tcp://127.0.0.1:%d</listenAddress>
                        <globalAnnounceEnabled>false</globalAnnounceEnabled>
                        <localAnnounceEnabled>false</localAnnounceEnabled>
                        <relaysEnabled>false</relaysEnabled>
                        <natEnabled>false</natEnabled>
                        <stunKeepaliveStartS>0</stunKeepaliveStartS>
                        <startBrowser>false</startBrowser>
                        <urAccepted>-1</urAccepted>
                        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
                        <crashReportingEnabled>false</crashReportingEnabled>
                        <reconnectionIntervalS>%d</reconnectionIntervalS>
                        <setLowPriority>false</setLowPriority>
                    </options>
                </configuration>
                """.formatted(FOLDER_ID, FOLDER_ID, xmlEscape(self.folder.toAbsolutePath().toString()), watcher, folderDevices,
                deviceXml(self), deviceXml(peer), self.guiPort, apiKey, self.listenPort, RECONNECT_INTERVAL_S);
        Files.writeString(self.home.resolve("config.xml"), xml, StandardCharsets.UTF_8);
    }

    private static String deviceXml(Instance i) {
        return "    <device id=\"" + i.deviceId + "\" name=\"" + i.label + "\" compression=\"metadata\" introducer=\"false\">\n"
                + "        <address>tcp://127.0.0.1:" + i.listenPort + "</address>\n"
                + "    </device>\n";
    }

    private static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private void awaitRest(Instance i, long deadline) throws IOException, InterruptedException {
        while (System.nanoTime() < deadline) {
            if (!i.process.isAlive()) {
                throw new ToolUnavailableException("syncthing " + i.label + " exited with " + i.process.exitValue()
                        + ": " + ProcessGroup.tail(i.home.resolve("syncthing.log")));
            }
            try {
                if (get(i, "/rest/system/ping").contains("pong")) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(POLL_MS);
        }
        throw new ToolUnavailableException("syncthing " + i.label + " REST not up within " + STARTUP);
    }

    private void awaitConnectedAndRunning(long deadline) throws IOException, InterruptedException {
        String last = "";
        while (System.nanoTime() < deadline) {
            last = get(a, "/rest/system/connections");
            boolean connected = JsonFields.raw(last, b.deviceId, "connected").orElse("false").equals("true");
            if (connected && folderRunning(a) && folderRunning(b)) {
                return;
            }
            Thread.sleep(POLL_MS);
        }
        throw new ToolUnavailableException("syncthing instances did not connect within " + STARTUP + ": " + last);
    }

    private boolean folderRunning(Instance i) throws IOException {
        String state = JsonFields.raw(get(i, "/rest/db/status?folder=" + FOLDER_ID), null, "state").orElse("");
        return !state.isEmpty() && !state.equals("error");
    }

    @Override
    public void changeLanded() throws IOException {
        if (!watcher) {
            requestRescan(a.folder);
        }
    }

    @Override
    public boolean supportsRescan() {
        return true;
    }

    @Override
    public void requestRescan(Path dirA) throws IOException {
        post(a, "/rest/db/scan?folder=" + FOLDER_ID);
    }

    @Override
    public long awaitIdle(Duration timeout) throws IOException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (idleByRest()) {
                long quietSince = group.awaitCpuQuiet(IDLE_WINDOW, IDLE_MAX_TICKS, deadline);
                if (idleByRest()) {
                    return quietSince;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("syncthing not idle within " + timeout);
            }
            Thread.sleep(POLL_MS);
        }
    }

    /** Both folders idle with nothing needed, and A sees B as complete. */
    private boolean idleByRest() throws IOException {
        for (Instance i : List.of(a, b)) {
            if (!i.process.isAlive()) {
                throw new IOException("syncthing " + i.label + " died: " + ProcessGroup.tail(i.home.resolve("syncthing.log")));
            }
            String status = get(i, "/rest/db/status?folder=" + FOLDER_ID);
            if (!JsonFields.raw(status, null, "state").orElse("").equals("idle")
                    || JsonFields.number(status, null, "needTotalItems") != 0) {
                return false;
            }
        }
        String completion = get(a, "/rest/db/completion?folder=" + FOLDER_ID + "&device=" + b.deviceId);
        return JsonFields.number(completion, null, "completion") == 100 && JsonFields.number(completion, null, "needItems") == 0;
    }

    @Override
    public long bytesOnWire() throws IOException {
        return wireTotal() - wireBaseline;
    }

    @Override
    public void resetBytesOnWire() throws IOException {
        wireBaseline = wireTotal();
    }

    private long wireTotal() throws IOException {
        String c = get(a, "/rest/system/connections");
        return JsonFields.number(c, "total", "inBytesTotal") + JsonFields.number(c, "total", "outBytesTotal");
    }

    @Override
    public long peakRssBytes() {
        return group.peakRssBytes();
    }

    @Override
    public void stop() throws IOException {
        for (Instance i : List.of(a, b)) {
            if (i != null && i.process != null && i.process.isAlive()) {
                try {
                    post(i, "/rest/system/shutdown");
                } catch (IOException ignored) {
                    // killed below
                }
            }
        }
        for (Instance i : List.of(a, b)) {
            if (i != null && i.process != null) {
                try {
                    i.process.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        group.killAll();
    }

    @Override
    public void close() {
        try {
            if (a != null) {
                stop();
            }
        } catch (IOException | RuntimeException ignored) {
            // killed below in any case
        }
        group.close();
    }

    private String get(Instance i, String path) throws IOException {
        return send(i, HttpRequest.newBuilder(uri(i, path)).GET());
    }

    private void post(Instance i, String path) throws IOException {
        send(i, HttpRequest.newBuilder(uri(i, path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static URI uri(Instance i, String path) {
        return URI.create("http://127.0.0.1:" + i.guiPort + path);
    }

    private String send(Instance i, HttpRequest.Builder request) throws IOException {
        try {
            HttpResponse<String> r = http.send(request.header("X-API-Key", apiKey).timeout(HTTP_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("syncthing " + i.label + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
