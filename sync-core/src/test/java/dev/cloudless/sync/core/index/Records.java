package dev.cloudless.sync.core.index;

import dev.cloudless.sync.core.block.Block;
import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.version.VersionVector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Small builders for index tests. */
final class Records {
    static final long ME = 0x0102030405060708L;
    static final long PEER = 0x8877665544332211L;
    static final Instant T0 = Instant.ofEpochSecond(1_700_000_000L, 123_456_789);

    private Records() {}

    static FolderPath p(String path) {
        return FolderPath.parse(path);
    }

    static Sha256 hash(int seed) {
        byte[] b = new byte[Sha256.LENGTH];
        Arrays.fill(b, (byte) seed);
        b[0] = (byte) (seed >>> 8);
        return Sha256.of(b);
    }

    static VersionVector v(long device, long counter) {
        return VersionVector.of(java.util.Map.of(device, counter));
    }

    /** Contiguous blocks of the given lengths with hashes seed, seed+1, ... */
    static List<Block> blocks(int seed, int... lengths) {
        List<Block> out = new ArrayList<>();
        long off = 0;
        for (int i = 0; i < lengths.length; i++) {
            out.add(new Block(off, lengths[i], hash(seed + i)));
            off += lengths[i];
        }
        return out;
    }

    static FileRecord file(String path, VersionVector version, int seed, int... lengths) {
        long size = Arrays.stream(lengths).asLongStream().sum();
        return FileRecord.file(p(path), size, T0, 0644, version, blocks(seed, lengths), ME);
    }

    /** {@code r} as changed by {@code device}. */
    static FileRecord by(FileRecord r, long device) {
        return new FileRecord(r.path(), r.type(), r.size(), r.mtime(), r.permissions(), r.version(), r.deleted(),
                r.blocks(), r.symlinkTarget(), device, r.signature());
    }
}
