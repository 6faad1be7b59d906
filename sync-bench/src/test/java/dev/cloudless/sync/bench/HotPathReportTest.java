package dev.cloudless.sync.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.bench.HotPathReport.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

class HotPathReportTest {
    private static Row row(String method, long bytes, double ours, String ref, double refScore) {
        return new Row("SomeBenchmark", method, bytes, ours, 1, ref, refScore);
    }

    @Test
    void ratioIsOursOverReference() {
        assertEquals(0.5, row("syncBlockHash", 1 << 20, 500, "jdkSha256", 1000).ratio().orElseThrow(), 1e-9);
        assertTrue(row("syncFoo", 1, 1, null, Double.NaN).ratio().isEmpty());
    }

    @Test
    void tableMarksTargetsMetAndMissed() {
        String table = HotPathReport.table(List.of(
                row("syncBlockHash", 64 << 20, 950, "jdkSha256", 1000),
                row("syncSeal", 16_384, 900, "jdkGcmEncrypt", 1000),
                row("syncSeal", 1_048_576, 2500, "jdkGcmEncrypt", 3000)));
        assertTrue(table.contains("| SomeBenchmark.syncBlockHash | 64 MiB | 950 ± 1 | `jdkSha256` | 1,000 | 0.95 | ratio >= 0.90 ✔ |"), table);
        assertTrue(table.contains("| SomeBenchmark.syncSeal | 16 KiB | 900 ± 1 | `jdkGcmEncrypt` | 1,000 | 0.90 | >= 1,000 MB/s ✘ |"), table);
        assertTrue(table.contains("| 1 MiB | 2,500 ± 1 |"), table);
    }

    @Test
    void targetsApplyOnlyToTheirMethodAndSize() {
        HotPathReport.Target t = new HotPathReport.Target("syncSeal", 16_384L, HotPathReport.Kind.MB_PER_S, 1000);
        assertTrue(t.appliesTo(row("syncSeal", 16_384, 1, null, 0)));
        assertFalse(t.appliesTo(row("syncSeal", 1_048_576, 1, null, 0)));
        assertFalse(t.appliesTo(row("syncOpen", 16_384, 1, null, 0)));
    }
}
