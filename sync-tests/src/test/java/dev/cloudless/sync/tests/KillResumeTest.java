package dev.cloudless.sync.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.PeerInfo;
import dev.cloudless.sync.SyncKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receiver killed with SIGKILL in the middle of a 1 GiB download resumes from the verified
 * blocks in its temp file after a restart: the sender does not send the completed part again.
 */
@Tag("integration")
class KillResumeTest {
    static final long FILE_BYTES = 1L << 30;
    static final int CHUNK_BYTES = 1 << 20;
    /** B's download limit, so the transfer lasts several seconds and can be interrupted. */
    static final long DOWNLOAD_LIMIT_BYTES_PER_SECOND = 100L << 20;
    /** Kill B once A has sent this share of the file. */
    static final double KILL_AT_FRACTION = 0.30;
    /** Bytes A may send beyond the file size in total: blocks in flight at the kill, re-requests. */
    static final long SLACK_BYTES = 64L << 20;
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void aKilledReceiverResumesWithoutDownloadingCompletedBlocksAgain() throws Exception {
        SyncKey key = SyncKey.generate();
        Path bFolder = dir.resolve("B");
        Path bData = dir.resolve("B.state");
        Files.createDirectories(bFolder);
        try (Cluster cluster = new Cluster(dir, key)) {
            Cluster.Member a = cluster.add("A");
            String expected = writeRandom(a.path("big.bin"), FILE_BYTES, 42);

            Child first = Child.start(dir, bFolder, bData, a.address().getPort(), key, "first");
            long sentBeforeKill;
            DeviceId bDevice;
            try {
                bDevice = first.awaitDevice();
                Cluster.await(TIMEOUT, "A to send " + KILL_AT_FRACTION + " of the file to B",
                        () -> bytesOut(a, bDevice) >= (long) (FILE_BYTES * KILL_AT_FRACTION));
                sentBeforeKill = bytesOut(a, bDevice);
                assertTrue(sentBeforeKill < FILE_BYTES * 0.9, "the transfer was slow enough to interrupt: "
                        + sentBeforeKill);
                first.kill();
                // Whatever A pushed into the socket until it saw the connection die counts as sent.
                long last = sentBeforeKill;
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (session(a, bDevice).isPresent()) {
                    last = Math.max(last, bytesOut(a, bDevice));
                    assertTrue(System.nanoTime() < deadline, "A never noticed the killed peer");
                    Cluster.sleep(5);
                }
                sentBeforeKill = last;
            } finally {
                first.kill();
            }
            assertTrue(tempBytes(bFolder) > 0, "the partial download stays in .sync/tmp");
            assertFalse(Files.exists(bFolder.resolve("big.bin")));

            Child second = Child.start(dir, bFolder, bData, a.address().getPort(), key, "second");
            long sentAfterRestart;
            try {
                assertEquals(bDevice, second.awaitDevice(), "B kept its device key");
                Path bFile = bFolder.resolve("big.bin");
                Cluster.await(TIMEOUT, "B to finish big.bin",
                        () -> Files.isRegularFile(bFile) && size(bFile) == FILE_BYTES);
                sentAfterRestart = bytesOut(a, bDevice);
                assertEquals(expected, Cluster.sha256(bFile), "B's copy is byte-identical");
                List<String> errors = second.lines.stream()
                        .filter(l -> l.startsWith("EVENT SyncError") || l.contains("to=ERROR")).toList();
                assertTrue(errors.isEmpty(), "B restarted on its index without errors: " + errors);
                assertTrue(second.lines.stream().noneMatch(l -> l.startsWith("EVENT PeerRejected")),
                        "no peer rejected: " + second.lines);
            } finally {
                second.stop();
            }
            long total = sentBeforeKill + sentAfterRestart;
            System.out.println("KillResumeTest: A sent " + sentBeforeKill + " bytes before the kill, "
                    + sentAfterRestart + " after the restart");
            assertTrue(total <= FILE_BYTES + SLACK_BYTES, "A sent " + total + " bytes in total (" + sentBeforeKill
                    + " before the kill, " + sentAfterRestart + " after): completed blocks were sent again");
            assertTrue(sentAfterRestart < FILE_BYTES - (long) (FILE_BYTES * KILL_AT_FRACTION) + SLACK_BYTES,
                    "the second session resumed: " + sentAfterRestart);
            assertEquals(0, tempBytes(bFolder), "the temp file is gone after the install");
        } finally {
            Files.deleteIfExists(dir.resolve("A/big.bin"));
            Files.deleteIfExists(bFolder.resolve("big.bin"));
            try (Stream<Path> s = Files.list(bFolder.resolve(".sync/tmp"))) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // no temp dir: nothing to clean
            }
        }
    }

    static long bytesOut(Cluster.Member a, DeviceId peer) {
        return session(a, peer).map(PeerInfo::bytesOut).orElse(0L);
    }

    static Optional<PeerInfo> session(Cluster.Member a, DeviceId peer) {
        return a.folderHandle().peers().stream().filter(p -> p.deviceId().equals(peer)).findFirst();
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Bytes held by the temp files of {@code folder}. */
    static long tempBytes(Path folder) throws IOException {
        Path tmp = folder.resolve(".sync/tmp");
        if (!Files.isDirectory(tmp)) {
            return 0;
        }
        long sum = 0;
        try (Stream<Path> s = Files.list(tmp)) {
            for (Path p : s.toList()) {
                sum += size(p);
            }
        }
        return sum;
    }

    /** Writes {@code bytes} seeded random bytes to {@code file}; returns their SHA-256 in hex. */
    static String writeRandom(Path file, long bytes, long seed) throws IOException, NoSuchAlgorithmException {
        Files.createDirectories(file.getParent());
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long done = 0; done < bytes; done += CHUNK_BYTES) {
                buf.clear();
                while (buf.hasRemaining()) {
                    buf.putLong(random.nextLong());
                }
                md.update(buf.array());
                buf.flip();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Node B in a child JVM ({@link ChildNode}). */
    static final class Child {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();

        private Child(Process process) {
            this.process = process;
        }

        static Child start(Path dir, Path folder, Path data, int peerPort, SyncKey key, String name)
                throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx256m");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(ChildNode.class.getName());
            cmd.add(folder.toString());
            cmd.add(data.toString());
            cmd.add(Integer.toString(peerPort));
            cmd.add(Long.toString(DOWNLOAD_LIMIT_BYTES_PER_SECOND));
            Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("child-" + name + ".err").toFile()).start();
            Child c = new Child(p);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        c.lines.add(line);
                    }
                } catch (IOException e) {
                    // the child died: its output ends here
                }
            }, "child-" + name + "-out");
            reader.setDaemon(true);
            reader.start();
            OutputStream in = p.getOutputStream();
            in.write((key.toText() + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            return c;
        }

        DeviceId awaitDevice() {
            Cluster.await(Duration.ofSeconds(30), "the child node to start (see child-*.err)",
                    () -> lines.stream().anyMatch(l -> l.startsWith("DEVICE ")) || !process.isAlive());
            return lines.stream().filter(l -> l.startsWith("DEVICE ")).findFirst()
                    .map(l -> DeviceId.parse(l.substring("DEVICE ".length())))
                    .orElseThrow(() -> new AssertionError("child exited with " + process.exitValue()));
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        void stop() throws InterruptedException {
            try {
                OutputStream in = process.getOutputStream();
                in.write("stop\n".getBytes(StandardCharsets.UTF_8));
                in.close();
            } catch (IOException e) {
                // already gone
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
