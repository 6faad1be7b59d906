package dev.cloudless.sync.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Reads a live process's peak RSS and CPU time from Linux's /proc. */
final class ProcStats {
    private static final long BYTES_PER_KIB = 1024;

    private ProcStats() {}

    /** VmHWM (the process's peak resident set so far) in bytes; empty once the process is gone. */
    static OptionalLong peakRssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmHWM:")) {
                    return OptionalLong.of(parseKib(line.substring("VmHWM:".length())) * BYTES_PER_KIB);
                }
            }
            return OptionalLong.empty(); // a zombie has no memory lines
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** User plus system CPU time in clock ticks; empty once the process is gone. */
    static OptionalLong cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            return OptionalLong.of(cpuTicksOfStatLine(stat));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** utime + stime, fields 14 and 15 of /proc/PID/stat; the command name before them may hold spaces and ')'. */
    static long cpuTicksOfStatLine(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // fields[0] is field 3 (state), so field n is fields[n - 3]
        return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
    }

    private static long parseKib(String value) {
        String v = value.trim();
        if (!v.endsWith("kB")) {
            throw new IllegalArgumentException("unexpected unit in " + value);
        }
        return Long.parseLong(v.substring(0, v.length() - 2).trim());
    }
}
