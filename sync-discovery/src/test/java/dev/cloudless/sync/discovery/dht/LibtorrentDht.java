package dev.cloudless.sync.discovery.dht;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * libtorrent DHT nodes on loopback, run by src/test/python/libtorrent_dht.py in a child python3;
 * its stdout lines are collected. Closing ends the process (its stdin closes first, then it is
 * killed if it lingers).
 */
final class LibtorrentDht implements AutoCloseable {
    private static final Path SCRIPT = Path.of("src/test/python/libtorrent_dht.py");
    private static final long START_TIMEOUT_MILLIS = 20_000;

    private final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Map<Integer, Integer> ports = new TreeMap<>();

    LibtorrentDht(List<String> args) throws IOException, InterruptedException {
        // Debian's python3-libtorrent lives in the system interpreter; a python3 earlier on PATH may lack it
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        List<String> cmd = new ArrayList<>(List.of(python, "-u", SCRIPT.toString()));
        cmd.addAll(args);
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "libtorrent-stdout");
        reader.setDaemon(true);
        reader.start();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (!lines.contains("READY")) {
            if (System.nanoTime() > end || !process.isAlive()) {
                close();
                throw new IOException("libtorrent helper did not start: " + lines);
            }
            Thread.sleep(20);
        }
        for (String l : lines) {
            String[] f = l.split(" ");
            if (f[0].equals("PORT")) {
                ports.put(Integer.parseInt(f[1]), Integer.parseInt(f[2]));
            }
        }
    }

    /** Session {@code i}'s DHT and listen port. */
    int port(int i) {
        return ports.get(i);
    }

    boolean printed(String line) {
        return lines.contains(line);
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }
}
