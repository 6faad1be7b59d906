package dev.cloudless.sync.examples;

import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.core.identity.DeviceIdentity;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The example programs, one sub-command each.
 *
 * <pre>
 * java -jar examples/target/cloudless-sync-examples.jar keygen
 * java -jar examples/target/cloudless-sync-examples.jar inspect KEY
 * java -jar examples/target/cloudless-sync-examples.jar identity [--data DIR]
 * java -jar examples/target/cloudless-sync-examples.jar sync --folder DIR --key KEY [--listen PORT] [--peer HOST:PORT]... [--data DIR]
 *     [--tracker URL]... [--dht-bootstrap HOST:PORT]... [--no-lan] [--no-dht] [--no-pex]
 * java -jar examples/target/cloudless-sync-examples.jar demo [--dir DIR]
 * </pre>
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            usage(err);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "keygen" -> keygen(out);
                case "inspect" -> {
                    if (rest.length != 1) {
                        err.println("inspect takes exactly one key");
                        return 2;
                    }
                    describe(SyncKey.parse(rest[0]), out);
                }
                case "identity" -> identity(rest, out);
                case "sync" -> SyncCommand.run(rest, out);
                case "demo" -> DemoCommand.run(rest, out);
                case "-h", "--help", "help" -> usage(out);
                default -> {
                    err.println("Unknown command: " + args[0]);
                    usage(err);
                    return 2;
                }
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("Error: " + e.getMessage());
            return 1;
        } catch (IOException | java.io.UncheckedIOException e) {
            err.println("I/O error: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** Prints a fresh read-write key and the keys derived from it. */
    static void keygen(PrintStream out) {
        SyncKey key = SyncKey.generate();
        describe(key, out);
    }

    static void describe(SyncKey key, PrintStream out) {
        out.println("access level   : " + key.level().description());
        if (key.level().canWrite()) {
            out.println("read-write key : " + key.toText());
        }
        if (key.level().canRead()) {
            out.println("read-only key  : " + key.readOnly().toText());
        }
        out.println("encrypted key  : " + key.encrypted().toText());
        out.println("discovery id   : " + key.discoveryIdHex() + "  (the folder's BitTorrent info-hash)");
    }

    static void identity(String[] args, PrintStream out) throws IOException {
        Path dataDir = Path.of("state");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--data") && i + 1 < args.length) {
                dataDir = Path.of(args[++i]);
            } else {
                throw new IllegalArgumentException("identity takes only --data DIR, got " + args[i]);
            }
        }
        DeviceIdentity identity = DeviceIdentity.loadOrCreate(dataDir);
        out.println("device id      : " + identity.deviceId());
        out.println("stored in      : " + dataDir.toAbsolutePath());
    }

    private static void usage(PrintStream out) {
        out.println("""
                usage: cloudless-sync-examples COMMAND
                  keygen              print a new read-write key and the read-only and encrypted keys derived from it
                  inspect KEY         check a key's spelling and print what it derives (level, lower keys, discovery id)
                  identity [--data DIR]
                                      create or load this device's identity in DIR (default ./state) and print its id
                  sync --folder DIR --key KEY [--listen PORT] [--peer HOST:PORT]... [--data DIR] [--name NAME]
                       [--tracker URL]... [--dht-bootstrap HOST:PORT]... [--no-lan] [--no-dht] [--no-pex]
                                      share DIR with every peer holding KEY; prints events and a status line; Ctrl-C stops.
                                      Peers are also found on the LAN, by peer exchange and on the DHT (through the
                                      bootstrap nodes given) unless switched off, and through the trackers named
                  demo [--dir DIR]    two nodes on this machine keep DIR/A and DIR/B (default ./demo) identical""");
    }
}
