package dev.cloudless.sync.transport.udp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * LEDBAT on a real bottleneck (issue 4): three network namespaces h1 — router — h2 joined by veth
 * pairs, a tbf on the router's interface towards h2 (the queue must build on a router: on a host's
 * own interface the sending socket is throttled instead), a uTP transfer from h1 to h2 between two
 * {@link LedbatPeer} JVMs, and iperf3 with cubic (this kernel's default bbr keeps the queue nearly
 * empty, leaving LEDBAT nothing to react to). Three phases, with ping through the bottleneck all
 * along:
 *
 * <ol>
 *   <li>uTP alone: it must reach {@link #SOLO_MIN_FRACTION} of the bottleneck rate while the
 *       queue it builds stays near LEDBAT's 100 ms target, well short of the buffer's
 *       {@link #BUFFER_MILLIS} that cubic fills;</li>
 *   <li>TCP alone: the reference (rate and the RTT of a full buffer);</li>
 *   <li>uTP running, then TCP joins: TCP must keep {@link #TCP_MIN_FRACTION} of the link.</li>
 * </ol>
 *
 * Skipped (Assumptions) unless root with {@code ip}, {@code tc}, {@code iperf3} and {@code ping}
 * (scripts/install-test-deps.sh installs the last two). Namespaces are named per run and deleted
 * in {@link #deleteNamespaces()} whatever happens; all addresses live only inside them.
 */
@Tag("integration")
@Timeout(300)
class LedbatNamespaceTest {
    /** Bottleneck rate (the example) and its bucket. */
    static final int RATE_MBIT = 50;
    static final String BURST = "32kb";
    /**
     * The tbf's queue in milliseconds at the bottleneck rate: three times LEDBAT's target, so a
     * flow that filled the buffer (cubic does) is told apart from one that holds its target.
     */
    static final int BUFFER_MILLIS = 300;
    static final double TARGET_MILLIS = Ledbat.TARGET_DELAY_MICROS / 1000.0;

    /** (a) a lone uTP flow moves at least this fraction of the bottleneck rate in payload. */
    static final double SOLO_MIN_FRACTION = 0.85;
    /** (b) TCP keeps at least this fraction of the link while uTP runs. */
    static final double TCP_MIN_FRACTION = 0.75;
    /** (a) the median RTT through the bottleneck with uTP alone stays within this many targets. */
    static final double SOLO_MAX_RTT_TARGETS = 1.5;

    static final int SOLO_SECONDS = 14;
    /** Slow start and the first LEDBAT settling are left out of the lone flow's figures. */
    static final int SOLO_WARMUP_SECONDS = 4;
    static final int TCP_SECONDS = 10;
    /** iperf3's -O: TCP's own slow start is left out of its figure. */
    static final int TCP_OMIT_SECONDS = 2;
    /** In the shared phase uTP runs alone this long before TCP joins (so its base delay is the empty queue's). */
    static final int SHARED_LEAD_SECONDS = 4;
    /** ... and this long after TCP ends, to drain its queued bytes at full rate. */
    static final int SHARED_TAIL_SECONDS = 3;
    static final double PING_INTERVAL_SECONDS = 0.1;

    static final String SUBNET_H1 = "10.231.1.";
    static final String SUBNET_H2 = "10.231.2.";
    static final String H1_IP = SUBNET_H1 + "2";
    static final String H2_IP = SUBNET_H2 + "2";
    static final int UTP_PORT = 7000;
    static final int IPERF_PORT = 5201;
    static final long COMMAND_TIMEOUT_SECONDS = 20;
    static final long READY_TIMEOUT_SECONDS = 20;

    private static final String RUN = "ldb" + ProcessHandle.current().pid();
    private static final String H1 = RUN + "-h1";
    private static final String ROUTER = RUN + "-r";
    private static final String H2 = RUN + "-h2";
    private static final List<String> CREATED = new ArrayList<>();
    private static final List<Bg> PROCESSES = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void setUpNamespaces() throws Exception {
        Assumptions.assumeTrue(isRoot(), "network namespaces need root");
        for (String tool : List.of("ip", "tc", "iperf3", "ping")) {
            Assumptions.assumeTrue(onPath(tool), tool + " is not installed (scripts/install-test-deps.sh)");
        }
        for (String ns : List.of(H1, ROUTER, H2)) {
            run("ip", "netns", "add", ns);
            CREATED.add(ns);
            run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        // Veth pairs are created inside the namespaces, so no interface name touches the host's.
        run("ip", "-n", H1, "link", "add", "eth0", "type", "veth", "peer", "name", "r1", "netns", ROUTER);
        run("ip", "-n", H2, "link", "add", "eth0", "type", "veth", "peer", "name", "r2", "netns", ROUTER);
        run("ip", "-n", H1, "addr", "add", H1_IP + "/24", "dev", "eth0");
        run("ip", "-n", ROUTER, "addr", "add", SUBNET_H1 + "1/24", "dev", "r1");
        run("ip", "-n", ROUTER, "addr", "add", SUBNET_H2 + "1/24", "dev", "r2");
        run("ip", "-n", H2, "addr", "add", H2_IP + "/24", "dev", "eth0");
        run("ip", "-n", H1, "link", "set", "eth0", "up");
        run("ip", "-n", H2, "link", "set", "eth0", "up");
        run("ip", "-n", ROUTER, "link", "set", "r1", "up");
        run("ip", "-n", ROUTER, "link", "set", "r2", "up");
        run("ip", "-n", H1, "route", "add", "default", "via", SUBNET_H1 + "1");
        run("ip", "-n", H2, "route", "add", "default", "via", SUBNET_H2 + "1");
        run("ip", "netns", "exec", ROUTER, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward");
        // The bottleneck: the router's egress towards the receiver.
        run("tc", "-n", ROUTER, "qdisc", "add", "dev", "r2", "root", "tbf", "rate", RATE_MBIT + "mbit",
                "burst", BURST, "latency", BUFFER_MILLIS + "ms");
        run("ip", "netns", "exec", H1, "ping", "-c", "2", "-i", "0.2", "-W", "2", H2_IP);
    }

    @AfterAll
    static void deleteNamespaces() {
        synchronized (PROCESSES) {
            PROCESSES.forEach(Bg::kill);
        }
        for (String ns : CREATED) {
            try {
                run("ip", "netns", "del", ns);
            } catch (Exception e) {
                System.err.println("could not delete namespace " + ns + ": " + e);
            }
        }
    }

    @Test
    void ledbatFillsTheLinkAloneAndYieldsToTcp() throws Exception {
        double linkBytesPerSecond = RATE_MBIT * 1e6 / 8;
        Bg idlePing = ping(4);
        double idleRtt = median(idlePing.awaitPingRtts());

        // (1) uTP alone.
        Bg pingSolo = null;
        long soloFrom;
        long soloTo;
        Bg soloReceiver = startReceiver();
        Bg soloSender;
        try {
            soloSender = peer(H1, "send", H2_IP, Integer.toString(UTP_PORT), Integer.toString(SOLO_SECONDS));
            soloSender.awaitLine("cc ", READY_TIMEOUT_SECONDS);
            soloFrom = System.currentTimeMillis() + SOLO_WARMUP_SECONDS * 1000L;
            Thread.sleep(SOLO_WARMUP_SECONDS * 1000L);
            pingSolo = ping(SOLO_SECONDS - SOLO_WARMUP_SECONDS - 1);
            pingSolo.awaitExit(SOLO_SECONDS + COMMAND_TIMEOUT_SECONDS);
            soloTo = System.currentTimeMillis();
            soloSender.awaitExit(COMMAND_TIMEOUT_SECONDS);
            soloReceiver.awaitExit(COMMAND_TIMEOUT_SECONDS);
        } finally {
            soloReceiver.kill();
        }
        double soloRate = rateBetween(soloReceiver.lines(), soloFrom, soloTo);
        List<Double> soloRtts = pingSolo.pingRtts();
        double soloRtt = median(soloRtts);
        double soloQdelay = medianCc(soloSender.lines(), soloFrom, soloTo, 3);

        // (2) TCP alone: what cubic takes and the RTT of the buffer it fills.
        Bg tcpPing = ping(TCP_SECONDS + TCP_OMIT_SECONDS - 1);
        double tcpAloneRate = iperf();
        double tcpAloneRtt = median(tcpPing.awaitPingRtts());

        // (3) uTP running, then TCP joins.
        Bg sharedReceiver = startReceiver();
        Bg sharedSender;
        double tcpSharedRate;
        long sharedFrom;
        long sharedTo;
        Bg sharedPing;
        try {
            int utpSeconds = SHARED_LEAD_SECONDS + TCP_OMIT_SECONDS + TCP_SECONDS + SHARED_TAIL_SECONDS;
            sharedSender = peer(H1, "send", H2_IP, Integer.toString(UTP_PORT), Integer.toString(utpSeconds));
            sharedSender.awaitLine("cc ", READY_TIMEOUT_SECONDS);
            Thread.sleep(SHARED_LEAD_SECONDS * 1000L);
            sharedPing = ping(TCP_SECONDS + TCP_OMIT_SECONDS - 1);
            sharedFrom = System.currentTimeMillis() + TCP_OMIT_SECONDS * 1000L;
            tcpSharedRate = iperf();
            sharedTo = System.currentTimeMillis();
            sharedPing.awaitExit(COMMAND_TIMEOUT_SECONDS);
            sharedSender.awaitExit(utpSeconds + COMMAND_TIMEOUT_SECONDS);
            sharedReceiver.awaitExit(COMMAND_TIMEOUT_SECONDS);
        } finally {
            sharedReceiver.kill();
        }
        double utpSharedRate = rateBetween(sharedReceiver.lines(), sharedFrom, sharedTo);
        double sharedRtt = median(sharedPing.pingRtts());
        double sharedQdelay = medianCc(sharedSender.lines(), sharedFrom, sharedTo, 3);
        double sharedCwnd = medianCc(sharedSender.lines(), sharedFrom, sharedTo, 4);
        double soloCwnd = medianCc(soloSender.lines(), soloFrom, soloTo, 4);

        String report = String.format(Locale.ROOT, """
                        LEDBAT through tbf %d mbit, %d ms buffer (router namespace), idle RTT %.2f ms
                        | phase | uTP Mbit/s | TCP Mbit/s | uTP+TCP / link | ping RTT median ms | uTP queuing delay median ms | uTP cwnd median KiB |
                        | uTP alone | %.1f (%.0f%%) | | %.0f%% | %.1f | %.1f | %.0f |
                        | TCP (cubic) alone | | %.1f (%.0f%%) | %.0f%% | %.1f | | |
                        | uTP, then TCP joins | %.1f (%.0f%%) | %.1f (%.0f%%) | %.0f%% | %.1f | %.1f | %.0f |""",
                RATE_MBIT, BUFFER_MILLIS, idleRtt,
                mbit(soloRate), pct(soloRate, linkBytesPerSecond), pct(soloRate, linkBytesPerSecond), soloRtt, soloQdelay / 1000, soloCwnd / 1024,
                mbit(tcpAloneRate), pct(tcpAloneRate, linkBytesPerSecond), pct(tcpAloneRate, linkBytesPerSecond), tcpAloneRtt,
                mbit(utpSharedRate), pct(utpSharedRate, linkBytesPerSecond), mbit(tcpSharedRate), pct(tcpSharedRate, linkBytesPerSecond),
                pct(utpSharedRate + tcpSharedRate, linkBytesPerSecond), sharedRtt, sharedQdelay / 1000, sharedCwnd / 1024);
        System.out.println(report);
        System.out.println("uTP sender, alone: " + lastStats(soloSender.lines()));
        System.out.println("uTP sender, shared: " + lastStats(sharedSender.lines()));

        assertTrue(soloRate >= SOLO_MIN_FRACTION * linkBytesPerSecond,
                "(a) a lone uTP flow must reach " + pct(SOLO_MIN_FRACTION, 1) + "% of the link\n" + report);
        assertTrue(soloRtt <= SOLO_MAX_RTT_TARGETS * TARGET_MILLIS,
                "(a) the queue a lone uTP flow builds must stay near LEDBAT's target, not fill the buffer\n" + report);
        // The measurement must be able to see a full buffer, or the bound above proves nothing.
        assertTrue(tcpAloneRtt > SOLO_MAX_RTT_TARGETS * TARGET_MILLIS,
                "cubic alone should fill the " + BUFFER_MILLIS + " ms buffer\n" + report);
        assertTrue(tcpSharedRate >= TCP_MIN_FRACTION * linkBytesPerSecond,
                "(b) TCP must keep " + pct(TCP_MIN_FRACTION, 1) + "% of the link beside uTP\n" + report);
    }

    // ---------------------------------------------------------------- the pieces

    private static Bg startReceiver() throws Exception {
        Bg r = peer(H2, "receive", H2_IP, Integer.toString(UTP_PORT));
        r.awaitLine("listening", READY_TIMEOUT_SECONDS);
        return r;
    }

    private static Bg peer(String ns, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LedbatPeer.class.getName()));
        cmd.addAll(Arrays.asList(args));
        return Bg.start(cmd);
    }

    /** Ping from h1 to h2 through the bottleneck for {@code seconds}. */
    private static Bg ping(int seconds) throws IOException {
        return Bg.start(List.of("ip", "netns", "exec", H1, "ping", "-n", "-i", Double.toString(PING_INTERVAL_SECONDS),
                "-w", Integer.toString(seconds), H2_IP));
    }

    /** One iperf3 run (cubic, h1 to h2) of TCP_OMIT_SECONDS + TCP_SECONDS; returns its receiver-side goodput in bytes/s past the omitted start. */
    private static double iperf() throws Exception {
        Bg server = Bg.start(List.of("ip", "netns", "exec", H2, "iperf3", "-s", "-1", "--forceflush", "-B", H2_IP, "-p", Integer.toString(IPERF_PORT)));
        try {
            server.awaitLine("Server listening", READY_TIMEOUT_SECONDS);
            Bg client = Bg.start(List.of("ip", "netns", "exec", H1, "iperf3", "-c", H2_IP, "-p", Integer.toString(IPERF_PORT),
                    "-C", "cubic", "-t", Integer.toString(TCP_SECONDS), "-O", Integer.toString(TCP_OMIT_SECONDS), "-J"));
            int code = client.awaitExit(TCP_SECONDS + TCP_OMIT_SECONDS + COMMAND_TIMEOUT_SECONDS);
            String json = String.join("\n", client.lines());
            assertTrue(code == 0, "iperf3 failed: " + json);
            assertTrue(json.contains("\"cubic\"") || !json.contains("congestion"), "iperf3 did not use cubic: " + json);
            return jsonNumberAfter(json, "\"sum_received\"", "\"bits_per_second\"") / 8;
        } finally {
            server.kill();
        }
    }

    /** The number of field {@code field} in the first object after {@code section}; iperf3's JSON is regular enough for this. */
    static double jsonNumberAfter(String json, String section, String field) {
        int s = json.indexOf(section);
        assertTrue(s >= 0, section + " not in iperf3 output: " + json);
        Matcher m = Pattern.compile(Pattern.quote(field) + "\\s*:\\s*([0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(s), field + " not in iperf3 output");
        return Double.parseDouble(m.group(1));
    }

    /** Bytes per second the receiver counted between two wall-clock instants (its nearest reports inside them). */
    static double rateBetween(List<String> receiverLines, long fromMillis, long toMillis) {
        long firstT = -1;
        long firstB = 0;
        long lastT = -1;
        long lastB = 0;
        for (String l : receiverLines) {
            if (!l.startsWith("bytes ")) {
                continue;
            }
            String[] f = l.split(" ");
            long t = Long.parseLong(f[1]);
            long b = Long.parseLong(f[2]);
            if (t >= fromMillis && t <= toMillis) {
                if (firstT < 0) {
                    firstT = t;
                    firstB = b;
                }
                lastT = t;
                lastB = b;
            }
        }
        assertTrue(firstT >= 0 && lastT > firstT, "no receiver reports in the window: " + receiverLines);
        return (lastB - firstB) * 1000.0 / (lastT - firstT);
    }

    /** Median of field {@code index} of the sender's "cc" lines within the window. */
    static double medianCc(List<String> senderLines, long fromMillis, long toMillis, int index) {
        List<Double> v = new ArrayList<>();
        for (String l : senderLines) {
            if (l.startsWith("cc ")) {
                String[] f = l.split(" ");
                long t = Long.parseLong(f[1]);
                if (t >= fromMillis && t <= toMillis) {
                    v.add(Double.parseDouble(f[index]));
                }
            }
        }
        return median(v);
    }

    static String lastStats(List<String> senderLines) {
        for (int i = senderLines.size() - 1; i >= 0; i--) {
            if (senderLines.get(i).startsWith("stats ")) {
                return senderLines.get(i).substring(6);
            }
        }
        return "(none)";
    }

    static double median(List<Double> values) {
        assertTrue(!values.isEmpty(), "no samples");
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static double mbit(double bytesPerSecond) {
        return bytesPerSecond * 8 / 1e6;
    }

    static double pct(double part, double whole) {
        return 100 * part / whole;
    }

    static boolean isRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS) && out.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a setup command to completion; fails on a non-zero exit. */
    static String run(String... cmd) throws Exception {
        Bg b = Bg.start(List.of(cmd));
        int code = b.awaitExit(COMMAND_TIMEOUT_SECONDS);
        String out = String.join("\n", b.lines());
        if (code != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + code + ": " + out);
        }
        return out;
    }

    /** A child process whose stdout and stderr lines are collected as they come. */
    static final class Bg {
        private static final Pattern PING_TIME = Pattern.compile("time=([0-9.]+) ms");
        private final Process process;
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final Thread reader;

        private Bg(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (lines) {
                            lines.add(line);
                            lines.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "ledbat-child-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Bg start(List<String> cmd) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin");
            Bg b = new Bg(pb.start());
            PROCESSES.add(b);
            return b;
        }

        List<String> lines() {
            synchronized (lines) {
                return new ArrayList<>(lines);
            }
        }

        void awaitLine(String prefix, long timeoutSeconds) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            synchronized (lines) {
                while (lines.stream().noneMatch(l -> l.startsWith(prefix))) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                        throw new AssertionError("no \"" + prefix + "\" line from the child: " + lines);
                    }
                    lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
                }
            }
        }

        /** Waits for the process and its output; kills it on timeout (then fails). */
        int awaitExit(long timeoutSeconds) throws Exception {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                kill();
                throw new AssertionError("child did not finish in " + timeoutSeconds + " s: " + lines());
            }
            reader.join(TimeUnit.SECONDS.toMillis(COMMAND_TIMEOUT_SECONDS));
            return process.exitValue();
        }

        List<Double> pingRtts() {
            List<Double> rtts = new ArrayList<>();
            for (String l : lines()) {
                Matcher m = PING_TIME.matcher(l);
                if (m.find()) {
                    rtts.add(Double.parseDouble(m.group(1)));
                }
            }
            return rtts;
        }

        List<Double> awaitPingRtts() throws Exception {
            awaitExit(TCP_SECONDS + TCP_OMIT_SECONDS + COMMAND_TIMEOUT_SECONDS);
            return pingRtts();
        }

        void kill() {
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }
}
