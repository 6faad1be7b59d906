package dev.cloudless.sync.tests;

import dev.cloudless.sync.FolderConfig;
import dev.cloudless.sync.RateLimits;
import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.SyncNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A sync node in a child JVM, for tests that kill a node hard (SIGKILL) or run it with other JVM
 * options. Arguments: folder, data dir, peer port, download limit in bytes per second (0: none),
 * and optionally the peer's host name (default: the loopback address), which is handed to the
 * node unresolved, as a user's known host would be. The folder key
 * comes as the first line of stdin (kept off the command line); the node runs until stdin ends
 * or reads "stop", so a dying test JVM takes its children with it. Prints {@code DEVICE <id>}
 * once started and {@code EVENT <event>} for every event, on stdout.
 */
final class ChildNode {
    /** Bound on the child's close() when asked to stop. */
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    private ChildNode() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4 && args.length != 5) {
            System.err.println("usage: ChildNode <folder> <dataDir> <peerPort> <downloadBytesPerSecond> [peerHost]");
            System.exit(2);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String keyText = in.readLine();
        if (keyText == null) {
            System.exit(2);
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int peerPort = Integer.parseInt(args[2]);
        InetSocketAddress peer = args.length == 5 ? InetSocketAddress.createUnresolved(args[4], peerPort)
                : new InetSocketAddress(loopback, peerPort);
        FolderConfig folder = FolderConfig.builder(Path.of(args[0]), SyncKey.parse(keyText)).peer(peer).build();
        try (SyncNode node = SyncNode.builder().dataDir(Path.of(args[1])).deviceName("child")
                .listen(new InetSocketAddress(loopback, 0)).folder(folder)
                .rateLimits(new RateLimits(0, Long.parseLong(args[3])))
                .shutdownTimeout(SHUTDOWN_TIMEOUT).build()) {
            node.subscribe(e -> out.println("EVENT " + e));
            node.start();
            out.println("DEVICE " + node.deviceId());
            String line;
            while ((line = in.readLine()) != null && !line.equals("stop")) {
                // wait for the parent
            }
        }
        out.println("CLOSED");
    }
}
