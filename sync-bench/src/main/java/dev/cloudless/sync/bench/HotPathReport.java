package dev.cloudless.sync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the hot-path JMH suite and prints one table: our code beside the raw JDK primitive it is
 * built on, measured in the same run, as MB/s and as a ratio.
 *
 * <pre>{@code
 * mvn -B -q -pl sync-bench -am package -DskipTests
 * java -jar sync-bench/target/sync-bench.jar            # whole suite
 * java -jar sync-bench/target/sync-bench.jar Frame      # any JMH regex / options
 * java -jar sync-bench/target/sync-bench.jar e2e ...    # the end-to-end benchmark (EndToEndBenchmark)
 * }</pre>
 *
 * <p>Convention shared by every benchmark class in this package: each benchmark method processes
 * exactly {@code @Param("bytes")} bytes per operation in throughput mode, so MB/s = ops/s ×
 * bytes / 10⁶. Methods named {@code sync*} are ours; methods named {@code jdk*} are the
 * reference. A {@code sync} method's reference is named in {@link #REFERENCES}; a {@code sync}
 * method without one (a part of a pipeline, say) is reported without a ratio.
 */
public final class HotPathReport {
    /** Our method → the JDK primitive doing the same work, which it is compared with. */
    static final Map<String, String> REFERENCES = Map.of(
            "syncBlockHash", "jdkSha256",
            "syncSeal", "jdkGcmEncrypt",
            "syncOpen", "jdkGcmDecrypt");

    /** Targets from the foundation issue, checked on the printed table; absent means "report only". */
    static final List<Target> TARGETS = List.of(
            new Target("syncBlockHash", null, Kind.RATIO, 0.90),
            new Target("syncSeal", 1_048_576L, Kind.MB_PER_S, 2_000),
            new Target("syncSeal", 16_384L, Kind.MB_PER_S, 1_000));

    enum Kind { RATIO, MB_PER_S }

    record Target(String method, Long bytes, Kind kind, double min) {
        boolean appliesTo(Row row) {
            return method.equals(row.method) && (bytes == null || bytes == row.bytes);
        }

        String describe() {
            return kind == Kind.RATIO
                    ? String.format(Locale.ROOT, "ratio >= %.2f", min)
                    : String.format(Locale.ROOT, ">= %,.0f MB/s", min);
        }

        boolean met(Row row) {
            return kind == Kind.RATIO ? row.ratio().orElse(0.0) >= min : row.mbPerSecond >= min;
        }
    }

    record Row(String benchmarkClass, String method, long bytes, double mbPerSecond, double errorMbPerSecond,
               String reference, double referenceMbPerSecond) {
        Optional<Double> ratio() {
            return reference == null ? Optional.empty() : Optional.of(mbPerSecond / referenceMbPerSecond);
        }
    }

    private HotPathReport() {}

    public static void main(String[] args) throws RunnerException, IOException {
        if (args.length > 0 && args[0].equals("e2e")) { // the end-to-end benchmark shares this jar
            dev.cloudless.sync.bench.e2e.EndToEndBenchmark.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        CommandLineOptions cli;
        try {
            cli = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("Bad JMH options: " + e.getMessage());
            System.exit(2);
            return;
        }
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(HotPathReport.class.getPackageName() + "\\..*Benchmark");
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        List<Row> rows = rows(results);
        String table = table(rows);
        System.out.println();
        System.out.println(table);
        Path out = Path.of("sync-bench", "target", "hot-paths.md");
        if (Files.isDirectory(out.getParent())) {
            Files.writeString(out, table);
            System.out.println("(table also written to " + out + ")");
        }
        boolean allMet = rows.stream().allMatch(r -> TARGETS.stream().filter(t -> t.appliesTo(r)).allMatch(t -> t.met(r)));
        System.out.println(allMet ? "All targets met." : "Some targets were NOT met (see the table).");
    }

    static List<Row> rows(Collection<RunResult> results) {
        // class -> bytes -> method -> [score MB/s, error MB/s]
        Map<String, Map<Long, Map<String, double[]>>> byClass = new TreeMap<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            int dot = label.lastIndexOf('.');
            String cls = label.substring(label.lastIndexOf('.', dot - 1) + 1, dot);
            String method = label.substring(dot + 1);
            String bytesParam = r.getParams().getParam("bytes");
            if (bytesParam == null) {
                throw new IllegalStateException(label + " has no @Param(\"bytes\"): see the convention in HotPathReport");
            }
            long bytes = Long.parseLong(bytesParam);
            double opsPerSecond = toOpsPerSecond(r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreUnit());
            double errOps = toOpsPerSecond(r.getPrimaryResult().getScoreError(), r.getPrimaryResult().getScoreUnit());
            byClass.computeIfAbsent(cls, k -> new TreeMap<>())
                    .computeIfAbsent(bytes, k -> new LinkedHashMap<>())
                    .put(method, new double[] {opsPerSecond * bytes / 1e6, Double.isNaN(errOps) ? 0 : errOps * bytes / 1e6});
        }
        List<Row> rows = new ArrayList<>();
        byClass.forEach((cls, bySize) -> bySize.forEach((bytes, methods) -> methods.forEach((method, score) -> {
            if (!method.startsWith("sync")) {
                return;
            }
            String ref = REFERENCES.get(method);
            double[] refScore = ref == null ? null : methods.get(ref);
            rows.add(new Row(cls, method, bytes, score[0], score[1],
                    refScore == null ? null : ref, refScore == null ? Double.NaN : refScore[0]));
        })));
        return rows;
    }

    private static double toOpsPerSecond(double score, String unit) {
        return switch (unit) {
            case "ops/s" -> score;
            case "ops/ms" -> score * 1e3;
            case "ops/us" -> score * 1e6;
            case "ops/ns" -> score * 1e9;
            default -> throw new IllegalStateException("Expected a throughput benchmark, got unit " + unit);
        };
    }

    static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "JDK %s (%s), %d cores%n%n", System.getProperty("java.version"),
                System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors()));
        sb.append("| benchmark | size | ours MB/s | reference | reference MB/s | ratio | target |\n");
        sb.append("|---|---:|---:|---|---:|---:|---|\n");
        for (Row r : rows) {
            String target = TARGETS.stream().filter(t -> t.appliesTo(r))
                    .map(t -> t.describe() + (t.met(r) ? " ✔" : " ✘")).reduce((a, b) -> a + ", " + b).orElse("");
            sb.append(String.format(Locale.ROOT, "| %s.%s | %s | %,.0f ± %,.0f | %s | %s | %s | %s |%n",
                    r.benchmarkClass(), r.method(), size(r.bytes()), r.mbPerSecond(), r.errorMbPerSecond(),
                    r.reference() == null ? "-" : "`" + r.reference() + "`",
                    r.reference() == null ? "-" : String.format(Locale.ROOT, "%,.0f", r.referenceMbPerSecond()),
                    r.ratio().map(x -> String.format(Locale.ROOT, "%.2f", x)).orElse("-"), target));
        }
        return sb.toString();
    }

    private static String size(long bytes) {
        if (bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes % 1024 == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " B";
    }
}
