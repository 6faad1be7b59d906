package dev.cloudless.sync.examples;

import dev.cloudless.sync.DiscoverySettings;
import dev.cloudless.sync.FolderConfig;
import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.SyncNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * {@code demo [--dir DIR]}: two nodes on this machine keep {@code DIR/A} and {@code DIR/B}
 * identical. Writes a few files into A, waits until B holds them byte for byte, edits and
 * deletes one, waits again, and exits. Shows the whole engine in one command.
 */
final class DemoCommand {
    private DemoCommand() {
    }

    static void run(String[] args, PrintStream out) throws IOException, InterruptedException {
        Path dir = Path.of("demo");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--dir") && i + 1 < args.length) {
                dir = Path.of(args[++i]);
            } else {
                throw new IllegalArgumentException("demo takes only --dir DIR, got " + args[i]);
            }
        }
        Path a = dir.resolve("A");
        Path b = dir.resolve("B");
        SyncKey key = SyncKey.generate();
        out.println("folder key (read-write): " + key.toText());
        // Discovery off (what --no-lan --no-dht --no-pex do for sync): the demo stays on loopback.
        try (SyncNode nodeB = SyncNode.builder().dataDir(dir.resolve("B.state")).deviceName("demo-B")
                .listenOnLoopback().folder(FolderConfig.builder(b, key).discovery(DiscoverySettings.NONE).build())
                .build().start()) {
            InetSocketAddress addrB = nodeB.listenAddresses().get(0);
            try (SyncNode nodeA = SyncNode.builder().dataDir(dir.resolve("A.state")).deviceName("demo-A")
                    .listenOnLoopback().folder(FolderConfig.builder(a, key).peer(addrB)
                            .discovery(DiscoverySettings.NONE).build()).build().start()) {
                nodeB.subscribe(e -> {
                    String line = SyncCommand.describe(e);
                    if (line != null) {
                        out.println("B: " + line);
                    }
                });
                Files.createDirectories(a.resolve("docs"));
                Random rnd = new Random(42);
                byte[] big = new byte[8 << 20];
                rnd.nextBytes(big);
                Files.write(a.resolve("big.bin"), big);
                Files.writeString(a.resolve("docs/hello.txt"), "Hello from node A\n");
                Files.writeString(a.resolve("docs/notes.md"), "# Notes\nsynced without a server\n");
                out.println("wrote 3 files into " + a.toAbsolutePath() + "; waiting for " + b.toAbsolutePath());
                await(a, b, nodeB.folders().get(0));
                Files.writeString(a.resolve("docs/hello.txt"), "Hello again, edited on A\n");
                Files.delete(a.resolve("docs/notes.md"));
                out.println("edited docs/hello.txt and deleted docs/notes.md on A; waiting for B");
                await(a, b, nodeB.folders().get(0));
                out.println("B is identical to A. Status of B: " + SyncCommand.statusLine(nodeB.folders().get(0)));
                out.println("deleted files are kept in " + b.resolve(".sync/Archive").toAbsolutePath());
            }
        }
    }

    private static void await(Path a, Path b, dev.cloudless.sync.Folder folderB) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!digest(a).equals(digest(b)) || folderB.status().neededFiles() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IOException("B did not catch up with A within 60 s");
            }
            Thread.sleep(50);
        }
    }

    /** A digest of the tree's paths and contents, ignoring .sync/. */
    static String digest(Path root) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!Files.isDirectory(root)) {
            return "";
        }
        try (var paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted()::iterator) {
                Path rel = root.relativize(p);
                if (rel.toString().isEmpty() || rel.startsWith(".sync")) {
                    continue;
                }
                md.update(rel.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
                if (Files.isRegularFile(p)) {
                    md.update(Files.readAllBytes(p));
                }
                md.update((byte) 1);
            }
        } catch (java.io.UncheckedIOException e) {
            return "changing";
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
