package dev.cloudless.sync.discovery.lan;

import dev.cloudless.sync.DiscoveredPeer;
import dev.cloudless.sync.DiscoverySettings;
import dev.cloudless.sync.FolderConfig;
import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.SyncNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * A node run by {@link LanNamespaceTest} inside a network namespace. Arguments: folder, data
 * dir; the key is the first line of stdin. LAN discovery only; listens on 0.0.0.0:22000. Prints
 * {@code DEVICE <id>}, then every 200 ms {@code LAN <device>,<device>...} (the devices LAN
 * discovery reported); stops when stdin ends.
 */
final class LanHost {
    private LanHost() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        SyncKey key = SyncKey.parse(in.readLine());
        FolderConfig folder = FolderConfig.builder(Path.of(args[0]), key)
                .discovery(DiscoverySettings.NONE.withLan(true)).build();
        try (SyncNode node = SyncNode.builder().dataDir(Path.of(args[1])).deviceName("lan-host")
                .listen(new InetSocketAddress("0.0.0.0", 22000)).folder(folder)
                .shutdownTimeout(Duration.ofSeconds(3)).build().start()) {
            out.println("DEVICE " + node.deviceId());
            Thread stdin = new Thread(() -> {
                try {
                    while (in.readLine() != null) {
                        // until the parent closes stdin
                    }
                } catch (java.io.IOException e) {
                    // parent gone
                }
            });
            stdin.setDaemon(true);
            stdin.start();
            while (stdin.isAlive()) {
                out.println("LAN " + node.folders().get(0).discoveredPeers().stream()
                        .filter(p -> p.method().equals("lan") && p.device() != null)
                        .map(DiscoveredPeer::device).map(Object::toString).distinct().sorted()
                        .collect(Collectors.joining(",")));
                Thread.sleep(200);
            }
        }
    }
}
