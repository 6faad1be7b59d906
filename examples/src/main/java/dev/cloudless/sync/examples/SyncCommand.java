package dev.cloudless.sync.examples;

import dev.cloudless.sync.DiscoveredPeer;
import dev.cloudless.sync.DiscoverySettings;
import dev.cloudless.sync.Folder;
import dev.cloudless.sync.FolderConfig;
import dev.cloudless.sync.FolderStatus;
import dev.cloudless.sync.PeerInfo;
import dev.cloudless.sync.SyncEvent;
import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.SyncNode;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sync --folder DIR --key KEY [--listen PORT] [--peer HOST:PORT]... [--data DIR] [--name NAME]
 * [--tracker URL]... [--dht-bootstrap HOST:PORT]... [--no-lan] [--no-dht] [--no-pex]}: runs one node
 * sharing one folder, prints what happens and a status line, and stops cleanly on Ctrl-C. LAN
 * discovery, the DHT and peer exchange are on unless switched off; the DHT contacts only the
 * bootstrap nodes given, trackers only those named.
 */
final class SyncCommand {
    private SyncCommand() {
    }

    /** What the command line asks for. */
    record Options(Path folder, SyncKey key, Path data, String name, int listen, List<InetSocketAddress> peers,
                   DiscoverySettings discovery, List<InetSocketAddress> dhtBootstrap) {
        /** The node these options describe, not yet started. */
        SyncNode node() {
            FolderConfig.Builder fc = FolderConfig.builder(folder, key).discovery(discovery);
            peers.forEach(fc::peer);
            SyncNode.Builder b = SyncNode.builder().dataDir(data).folder(fc.build()).listen(listen)
                    .dhtBootstrap(dhtBootstrap.toArray(new InetSocketAddress[0]));
            if (name != null) {
                b.deviceName(name);
            }
            return b.build();
        }
    }

    static Options parse(String[] args) {
        Path folder = null;
        SyncKey key = null;
        Path data = null;
        String name = null;
        int listen = 0;
        List<InetSocketAddress> peers = new ArrayList<>();
        List<URI> trackers = new ArrayList<>();
        List<InetSocketAddress> bootstrap = new ArrayList<>();
        boolean lan = true;
        boolean dht = true;
        boolean pex = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--no-lan" -> {
                    lan = false;
                    continue;
                }
                case "--no-dht" -> {
                    dht = false;
                    continue;
                }
                case "--no-pex" -> {
                    pex = false;
                    continue;
                }
                default -> { }
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--folder" -> folder = Path.of(v);
                case "--key" -> key = SyncKey.parse(v);
                case "--data" -> data = Path.of(v);
                case "--name" -> name = v;
                case "--listen" -> listen = parsePort(v);
                case "--peer" -> peers.add(parsePeer(v));
                case "--tracker" -> trackers.add(parseUri(v));
                case "--dht-bootstrap" -> bootstrap.add(parsePeer(v));
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (folder == null || key == null) {
            throw new IllegalArgumentException("sync needs --folder DIR and --key KEY");
        }
        if (data == null) {
            data = folder.toAbsolutePath().getParent().resolve(folder.getFileName() + ".state");
        }
        return new Options(folder, key, data, name, listen, List.copyOf(peers),
                new DiscoverySettings(lan, pex, dht, trackers), List.copyOf(bootstrap));
    }

    static void run(String[] args, PrintStream out) throws InterruptedException {
        Options o = parse(args);
        Path folder = o.folder();
        SyncKey key = o.key();
        SyncNode node = o.node().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            out.println();
            out.println("stopping...");
            node.close();
            stopped.countDown();
        }, "sync-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("device " + node.deviceId() + " (" + node.deviceName() + ") listening on " + node.listenAddresses());
        out.println("sharing " + folder.toAbsolutePath() + " as " + key.level().description()
                + " (folder " + key.discoveryIdHex().substring(0, 12) + "…)");
        boolean tty = System.console() != null;
        node.subscribe(e -> {
            String line = describe(e);
            if (line != null) {
                out.print(tty ? "\r\033[K" : "");
                out.println(line);
            }
        });
        Folder f = node.folders().get(0);
        long lastPrinted = 0;
        String last = "";
        while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            String line = statusLine(f);
            if (tty) {
                out.print("\r\033[K" + line);
                out.flush();
            } else if (!line.equals(last) || System.nanoTime() - lastPrinted > 30_000_000_000L) {
                out.println(line);
                lastPrinted = System.nanoTime();
            }
            last = line;
        }
    }

    static String statusLine(Folder f) {
        FolderStatus s = f.status();
        long in = 0;
        long out = 0;
        List<PeerInfo> peers = f.peers();
        for (PeerInfo p : peers) {
            in += p.rateIn();
            out += p.rateOut();
        }
        long discovered = f.discoveredPeers().stream().map(DiscoveredPeer::address).distinct().count();
        return String.format("[%s] peers %d, discovered %d | down %s/s up %s/s | %d files %s local, %d files %s global | %.1f%%%s",
                s.state().name().toLowerCase(), peers.size(), discovered, bytes(in), bytes(out), s.localFiles(), bytes(s.localBytes()),
                s.globalFiles(), bytes(s.globalBytes()), 100 * s.completion(),
                s.neededFiles() > 0 ? " (" + s.neededFiles() + " to go, " + bytes(s.neededBytes()) + ")" : "");
    }

    static String describe(SyncEvent e) {
        if (e instanceof SyncEvent.FileChanged c) {
            return (c.origin() == SyncEvent.Origin.LOCAL ? "local  " : "remote ") + c.kind().name().toLowerCase()
                    + " " + c.path();
        } else if (e instanceof SyncEvent.FileConflicted c) {
            return "conflict " + c.path() + " -> kept the other version as " + c.conflictCopy();
        } else if (e instanceof SyncEvent.PeerConnected c) {
            return "peer connected: " + c.name() + " " + c.deviceId() + " at " + c.address() + " over " + c.transport();
        } else if (e instanceof SyncEvent.PeerDisconnected c) {
            return "peer disconnected: " + c.deviceId() + " (" + c.reason() + ")";
        } else if (e instanceof SyncEvent.PeerRejected c) {
            return "peer rejected: " + c.address() + " (" + c.reason() + ")";
        } else if (e instanceof SyncEvent.DeletionsPending c) {
            return "WARNING: a scan would delete " + c.deletions() + " of " + c.files()
                    + " entries; paused until confirmed";
        } else if (e instanceof SyncEvent.SyncError c) {
            return "error: " + (c.path().isEmpty() ? "" : c.path() + ": ") + c.message();
        }
        return null;
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }

    static int parsePort(String v) {
        try {
            int p = Integer.parseInt(v);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port: " + v);
        }
    }

    static URI parseUri(String v) {
        try {
            return new URI(v);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a tracker URL: " + v);
        }
    }

    static InetSocketAddress parsePeer(String v) {
        int colon = v.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("a peer is HOST:PORT, got " + v);
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return InetSocketAddress.createUnresolved(host, parsePort(v.substring(colon + 1)));
    }
}
