package dev.cloudless.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
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
    }

    @Test
    void toBuilderKeepsEveryValue() {
        FolderConfig c = FolderConfig.builder(Path.of("f"), KEY).peer(new InetSocketAddress("127.0.0.1", 1))
                .rescanInterval(Duration.ofMinutes(5)).watch(false).maxDeleteShare(1.0)
                .archiveRetention(Duration.ZERO).build();
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
