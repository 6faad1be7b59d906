package dev.cloudless.sync.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.DiscoverySettings;
import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.SyncNode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncCommandTest {
    private static final String KEY = SyncKey.generate().toText();

    @Test
    void everyDiscoveryMethodIsOnByDefaultWithNothingToContact(@TempDir Path dir) {
        SyncCommand.Options o = SyncCommand.parse(new String[] {"--folder", dir.resolve("f").toString(), "--key", KEY});
        assertEquals(DiscoverySettings.DEFAULT, o.discovery());
        assertEquals(List.of(), o.dhtBootstrap());
    }

    @Test
    void flagsSwitchMethodsOffAndCollectTrackersAndBootstrapNodes(@TempDir Path dir) {
        SyncCommand.Options o = SyncCommand.parse(new String[] {"--no-lan", "--folder", dir.resolve("f").toString(),
            "--tracker", "udp://tracker.test:6969", "--no-dht", "--key", KEY, "--tracker", "http://t.test/announce",
            "--dht-bootstrap", "router.test:6881", "--no-pex", "--dht-bootstrap", "[::1]:7000"});
        assertEquals(new DiscoverySettings(false, false, false,
                List.of(URI.create("udp://tracker.test:6969"), URI.create("http://t.test/announce"))), o.discovery());
        assertEquals(List.of(InetSocketAddress.createUnresolved("router.test", 6881),
                InetSocketAddress.createUnresolved("::1", 7000)), o.dhtBootstrap());
    }

    @Test
    void badDiscoveryArgumentsAreUsageErrors(@TempDir Path dir) {
        String f = dir.resolve("f").toString();
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> SyncCommand.parse(new String[] {"--folder", f, "--key", KEY, "--tracker", "ftp://t.test/"}));
        assertTrue(x.getMessage().contains("ftp://t.test/"), x.getMessage());
        x = assertThrows(IllegalArgumentException.class,
                () -> SyncCommand.parse(new String[] {"--folder", f, "--key", KEY, "--dht-bootstrap", "router.test"}));
        assertTrue(x.getMessage().contains("HOST:PORT"), x.getMessage());
        x = assertThrows(IllegalArgumentException.class,
                () -> SyncCommand.parse(new String[] {"--folder", f, "--key", KEY, "--tracker"}));
        assertTrue(x.getMessage().contains("needs a value"), x.getMessage());
    }

    /**
     * Three nodes on loopback, peer exchange only: A and C learn each other through B, and the
     * status line of the one that dials first counts it (the other finds it already connected).
     */
    @Test
    @Tag("integration")
    void theStatusLineCountsDiscoveredPeers(@TempDir Path dir) throws Exception {
        SyncKey key = SyncKey.parse(KEY);
        List<SyncNode> nodes = new ArrayList<>();
        try {
            SyncNode b = start(dir, "B", key, null);
            nodes.add(b);
            InetSocketAddress hub = b.listenAddresses().get(0);
            SyncNode a = start(dir, "A", key, hub);
            nodes.add(a);
            SyncNode c = start(dir, "C", key, hub);
            nodes.add(c);
            assertTrue(SyncCommand.statusLine(a.folders().get(0)).contains("discovered 0"));
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            String lines = "";
            while (System.nanoTime() < deadline && !lines.contains("discovered 1")) {
                Thread.sleep(50);
                lines = SyncCommand.statusLine(a.folders().get(0)) + " / " + SyncCommand.statusLine(c.folders().get(0));
            }
            assertTrue(lines.contains("discovered 1"), lines);
            assertTrue(SyncCommand.statusLine(b.folders().get(0)).contains("peers 2, discovered 0"));
        } finally {
            nodes.forEach(SyncNode::close);
        }
    }

    private static SyncNode start(Path dir, String name, SyncKey key, InetSocketAddress peer) {
        dev.cloudless.sync.FolderConfig.Builder fc = dev.cloudless.sync.FolderConfig.builder(dir.resolve(name), key)
                .discovery(DiscoverySettings.NONE.withPeerExchange(true));
        if (peer != null) {
            fc.peer(peer);
        }
        return SyncNode.builder().dataDir(dir.resolve(name + ".state")).deviceName(name).listenOnLoopback()
                .folder(fc.build()).shutdownTimeout(Duration.ofSeconds(5)).build().start();
    }
}
