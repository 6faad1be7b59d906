package dev.cloudless.sync.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * End-to-end sync benchmark: two endpoints of each tool on loopback, one scenario at a time,
 * timed from the moment the data lands in A's folder until B's folder is byte-identical
 * (compared by size and SHA-256, polled every {@value #POLL_MS} ms, never trusting the tool).
 *
 * <pre>{@code
 * mvn -B -q -pl sync-bench,examples -am package -DskipTests
 * java -jar sync-bench/target/sync-bench.jar e2e --tools syncthing,syncthing-rescan,rsync,cloudless \
 *     --scenarios big,many,latency,edit,insert,restart --size-gib 1
 * }</pre>
 *
 * <p>Every (scenario, tool) pair gets fresh folders and fresh tool instances; before the clock
 * starts the scenario's starting content is synced and the tool idle, and the byte counters are
 * reset. A tool that cannot start is reported as unavailable and skipped from then on; child
 * processes are always killed and the work directory removed.
 */
public final class EndToEndBenchmark {
    static final long POLL_MS = 20;
    private static final Duration POLL = Duration.ofMillis(POLL_MS);
    private static final long GIB = 1L << 30;
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(10);

    private final Options options;
    private final Map<String, String> unavailable = new LinkedHashMap<>();

    /** Command-line options; see {@link #usage()}. */
    record Options(List<String> tools, List<Scenario> scenarios, Scenario.Params params, Path work,
                   Path markdown, Duration timeout, Path examplesJar, List<String> cloudlessJvmOptions, boolean keepWork) {
        static Options parse(String[] args) {
            Map<String, String> m = new LinkedHashMap<>();
            boolean keep = false;
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--keep-work")) {
                    keep = true;
                } else if (args[i].startsWith("--") && i + 1 < args.length) {
                    m.put(args[i].substring(2), args[++i]);
                } else {
                    throw new IllegalArgumentException("unexpected argument " + args[i]);
                }
            }
            Path target = Files.isDirectory(Path.of("sync-bench", "target")) ? Path.of("sync-bench", "target") : Path.of("target");
            List<String> tools = List.of(m.getOrDefault("tools", "syncthing,syncthing-rescan,rsync,cloudless").split(","));
            List<Scenario> scenarios = Arrays.stream(m.getOrDefault("scenarios", "big,many,latency,edit,insert,restart").split(","))
                    .map(Scenario::byLabel).toList();
            long size = (long) (Double.parseDouble(m.getOrDefault("size-gib", "1")) * GIB);
            if (size < 1024) {
                throw new IllegalArgumentException("--size-gib too small");
            }
            Scenario.Params params = new Scenario.Params(size, Integer.parseInt(m.getOrDefault("files", "10000")),
                    Integer.parseInt(m.getOrDefault("dirs", "100")), Integer.parseInt(m.getOrDefault("file-kib", "4")) * 1024,
                    Long.parseLong(m.getOrDefault("seed", "20261124")));
            Path work = Path.of(m.getOrDefault("work", target.resolve("e2e-work").toString()));
            Path md = Path.of(m.getOrDefault("markdown", target.resolve("e2e-results.md").toString()));
            Duration timeout = Duration.ofSeconds(Long.parseLong(m.getOrDefault("timeout-s", "300")));
            Path jar = Path.of(m.getOrDefault("examples-jar", "examples/target/cloudless-sync-examples.jar"));
            String jvm = m.getOrDefault("cloudless-jvm-opts", "");
            List<String> jvmOptions = jvm.isBlank() ? List.of() : List.of(jvm.trim().split("\\s+"));
            for (String t : tools) {
                if (!List.of("syncthing", "syncthing-rescan", "rsync", "cloudless").contains(t)) {
                    throw new IllegalArgumentException("unknown tool " + t + "; known: syncthing, syncthing-rescan, rsync, cloudless");
                }
            }
            return new Options(tools, scenarios, params, work, md, timeout, jar, jvmOptions, keep);
        }
    }

    EndToEndBenchmark(Options options) {
        this.options = options;
    }

    static String usage() {
        return """
                usage: java -jar sync-bench.jar e2e [options]
                  --tools LIST       syncthing,syncthing-rescan,rsync,cloudless (default: all)
                  --scenarios LIST   big,many,latency,edit,insert,restart (default: all)
                  --size-gib N       size of the big and edited file, the inserted-into file is a quarter (default 1)
                  --files N --dirs N --file-kib N   the many-files tree (default 10000, 100, 4)
                  --work DIR         scratch space, removed afterwards unless --keep-work (default sync-bench/target/e2e-work)
                  --markdown FILE    where the result table goes (default sync-bench/target/e2e-results.md)
                  --timeout-s N      per scenario and tool (default 300)
                  --examples-jar F   the examples shaded jar for the cloudless tool
                  --cloudless-jvm-opts "..."   options for the cloudless child JVMs
                  --seed N""";
    }

    /** Entry point; also reached as {@code java -jar sync-bench.jar e2e ...}. */
    public static void main(String[] args) throws IOException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        EndToEndBenchmark bench = new EndToEndBenchmark(options);
        List<Result> results = bench.runAll();
        String report = bench.report(results, String.join(" ", args));
        System.out.println();
        System.out.println(report);
        Files.createDirectories(options.markdown().toAbsolutePath().getParent());
        Files.writeString(options.markdown(), report, StandardCharsets.UTF_8);
        System.out.println("(also written to " + options.markdown() + ")");
    }

    List<Result> runAll() throws IOException {
        List<Result> results = new ArrayList<>();
        try {
            for (Scenario s : options.scenarios()) {
                for (String tool : options.tools()) {
                    Result r = runOne(s, tool);
                    System.err.printf("%s / %s: %s%n", s.label, tool,
                            r.measured() ? String.format("%.2f s, %s on the wire", r.seconds(), ResultTable.bytes(r.wireBytes())) : r.problem());
                    results.add(r);
                }
            }
        } finally {
            if (!options.keepWork()) {
                deleteTree(options.work());
            }
        }
        return results;
    }

    SyncTool create(String tool) {
        return switch (tool) {
            case "syncthing" -> new SyncthingTool(true);
            case "syncthing-rescan" -> new SyncthingTool(false);
            case "rsync" -> new RsyncTool();
            case "cloudless" -> new CloudlessTool(options.examplesJar(), options.cloudlessJvmOptions());
            default -> throw new IllegalArgumentException(tool);
        };
    }

    Result runOne(Scenario s, String toolName) throws IOException {
        if (unavailable.containsKey(toolName)) {
            return Result.problem(s.label, toolName, "unavailable: " + unavailable.get(toolName));
        }
        Path root = options.work().resolve(s.label + "-" + toolName);
        deleteTree(root);
        Scenario.Dirs dirs = new Scenario.Dirs(root.resolve("a"), root.resolve("b"), root.resolve("staging"), root.resolve("state"));
        dirs.create();
        long deadline = System.nanoTime() + options.timeout().toNanos();
        try (SyncTool tool = create(toolName)) {
            tool.start(dirs.a(), dirs.b(), dirs.state());
            return measure(s, tool, dirs, deadline);
        } catch (ToolUnavailableException e) {
            unavailable.put(toolName, e.getMessage());
            return Result.problem(s.label, toolName, "unavailable: " + e.getMessage());
        } catch (IOException | TimeoutException | RuntimeException e) {
            return Result.problem(s.label, toolName, "failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.problem(s.label, toolName, "interrupted");
        } finally {
            deleteTree(root);
        }
    }

    private static Duration left(long deadline) throws TimeoutException {
        long n = deadline - System.nanoTime();
        if (n <= 0) {
            throw new TimeoutException("scenario timeout reached");
        }
        return Duration.ofNanos(n);
    }

    private Result measure(Scenario s, SyncTool tool, Scenario.Dirs dirs, long deadline)
            throws IOException, TimeoutException, InterruptedException {
        Scenario.Params p = options.params();
        TreeMatcher matcher = new TreeMatcher(dirs.b());
        // Off the clock: the starting content, synced and idle.
        ExpectedTree tree = s.prepare(p, dirs);
        tool.changeLanded();
        if (tool.supportsRescan()) {
            tool.requestRescan(dirs.a());
        }
        matcher.awaitIdentical(tree, POLL, deadline);
        tool.awaitIdle(left(deadline));
        tool.resetBytesOnWire();

        if (s == Scenario.RESTART) {
            tool.stop();
            long t0 = System.nanoTime();
            tool.start(dirs.a(), dirs.b(), dirs.state());
            tool.changeLanded(); // as if A changed while down: a tool without a watcher compares once
            matcher.awaitIdentical(tree, POLL, deadline);
            long idle = tool.awaitIdle(left(deadline));
            return new Result(s.label, tool.name(), (idle - t0) / 1e9, 0, tool.bytesOnWire(), tool.peakRssBytes(), null);
        }

        double[] seconds = new double[s.repeats()];
        long wire = 0;
        for (int rep = 0; rep < s.repeats(); rep++) {
            Scenario.Landing change = s.change(p, dirs, tree, rep);
            change.land().run();
            long t0 = System.nanoTime(); // the writer has closed (and forced) the data: it is in A
            tool.changeLanded();
            long t1 = matcher.awaitIdentical(change.after(), POLL, deadline);
            seconds[rep] = (t1 - t0) / 1e9;
            tool.awaitIdle(left(deadline));
            wire += tool.bytesOnWire();
            tool.resetBytesOnWire();
            tree = change.after();
        }
        Arrays.sort(seconds);
        return new Result(s.label, tool.name(), seconds[seconds.length / 2], s.payloadBytes(p), wire / s.repeats(),
                tool.peakRssBytes(), null);
    }

    String report(List<Result> results, String commandArgs) {
        StringBuilder sb = new StringBuilder();
        sb.append("### ").append(LocalDate.now()).append(", ").append(versions()).append("\n\n");
        sb.append("```sh\njava -jar sync-bench/target/sync-bench.jar e2e ").append(commandArgs).append("\n```\n\n");
        Scenario.Params p = options.params();
        sb.append(String.format("big: %s; many: %,d × %s in %d directories; insert: %s; latency: median of %d changes.%n%n",
                ResultTable.bytes(p.size()), p.files(), ResultTable.bytes(p.fileBytes()), p.dirs(), ResultTable.bytes(p.insertSize()),
                Scenario.LATENCY_REPEATS));
        sb.append(ResultTable.markdown(results));
        return sb.toString();
    }

    private static String versions() {
        List<String> v = new ArrayList<>();
        v.add(firstLine(List.of("syncthing", "--version")));
        v.add(firstLine(List.of("rsync", "--version")));
        v.add("Java " + System.getProperty("java.version"));
        return String.join(", ", v.stream().filter(s -> !s.isEmpty()).toList());
    }

    private static String firstLine(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(VERSION_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            p.destroyForcibly();
            String line = out.lines().findFirst().orElse("").trim();
            return line.replaceAll("\\s+", " ").replaceAll(" \\(.*$", "");
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
