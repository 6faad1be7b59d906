package dev.cloudless.sync.discovery.lan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.SyncKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five hosts in network namespaces on a bridge this test creates (the bridge in a namespace of
 * its own, so nothing touches the host's network): three share folder K, two share folder L.
 * Each runs a whole node with nothing but LAN discovery; the K hosts must find each other (and
 * sync a file), the L hosts each other, and nobody a host of the other folder.
 */
@Tag("integration")
class LanNamespaceTest {
    private static final String PREFIX = "cslan" + ProcessHandle.current().pid() % 10_000;
    private static final int HOSTS = 5;
    private static final long TIMEOUT_MILLIS = 60_000;
    private static final List<Process> CHILDREN = new ArrayList<>();

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + ": " + out);
        }
    }

    private static void setUpNetwork() throws Exception {
        String br = PREFIX + "br";
        ip("netns", "add", br);
        ip("-n", br, "link", "add", "br0", "type", "bridge");
        ip("-n", br, "link", "set", "br0", "up");
        for (int i = 1; i <= HOSTS; i++) {
            String ns = PREFIX + "h" + i;
            ip("netns", "add", ns);
            ip("-n", ns, "link", "set", "lo", "up");
            ip("link", "add", PREFIX + "v" + i, "netns", ns, "type", "veth", "peer", "name", "p" + i, "netns", br);
            ip("-n", ns, "link", "set", PREFIX + "v" + i, "name", "eth0");
            ip("-n", ns, "addr", "add", "10.77.0." + i + "/24", "brd", "10.77.0.255", "dev", "eth0");
            ip("-n", ns, "link", "set", "eth0", "up");
            ip("-n", br, "link", "set", "p" + i, "master", "br0");
            ip("-n", br, "link", "set", "p" + i, "up");
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (Process p : CHILDREN) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        for (int i = 1; i <= HOSTS; i++) {
            deleteQuietly(PREFIX + "h" + i);
        }
        deleteQuietly(PREFIX + "br");
    }

    private static void deleteQuietly(String ns) {
        try {
            ip("netns", "delete", ns);
        } catch (Exception e) {
            // not created
        }
    }

    private static final class Host {
        final Process process;
        final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile String device;
        volatile String lastLan = "";

        Host(Process process) {
            this.process = process;
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("DEVICE ")) {
                            device = line.substring(7);
                        } else if (line.startsWith("LAN ")) {
                            lastLan = line.substring(4);
                        }
                    }
                } catch (IOException e) {
                    // child gone
                }
            });
            t.setDaemon(true);
            t.start();
        }

        Set<String> lan() {
            Set<String> s = new TreeSet<>();
            for (String d : lastLan.split(",")) {
                if (!d.isEmpty()) {
                    s.add(d);
                }
            }
            return s;
        }
    }

    @Test
    void hostsSharingAFolderFindEachOtherOnTheLanAndOthersAreIgnored(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for ip netns");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))
                || Files.isExecutable(Path.of("/usr/bin/ip")), "needs iproute2");
        setUpNetwork();
        SyncKey k = SyncKey.generate();
        SyncKey l = SyncKey.generate();
        Files.createDirectories(dir.resolve("h1"));
        Files.writeString(dir.resolve("h1/shared.txt"), "found on the LAN");
        List<Host> hosts = new ArrayList<>();
        for (int i = 1; i <= HOSTS; i++) {
            SyncKey key = i <= 3 ? k : l;
            List<String> cmd = List.of("ip", "netns", "exec", PREFIX + "h" + i,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                    "-cp", System.getProperty("java.class.path"), LanHost.class.getName(),
                    dir.resolve("h" + i).toString(), dir.resolve("h" + i + ".state").toString());
            Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("h" + i + ".err").toFile()).start();
            CHILDREN.add(p);
            OutputStream in = p.getOutputStream();
            in.write((key.toText() + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            hosts.add(new Host(p));
        }
        long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
        while (true) {
            boolean ready = hosts.stream().allMatch(h -> h.device != null);
            Set<String> groupK = new TreeSet<>();
            Set<String> groupL = new TreeSet<>();
            if (ready) {
                for (int i = 0; i < HOSTS; i++) {
                    (i < 3 ? groupK : groupL).add(hosts.get(i).device);
                }
            }
            boolean done = ready;
            for (int i = 0; ready && i < HOSTS; i++) {
                Set<String> expected = new TreeSet<>(i < 3 ? groupK : groupL);
                expected.remove(hosts.get(i).device);
                Set<String> seen = hosts.get(i).lan();
                Set<String> other = i < 3 ? groupL : groupK;
                for (String d : seen) {
                    assertTrue(!other.contains(d), "host " + (i + 1) + " reported a host of another folder");
                }
                done &= seen.equals(expected);
            }
            boolean synced = Files.exists(dir.resolve("h2/shared.txt")) && Files.exists(dir.resolve("h3/shared.txt"));
            if (done && synced) {
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                StringBuilder why = new StringBuilder();
                for (int i = 0; i < HOSTS; i++) {
                    why.append("h").append(i + 1).append(" ").append(hosts.get(i).device).append(" saw ")
                            .append(hosts.get(i).lan()).append("; ");
                }
                throw new AssertionError("LAN discovery incomplete after " + TIMEOUT_MILLIS + " ms (synced=" + synced + "): " + why);
            }
            Thread.sleep(200);
        }
        assertEquals("found on the LAN", Files.readString(dir.resolve("h3/shared.txt")));
        assertTrue(!Files.exists(dir.resolve("h4/shared.txt")), "a host of another folder got the file");
        for (Host h : hosts) {
            h.process.getOutputStream().close();
        }
        for (Host h : hosts) {
            assertTrue(h.process.waitFor(20, TimeUnit.SECONDS), "a host did not stop");
        }
    }
}
