package dev.cloudless.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FolderConfigTest {
    static final SyncKey KEY = SyncKey.fromReadWriteSecret(new byte[32]);

    @Test
    void defaultsAreTheDocumentedOnes() {
        FolderConfig c = FolderConfig.builder(Path.of("f"), KEY).build();
        assertEquals(Duration.ofSeconds(60), c.rescanInterval());
        assertEquals(0.5, c.maxDeleteShare());
        assertEquals(Duration.ofDays(30), c.archiveRetention());
        assertTrue(c.watch());
        assertEquals(List.of(), c.peers());
        assertEquals(DiscoverySettings.DEFAULT, c.discovery());
        assertTrue(c.discovery().lan() && c.discovery().peerExchange() && c.discovery().dht());
        assertEquals(List.of(), c.discovery().trackers());
    }

    @Test
    void trackersMustBeUdpOrHttpAddresses() {
        DiscoverySettings ok = DiscoverySettings.NONE.withTrackers(List.of(URI.create("udp://127.0.0.1:6969"),
                URI.create("http://127.0.0.1:6969/announce"), URI.create("https://tracker.example/announce")));
        assertEquals(3, ok.trackers().size());
        for (String bad : List.of("udp://127.0.0.1", "ftp://h:1/x", "tracker:6969", "http:///announce")) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> DiscoverySettings.NONE.withTrackers(List.of(URI.create(bad))), bad);
            assertTrue(e.getMessage().contains("trackers"), e.getMessage());
        }
        List<URI> tooMany = java.util.Collections.nCopies(DiscoverySettings.MAX_TRACKERS + 1,
                URI.create("udp://127.0.0.1:1"));
        assertThrows(IllegalArgumentException.class, () -> DiscoverySettings.DEFAULT.withTrackers(tooMany));
    }

    @Test
    void toBuilderKeepsEveryValue() {
        FolderConfig c = FolderConfig.builder(Path.of("f"), KEY).peer(new InetSocketAddress("127.0.0.1", 1))
                .rescanInterval(Duration.ofMinutes(5)).watch(false).maxDeleteShare(1.0)
                .archiveRetention(Duration.ZERO).discovery(DiscoverySettings.NONE.withDht(true)).build();
        assertEquals(c, c.toBuilder().build());
    }

    @Test
    void invalidValuesAreRejectedNamingTheField() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> FolderConfig.builder(Path.of("f"), KEY).maxDeleteShare(0).build());
        assertTrue(e.getMessage().contains("maxDeleteShare"));
        e = assertThrows(IllegalArgumentException.class,
                () -> FolderConfig.builder(Path.of("f"), KEY).rescanInterval(Duration.ZERO).build());
        assertTrue(e.getMessage().contains("rescanInterval"));
        e = assertThrows(IllegalArgumentException.class,
                () -> FolderConfig.builder(Path.of("f"), KEY).archiveRetention(Duration.ofDays(-1)).build());
        assertTrue(e.getMessage().contains("archiveRetention"));
    }

    @Test
    void theBuilderNeedsADataDirectory() {
        var e = assertThrows(IllegalArgumentException.class, () -> SyncNode.builder().build());
        assertTrue(e.getMessage().contains("dataDir"));
    }

    @Test
    void negativeRateLimitsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new RateLimits(-1, 0));
    }
}
