package dev.cloudless.sync.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The small parsers the tools depend on: tool output, /proc, REST answers, the table. */
class ParsingTest {
    @Test
    void rsyncStatsWithThousandsSeparators() throws IOException {
        String stats = """
                Number of files: 1 (reg: 1)
                Total bytes sent: 1,073,874,316
                Total bytes received: 19,102
                """;
        assertEquals(1_073_874_316L, RsyncTool.statsNumber(Pattern.compile("Total bytes sent: ([0-9,.]+)"), stats));
        assertEquals(19_102L, RsyncTool.statsNumber(Pattern.compile("Total bytes received: ([0-9,.]+)"), stats));
        assertThrows(IOException.class, () -> RsyncTool.statsNumber(Pattern.compile("Literal data: ([0-9,.]+)"), stats));
    }

    @Test
    void statLineWithSpacesAndParenthesesInTheName() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        String stat = "1234 (we ird) (name)) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 31 0 0 20 0 1 0 5 0 0\n";
        assertEquals(281, ProcStats.cpuTicksOfStatLine(stat));
    }

    @Test
    void ownProcessHasAPeakRssAndCpuTime() {
        long pid = ProcessHandle.current().pid();
        assertTrue(ProcStats.peakRssBytes(pid).orElseThrow() > 1 << 20);
        assertTrue(ProcStats.cpuTicks(pid).orElseThrow() > 0);
        assertEquals(Optional.empty().isPresent(), ProcStats.peakRssBytes(Long.MAX_VALUE).isPresent());
    }

    @Test
    void syncthingRestFieldsAreTakenFromTheRightObject() {
        String connections = """
                {"connections":{"AAAAAAA-B":{"at":"2026","inBytesTotal":5,"outBytesTotal":6,"connected":false},
                 "CCCCCCC-D":{"inBytesTotal":7,"outBytesTotal":8,"connected":true}},
                 "total":{"at":"2026","inBytesTotal":1200,"outBytesTotal":34}}""";
        assertEquals(1200, JsonFields.number(connections, "total", "inBytesTotal"));
        assertEquals(34, JsonFields.number(connections, "total", "outBytesTotal"));
        assertEquals("true", JsonFields.raw(connections, "CCCCCCC-D", "connected").orElseThrow());
        assertEquals("false", JsonFields.raw(connections, "AAAAAAA-B", "connected").orElseThrow());
        assertEquals(Optional.empty(), JsonFields.raw(connections, "EEEE", "connected"));
        String status = "{\"globalBytes\": 1.073741824e+09, \"needTotalItems\": 0, \"state\": \"idle\"}";
        assertEquals("idle", JsonFields.raw(status, null, "state").orElseThrow());
        assertEquals(1_073_741_824L, JsonFields.number(status, null, "globalBytes"));
    }

    @Test
    void keygenOutputGivesTheReadWriteKey() throws IOException {
        String out = """
                access level   : read-write
                read-write key : CSK1-ABCDEF
                read-only key  : CSK1-RO
                """;
        assertEquals("CSK1-ABCDEF", CloudlessTool.parseKey(out));
        assertThrows(ToolUnavailableException.class, () -> CloudlessTool.parseKey("Unknown command: keygen"));
    }

    @Test
    void tableComparesWithSyncthingRescanAndShowsProblems() {
        List<Result> results = List.of(
                new Result("big", "syncthing", 16, 1L << 30, 1L << 30, 120L << 20, null),
                new Result("big", "syncthing-rescan", 8, 1L << 30, 1L << 30, 130L << 20, null),
                new Result("big", "rsync", 2, 1L << 30, (1L << 30) / 2, 7L << 20, null),
                Result.problem("big", "cloudless", "unavailable: no | jar"));
        String md = ResultTable.markdown(results);
        assertTrue(md.contains("| big | rsync | 2.00 | 512.0 | 512 MiB | 7 MiB | 4.00× | 0.50× |"), md);
        assertTrue(md.contains("| big | syncthing | 16.00 | 64.0 | 1.00 GiB | 120 MiB | 0.50× | 1.00× |"), md);
        assertTrue(md.contains("| big | cloudless | unavailable: no / jar |"), md);
        assertEquals("301 KiB", ResultTable.bytes(301 * 1024 + 100));
        assertEquals("1.04 MiB", ResultTable.bytes(1_090_519L));
        assertEquals("999 B", ResultTable.bytes(999));
    }
}
