package dev.cloudless.sync.core.protocol;

import dev.cloudless.sync.AccessLevel;
import dev.cloudless.sync.core.block.Block;
import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.index.SequencedRecord;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.version.VersionVector;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators for messages and the index records inside them (after FileRecordProperties). */
final class Gen {
    private Gen() {}

    static Arbitrary<FolderPath> paths() {
        Arbitrary<String> segment = Arbitraries.strings().alpha().numeric().withChars("-_ é名").ofMinLength(1)
                .ofMaxLength(12);
        Arbitrary<FolderPath> generated = segment.list().ofMinSize(1).ofMaxSize(4)
                .map(s -> FolderPath.parse(String.join("/", s).replace(".sync", "x")));
        return Arbitraries.oneOf(generated, Arbitraries.of("a", "dir/file.txt", "ünïcödé/名前", "x/y/z/.hidden",
                "emoji😀.txt").map(FolderPath::parse));
    }

    static Arbitrary<VersionVector> versions() {
        return Arbitraries.maps(Arbitraries.longs(), Arbitraries.longs().between(1, Long.MAX_VALUE))
                .ofMinSize(1).ofMaxSize(4).map(VersionVector::of);
    }

    static Arbitrary<Sha256> hashes() {
        return Arbitraries.bytes().array(byte[].class).ofSize(Sha256.LENGTH).map(Sha256::of);
    }

    static Arbitrary<FileRecord> records() {
        Arbitrary<Instant> mtimes = Combinators.combine(
                Arbitraries.longs().between(-10_000_000_000L, 10_000_000_000L),
                Arbitraries.integers().between(0, 999_999_999)).as(Instant::ofEpochSecond);
        Arbitrary<List<Block>> blockLists = Combinators.combine(
                Arbitraries.integers().between(1, FileRecord.MAX_BLOCK_LENGTH), hashes()).as((length, hash) -> new Block(0, length, hash)).list().ofMaxSize(5).map(Gen::contiguous);
        Arbitrary<byte[]> signatures = Arbitraries.oneOf(Arbitraries.just(new byte[0]),
                Arbitraries.bytes().array(byte[].class).ofSize(64));
        Arbitrary<String> targets = Arbitraries.strings().alpha().numeric().withChars("./-_ é名")
                .ofMinLength(1).ofMaxLength(40);
        return Combinators.combine(paths(), Arbitraries.of(FileRecord.Type.values()), mtimes,
                Arbitraries.integers().between(0, FileRecord.MAX_PERMISSIONS), versions(),
                Arbitraries.of(true, false), blockLists, targets)
                .flatAs((path, type, mtime, perms, version, deleted, blocks, target) ->
                        Combinators.combine(Arbitraries.longs(), signatures).as((by, sig) -> {
                            boolean file = type == FileRecord.Type.FILE && !deleted;
                            List<Block> b = file ? blocks : List.of();
                            long size = b.isEmpty() ? 0 : b.get(b.size() - 1).end();
                            String t = type == FileRecord.Type.SYMLINK && !deleted ? target : "";
                            return new FileRecord(path, type, size, mtime, perms, version, deleted, b, t, by, sig);
                        }));
    }

    /** Records with strictly increasing sequences from 1, with random gaps. */
    static Arbitrary<List<SequencedRecord>> sequencedRecords(int maxSize) {
        return Combinators.combine(records(), Arbitraries.longs().between(1, 1L << 40)).as(Pair::new)
                .list().ofMaxSize(maxSize).map(pairs -> {
                    List<SequencedRecord> out = new ArrayList<>();
                    long seq = 0;
                    for (Pair p : pairs) {
                        seq += p.gap;
                        out.add(new SequencedRecord(seq, p.record));
                    }
                    return out;
                });
    }

    private record Pair(FileRecord record, long gap) {}

    private static List<Block> contiguous(List<Block> lengthsAndHashes) {
        List<Block> out = new ArrayList<>();
        long off = 0;
        for (Block b : lengthsAndHashes) {
            out.add(new Block(off, b.length(), b.hash()));
            off += b.length();
        }
        return out;
    }

    static Arbitrary<String> text(int maxChars) {
        return Arbitraries.strings().alpha().numeric().withChars(" -_.é名").ofMaxLength(maxChars);
    }

    static Arbitrary<Hello> hellos() {
        return Combinators.combine(text(20), text(20), text(10), Arbitraries.of(AccessLevel.values()),
                Arbitraries.longs(), Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.longs(),
                Arbitraries.longs().between(0, Long.MAX_VALUE))
                .as((d, c, v, level, id, max, knownId, known) -> Hello.of(d, c, v, level, id, max).withKnown(knownId, known));
    }

    static Arbitrary<IndexUpdate> indexUpdates() {
        return Combinators.combine(Arbitraries.of(true, false), sequencedRecords(4)).as(IndexUpdate::new);
    }

    static Arbitrary<BlockRequest> blockRequests() {
        return Combinators.combine(Arbitraries.integers(), paths(),
                Arbitraries.longs().between(0, FileRecord.MAX_FILE_SIZE - FileRecord.MAX_BLOCK_LENGTH),
                Arbitraries.integers().between(1, FileRecord.MAX_BLOCK_LENGTH), hashes()).as(BlockRequest::new);
    }

    static Arbitrary<BlockResponse> blockResponses() {
        Arbitrary<BlockResponse> ok = Combinators.combine(Arbitraries.integers(),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(3000))
                .as((id, data) -> BlockResponse.ok(id, ByteBuffer.wrap(data)));
        Arbitrary<BlockResponse> failed = Combinators.combine(Arbitraries.integers(),
                Arbitraries.of(BlockResponse.Status.NOT_FOUND, BlockResponse.Status.CHANGED,
                        BlockResponse.Status.BUSY, BlockResponse.Status.ERROR)).as(BlockResponse::failed);
        return Arbitraries.oneOf(ok, failed);
    }

    static Arbitrary<Progress> progresses() {
        return Combinators.combine(paths(), versions(), Arbitraries.integers().between(0, 200),
                Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMaxSize(50))
                .as((path, version, count, picks) -> {
                    BitSet have = new BitSet();
                    if (count > 0) {
                        picks.forEach(i -> have.set(i % count));
                    }
                    return new Progress(path, version, have, count);
                });
    }

    static Arbitrary<Close> closes() {
        return text(80).map(Close::new);
    }

    static Arbitrary<PeerExchange> peerExchanges() {
        Arbitrary<dev.cloudless.sync.DeviceId> devices = Arbitraries.bytes().array(byte[].class)
                .ofSize(dev.cloudless.sync.DeviceId.LENGTH).map(dev.cloudless.sync.DeviceId::fromBytes);
        Arbitrary<java.net.InetAddress> v4 = Arbitraries.integers().between(1, 223)
                .flatMap(first -> Arbitraries.bytes().array(byte[].class).ofSize(3).map(rest -> address(
                        new byte[] {(byte) (int) first, rest[0], rest[1], rest[2]})));
        Arbitrary<java.net.InetAddress> v6 = Arbitraries.bytes().array(byte[].class).ofSize(16).map(b -> {
            b[0] = (byte) (0x20 | (b[0] & 0x0f)); // global unicast: never multicast, wildcard or IPv4-mapped
            return address(b);
        });
        Arbitrary<PeerExchange.Entry> entry = Combinators.combine(devices, Arbitraries.oneOf(v4, v6),
                Arbitraries.integers().between(1, 65535)).as(PeerExchange.Entry::new);
        return Combinators.combine(Arbitraries.integers().between(0, 65535),
                entry.list().ofMaxSize(PeerExchange.MAX_ENTRIES).uniqueElements(PeerExchange.Entry::device))
                .as(PeerExchange::new);
    }

    private static java.net.InetAddress address(byte[] bytes) {
        try {
            return java.net.InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static Arbitrary<Message> messages() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, hellos()),
                net.jqwik.api.Tuple.of(3, indexUpdates()),
                net.jqwik.api.Tuple.of(2, blockRequests()),
                net.jqwik.api.Tuple.of(3, blockResponses()),
                net.jqwik.api.Tuple.of(2, progresses()),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Ping())),
                net.jqwik.api.Tuple.of(1, closes()),
                net.jqwik.api.Tuple.of(2, indexDeltas()),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, Long.MAX_VALUE).map(IndexResend::new)),
                net.jqwik.api.Tuple.of(2, peerExchanges()));
    }

    /** A live file of {@code blocks} at {@code path}. */
    static FileRecord file(FolderPath path, List<Block> blocks, VersionVector version, byte[] signature) {
        List<Block> b = contiguous(blocks);
        return new FileRecord(path, FileRecord.Type.FILE, b.get(b.size() - 1).end(), Instant.ofEpochSecond(1_700_000_000),
                0644, version, false, b, "", 7, signature);
    }

    static List<Block> randomBlocks(java.util.Random rnd, int n) {
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(randomBlock(rnd));
        }
        return out;
    }

    static Block randomBlock(java.util.Random rnd) {
        byte[] h = new byte[Sha256.LENGTH];
        rnd.nextBytes(h);
        return new Block(0, 1 + rnd.nextInt(1 << 17), Sha256.of(h));
    }

    /** Deltas of a file with one block replaced or inserted, as an edit produces. */
    static Arbitrary<RecordDelta> recordDeltas() {
        return Combinators.combine(paths(), versions(), Arbitraries.integers().between(16, 60),
                Arbitraries.longs().between(1, Long.MAX_VALUE), Arbitraries.longs()).as((path, version, n, seq, seed) -> {
                    java.util.Random rnd = new java.util.Random(seed);
                    List<Block> base = randomBlocks(rnd, n);
                    List<Block> next = new ArrayList<>(base);
                    int at = rnd.nextInt(n);
                    if (rnd.nextBoolean()) {
                        next.set(at, randomBlock(rnd));
                    } else {
                        next.add(at, randomBlock(rnd));
                    }
                    byte[] sig = new byte[64];
                    rnd.nextBytes(sig);
                    return RecordDelta.diff(seq, file(path, base, version, sig), file(path, next, version, sig))
                            .orElseThrow();
                });
    }

    static Arbitrary<IndexDelta> indexDeltas() {
        return recordDeltas().list().ofMaxSize(3).map(list -> {
            List<RecordDelta> increasing = new ArrayList<>();
            long seq = 0;
            for (RecordDelta d : list) {
                seq += 1 + (d.sequence() % 1000);
                increasing.add(new RecordDelta(seq, d.baseHash(), d.header(), d.blockCount(), d.ops(), d.signature()));
            }
            return new IndexDelta(increasing);
        });
    }
}
