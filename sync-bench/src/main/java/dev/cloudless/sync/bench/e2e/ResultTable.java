package dev.cloudless.sync.bench.e2e;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Renders results as a markdown table, each tool beside Syncthing measured in the same run. */
final class ResultTable {
    /** The reference the ratios are taken against, in order of preference. */
    static final List<String> REFERENCES = List.of("syncthing-rescan", "syncthing");
    /** A problem's text is cut to this many characters in the table (the full text goes to stderr). */
    private static final int PROBLEM_CHARS = 160;

    private ResultTable() {}

    static String markdown(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| scenario | tool | seconds | MiB/s | on the wire | peak RSS | speed vs Syncthing | wire vs Syncthing |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            if (!r.measured()) {
                sb.append("| ").append(r.scenario()).append(" | ").append(r.tool()).append(" | ")
                        .append(shorten(r.problem())).append(" | | | | | |\n");
                continue;
            }
            Optional<Result> ref = reference(results, r.scenario());
            sb.append("| ").append(r.scenario()).append(" | ").append(r.tool())
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", r.seconds()))
                    .append(" | ").append(Double.isNaN(r.mibPerSecond()) ? "" : String.format(Locale.ROOT, "%.1f", r.mibPerSecond()))
                    .append(" | ").append(bytes(r.wireBytes()))
                    .append(" | ").append(r.peakRssBytes() == 0 ? "" : String.format(Locale.ROOT, "%.0f MiB", r.peakRssBytes() / 1048576.0))
                    .append(" | ").append(ref.map(x -> ratio(x.seconds() / r.seconds())).orElse(""))
                    .append(" | ").append(ref.filter(x -> x.wireBytes() > 0).map(x -> ratio((double) r.wireBytes() / x.wireBytes())).orElse(""))
                    .append(" |\n");
        }
        return sb.toString();
    }

    private static String shorten(String problem) {
        String p = problem.replace("|", "/").replaceAll("\\s+", " ").strip();
        return p.length() <= PROBLEM_CHARS ? p : p.substring(0, PROBLEM_CHARS) + "…";
    }

    /** The Syncthing result of {@code scenario} the others are compared with. */
    static Optional<Result> reference(List<Result> results, String scenario) {
        for (String name : REFERENCES) {
            for (Result r : results) {
                if (r.measured() && r.scenario().equals(scenario) && r.tool().equals(name)) {
                    return Optional.of(r);
                }
            }
        }
        return Optional.empty();
    }

    private static String ratio(double x) {
        return String.format(Locale.ROOT, "%.2f×", x);
    }

    /** Binary units, three significant digits. */
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
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, units[u]);
    }
}
