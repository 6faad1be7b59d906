package dev.cloudless.sync.core.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cloudless.sync.core.block.Block;
import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.version.VersionVector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class FileRecordProperties {
    @Provide
    Arbitrary<FileRecord> records() {
        Arbitrary<FolderPath> paths = Arbitraries.of("a", "dir/file.txt", "ünïcödé/名前", "x/y/z/.hidden", "a b/c-d_e", "emoji😀.txt")
                .map(FolderPath::parse);
        Arbitrary<Instant> mtimes = Combinators.combine(
                Arbitraries.longs().between(-10_000_000_000L, 10_000_000_000L),
                Arbitraries.integers().between(0, 999_999_999)).as(Instant::ofEpochSecond);
        Arbitrary<VersionVector> versions = Arbitraries.maps(Arbitraries.longs(), Arbitraries.longs().between(1, Long.MAX_VALUE))
                .ofMinSize(1).ofMaxSize(4).map(VersionVector::of);
        Arbitrary<List<Block>> blockLists = Arbitraries.integers().between(1, FileRecord.MAX_BLOCK_LENGTH)
                .list().ofMaxSize(6).flatMap(lengths -> Arbitraries.bytes().array(byte[].class).ofSize(Sha256.LENGTH)
                        .list().ofSize(lengths.size()).map(hashes -> {
                            List<Block> out = new ArrayList<>();
                            long off = 0;
                            for (int i = 0; i < lengths.size(); i++) {
                                out.add(new Block(off, lengths.get(i), Sha256.of(hashes.get(i))));
                                off += lengths.get(i);
                            }
                            return out;
                        }));
        Arbitrary<byte[]> signatures = Arbitraries.oneOf(Arbitraries.just(new byte[0]),
                Arbitraries.bytes().array(byte[].class).ofSize(64));
        Arbitrary<String> targets = Arbitraries.strings().alpha().numeric().withChars("./-_ é名")
                .ofMinLength(1).ofMaxLength(40);
        return Combinators.combine(paths, Arbitraries.of(FileRecord.Type.values()), mtimes,
                Arbitraries.integers().between(0, FileRecord.MAX_PERMISSIONS), versions,
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

    @Property(tries = 300)
    void decodeInvertsEncode(@ForAll("records") FileRecord r) {
        assertEquals(java.util.Optional.empty(), r.consistencyCheck());
        byte[] enc = r.encode();
        FileRecord back = FileRecord.decode(enc);
        assertEquals(r, back);
        assertArrayEquals(enc, back.encode());
        assertArrayEquals(r.encodeForSigning(), back.encodeForSigning());
    }

    @Property(tries = 300)
    void everyProperPrefixIsRejectedAsMalformed(@ForAll("records") FileRecord r,
                                                 @ForAll @IntRange(min = 0, max = 10_000) int cut) {
        byte[] enc = r.encode();
        byte[] prefix = Arrays.copyOf(enc, cut % enc.length);
        assertThrows(MalformedRecordException.class, () -> FileRecord.decode(prefix));
    }

    @Property(tries = 1000)
    void mutatedBytesDecodeCanonicallyOrThrowOnlyTheTypedException(
            @ForAll("records") FileRecord r, @ForAll @IntRange(min = 0, max = 100_000) int at, @ForAll byte value) {
        byte[] enc = r.encode();
        enc[at % enc.length] = value;
        try {
            FileRecord back = FileRecord.decode(enc);
            assertArrayEquals(enc, back.encode(), "accepted bytes must be canonical");
        } catch (MalformedRecordException expected) {
            // the only allowed failure
        }
    }

    @Property(tries = 1000)
    void randomBytesThrowOnlyTheTypedException(@ForAll byte[] bytes) {
        try {
            FileRecord back = FileRecord.decode(bytes);
            assertArrayEquals(bytes, back.encode());
        } catch (MalformedRecordException expected) {
            // the only allowed failure
        }
    }

    @Property(tries = 300)
    void randomTailsAfterAValidHeaderThrowOnlyTheTypedException(@ForAll byte[] tail, @ForAll @IntRange(max = 2) int type) {
        byte[] bytes = new byte[3 + tail.length];
        bytes[0] = 1;
        bytes[2] = (byte) type;
        System.arraycopy(tail, 0, bytes, 3, tail.length);
        try {
            FileRecord.decode(bytes);
        } catch (MalformedRecordException expected) {
            // the only allowed failure
        }
    }

}
