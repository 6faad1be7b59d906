package dev.cloudless.sync.bench.e2e;

import dev.cloudless.sync.core.crypto.Digests;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.SplittableRandom;

/**
 * Deterministic, incompressible scenario content: pseudo-random bytes from a seed, so that
 * neither compression nor deduplication helps a tool, and every run moves the same bytes.
 */
final class ScenarioData {
    private static final int CHUNK_BYTES = 1 << 20;

    private ScenarioData() {}

    /** {@code length} pseudo-random bytes determined by {@code seed}. */
    static byte[] bytes(long seed, int length) {
        byte[] out = new byte[length];
        fill(new SplittableRandom(seed), ByteBuffer.wrap(out));
        return out;
    }

    private static void fill(SplittableRandom random, ByteBuffer buf) {
        ByteBuffer le = buf.order(ByteOrder.LITTLE_ENDIAN);
        while (le.remaining() >= Long.BYTES) {
            le.putLong(random.nextLong());
        }
        while (le.hasRemaining()) {
            le.put((byte) random.nextInt());
        }
    }

    /**
     * Writes {@code size} pseudo-random bytes (optionally after a {@code prefix}) to a new
     * {@code file}, forces them to disk, and returns the file's expected entry.
     */
    static ExpectedTree.Entry writeFile(Path file, long seed, long size, byte[] prefix) throws IOException {
        Files.createDirectories(file.getParent());
        MessageDigest sha = Digests.sha256();
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.wrap(prefix);
            sha.update(prefix);
            while (head.hasRemaining()) {
                ch.write(head);
            }
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(CHUNK_BYTES, left);
                buf.clear().limit(n);
                fill(random, buf);
                sha.update(buf.array(), 0, n);
                buf.flip();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                left -= n;
            }
            ch.force(true);
        }
        return new ExpectedTree.Entry(prefix.length + size, sha.digest());
    }

    static ExpectedTree.Entry writeFile(Path file, long seed, long size) throws IOException {
        return writeFile(file, seed, size, new byte[0]);
    }

    /**
     * The entry {@code file} will have once the byte at {@code offset} is replaced by
     * {@code value}: computed by reading the file, before the edit, so that the edit itself is
     * instant.
     */
    static ExpectedTree.Entry entryAfterByteEdit(Path file, long offset, byte value) throws IOException {
        MessageDigest sha = Digests.sha256();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES);
        long pos = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int n; (n = ch.read(buf)) > 0; ) {
                if (offset >= pos && offset < pos + n) {
                    buf.put((int) (offset - pos), value);
                }
                sha.update(buf.array(), 0, n);
                pos += n;
                buf.clear();
            }
        }
        return new ExpectedTree.Entry(pos, sha.digest());
    }

    /** Overwrites one byte of {@code file} in place and forces it to disk. */
    static void editByte(Path file, long offset, byte value) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {value}), offset);
            ch.force(true);
        }
    }
}
