package dev.cloudless.sync.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The child processes one tool started, with their descendants: output to log files, peak RSS
 * sampled while they run (short-lived children such as rsync's forked receivers included), CPU
 * time for idle detection, and a kill that always happens, also from a JVM shutdown hook.
 */
final class ProcessGroup implements AutoCloseable {
    private static final long SAMPLE_PERIOD_MS = 50;
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(10);
    private static final int LOG_TAIL_CHARS = 2_000;
    private static final Set<ProcessGroup> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(ProcessGroup::close), "kill-benchmark-children"));
    }

    private final List<Process> processes = new ArrayList<>();
    private final Map<Long, Long> peakRssByPid = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sampler;

    ProcessGroup(String name) {
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rss-sampler-" + name);
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sample, 0, SAMPLE_PERIOD_MS, TimeUnit.MILLISECONDS);
        OPEN.add(this);
    }

    /** Starts {@code command} with stdout and stderr appended to {@code log}. */
    synchronized Process launch(List<String> command, Map<String, String> env, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ToolUnavailableException("cannot run " + command.get(0) + ": " + e.getMessage());
        }
        processes.add(p);
        return p;
    }

    /** Runs {@code command} to its end (bounded by {@code timeout}) and returns its output; not a member of the group's kill list once done. */
    String run(List<String> command, Map<String, String> env, Path log, Duration timeout) throws IOException, InterruptedException {
        Files.deleteIfExists(log);
        Process p = launch(command, env, log);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + tail(log));
            }
            return Files.readString(log, StandardCharsets.UTF_8);
        } finally {
            kill(p);
            synchronized (this) {
                processes.remove(p);
            }
        }
    }

    private Stream<ProcessHandle> handles() {
        List<Process> snapshot;
        synchronized (this) {
            snapshot = List.copyOf(processes);
        }
        return snapshot.stream().map(Process::toHandle).flatMap(h -> Stream.concat(Stream.of(h), h.descendants()));
    }

    void sample() {
        handles().forEach(h -> ProcStats.peakRssBytes(h.pid())
                .ifPresent(rss -> peakRssByPid.merge(h.pid(), rss, Math::max)));
    }

    /** The highest peak RSS of any single process of the group seen so far. */
    long peakRssBytes() {
        sample();
        return peakRssByPid.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** CPU ticks used so far by the group's live processes. */
    long cpuTicks() {
        return handles().map(h -> ProcStats.cpuTicks(h.pid())).filter(OptionalLong::isPresent)
                .mapToLong(OptionalLong::getAsLong).sum();
    }

    /**
     * Waits until the group's processes have used at most {@code maxTicks} of CPU during a whole
     * {@code window}, and returns the {@link System#nanoTime} at which that quiet window began.
     */
    long awaitCpuQuiet(Duration window, long maxTicks, long deadlineNanos) throws java.util.concurrent.TimeoutException, InterruptedException {
        long windowStart = System.nanoTime();
        long ticksAtStart = cpuTicks();
        while (true) {
            Thread.sleep(SAMPLE_PERIOD_MS);
            long now = System.nanoTime();
            long ticks = cpuTicks();
            if (ticks - ticksAtStart > maxTicks) {
                windowStart = now;
                ticksAtStart = ticks;
            } else if (now - windowStart >= window.toNanos()) {
                return windowStart;
            }
            if (now > deadlineNanos) {
                throw new java.util.concurrent.TimeoutException("processes still busy (CPU) at the deadline");
            }
        }
    }

    /** Kills {@code p} and its descendants: politely first, then forcibly. */
    static void kill(Process p) {
        List<ProcessHandle> tree = Stream.concat(Stream.of(p.toHandle()), p.descendants()).toList();
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + GRACEFUL_STOP.toNanos();
        for (ProcessHandle h : tree) {
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    /** Kills every process of the group (they may be started again with {@link #launch}). */
    synchronized void killAll() {
        sample();
        processes.forEach(ProcessGroup::kill);
        processes.clear();
    }

    @Override
    public void close() {
        killAll();
        sampler.shutdownNow();
        OPEN.remove(this);
    }

    /** The end of a log file, for error messages. */
    static String tail(Path log) {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8).strip();
            return s.length() <= LOG_TAIL_CHARS ? s : "..." + s.substring(s.length() - LOG_TAIL_CHARS);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
