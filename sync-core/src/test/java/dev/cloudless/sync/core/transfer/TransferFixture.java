package dev.cloudless.sync.core.transfer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.core.block.BlockHasher;
import dev.cloudless.sync.core.block.FileBlocks;
import dev.cloudless.sync.core.crypto.Ed25519;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.index.FolderIndex;
import dev.cloudless.sync.core.index.IndexStore;
import dev.cloudless.sync.core.index.Need;
import dev.cloudless.sync.core.index.SequencedRecord;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.version.VersionVector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A local folder with a real SQLite index, peers serving from their own folders, and a Puller. */
final class TransferFixture implements AutoCloseable {
    static final DeviceId ME = device(1);
    static final DeviceId PEER_A = device(2);
    static final DeviceId PEER_B = device(3);
    static final Instant T0 = Instant.ofEpochSecond(1_700_000_000L, 123_456_789);
    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-05T14:07:09Z"), ZoneOffset.UTC);

    final Path local;
    final Path peerDir;
    final IndexStore store;
    final FolderIndex index;
    final ExecutorService io = Executors.newFixedThreadPool(4);
    final ExecutorService peerThreads = Executors.newCachedThreadPool();
    final List<DeviceId> badPeers = Collections.synchronizedList(new ArrayList<>());
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final BlockScheduler scheduler;
    final Ed25519.SigningKey signer = Ed25519.signingKey(new byte[32]);
    final Puller puller;

    TransferFixture(Path tmp) throws IOException {
        local = Files.createDirectories(tmp.resolve("local"));
        peerDir = Files.createDirectories(tmp.resolve("peer"));
        store = IndexStore.open(tmp.resolve("index.db"));
        index = store.folder("folder".getBytes(StandardCharsets.US_ASCII));
        scheduler = new BlockScheduler(4, (peer, path, block) -> {
            badPeers.add(peer);
            schedulerRef().removePeer(peer); // what the node does: disconnect it
        }, io);
        TransferListener listener = new TransferListener() {
            @Override
            public void conflict(FolderPath path, FolderPath copy) {
                events.add("conflict " + path + " " + copy);
            }

            @Override
            public void started(FolderPath path, long bytes) {
                events.add("started " + path + " " + bytes);
            }

            @Override
            public void progress(FolderPath path, long done, long total) {
                if (done == total) {
                    events.add("progress " + path + " " + done);
                }
            }

            @Override
            public void finished(FolderPath path, FileRecord record) {
                events.add("finished " + path);
            }

            @Override
            public void deleted(FolderPath path) {
                events.add("deleted " + path);
            }

            @Override
            public void failed(FolderPath path, Throwable cause) {
                events.add("failed " + path + " " + cause.getClass().getSimpleName());
            }
        };
        puller = new Puller(local, index, scheduler, new Archive(local, CLOCK),
                new Puller.PullSettings(ME.shortId(), ME.toString(), Optional.of(signer), CLOCK), listener, io);
    }

    private BlockScheduler schedulerRef() {
        return scheduler;
    }

    static DeviceId device(int seed) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) seed);
        return DeviceId.fromPublicKey(key);
    }

    static FolderPath p(String path) {
        return FolderPath.parse(path);
    }

    static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    static VersionVector v(Object... deviceCounterPairs) {
        Map<Long, Long> m = new java.util.HashMap<>();
        for (int i = 0; i < deviceCounterPairs.length; i += 2) {
            m.put(((DeviceId) deviceCounterPairs[i]).shortId(), ((Number) deviceCounterPairs[i + 1]).longValue());
        }
        return VersionVector.of(m);
    }

    FolderPeer peer(DeviceId id, FolderPeer.Mode mode) {
        FolderPeer peer = new FolderPeer(id, peerDir, mode, peerThreads);
        scheduler.addPeer(peer);
        return peer;
    }

    /** Writes {@code content} at {@code path} in the peers' folder and announces its record from {@code from}. */
    FileRecord remoteFile(List<DeviceId> from, String path, byte[] content, VersionVector version, int mode,
                          Instant mtime) throws IOException {
        Path file = peerDir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        FileBlocks blocks = new BlockHasher().hash(file);
        FileRecord r = FileRecord.file(p(path), blocks.size(), mtime, mode, version, blocks.blocks(),
                from.get(0).shortId());
        for (DeviceId d : from) {
            announce(d, r);
        }
        return r;
    }

    void announce(DeviceId peer, FileRecord r) {
        index.applyRemote(peer, List.of(new SequencedRecord(index.maxSequence(peer) + 1, r)));
    }

    /** Writes {@code content} locally and records it as the scanner would. */
    FileRecord localFile(String path, byte[] content, VersionVector version, Instant mtime) throws IOException {
        Path file = local.resolve(path);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        FileBlocks blocks = new BlockHasher().hash(file);
        FileRecord r = FileRecord.file(p(path), blocks.size(), mtime, 0644, version, blocks.blocks(), ME.shortId());
        index.applyLocal(List.of(r));
        scanned(path);
        return r;
    }

    void scanned(String path) throws IOException {
        index.putScanned(p(path), Puller.scanEntry(Files.readAttributes(local.resolve(path),
                BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)));
    }

    Need need(String path) {
        return index.needed().stream().filter(n -> n.path().equals(p(path))).findFirst()
                .orElseThrow(() -> new AssertionError("not needed: " + path + " in " + index.needed()));
    }

    Puller.PullOutcome pull(String path) throws Exception {
        return puller.pull(need(path)).get(60, TimeUnit.SECONDS);
    }

    byte[] read(String path) throws IOException {
        return Files.readAllBytes(local.resolve(path));
    }

    List<Path> archived() throws IOException {
        Path dir = local.resolve(Archive.DIR);
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Override
    public void close() throws InterruptedException {
        io.shutdownNow();
        peerThreads.shutdownNow();
        assertTrue(io.awaitTermination(10, TimeUnit.SECONDS));
        store.close();
    }
}
