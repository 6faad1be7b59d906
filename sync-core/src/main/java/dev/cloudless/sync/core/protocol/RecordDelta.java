package dev.cloudless.sync.core.protocol;

import dev.cloudless.sync.core.block.Block;
import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.crypto.Digests;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.index.MalformedRecordException;
import dev.cloudless.sync.core.path.FolderPath;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A file record sent as the difference from a record the receiver already holds, so a one-byte
 * edit of a 1 GiB file announces one or two block entries instead of 16,000.
 *
 * <p>The base is named by the SHA-256 of its {@linkplain FileRecord#encode() encoding}, so the
 * receiver either finds exactly that record among the ones it stores for the path (any device's)
 * or knows it cannot, and asks for the record in full ({@link IndexResend}). The header (every
 * field before the block list) and the signature are sent whole; the block list is a script of
 * runs copied from the base's list and fresh entries. {@link #apply} rebuilds the full encoding
 * and hands it to {@link FileRecord#decode}, so a delta can only ever produce a record that is
 * canonical and consistent, and the signature is then checked as for any record.
 *
 * <pre>
 * sequence u64 | baseHash 32 | headerLen u32 | header | blockCount u32 | opCount u32 | op...
 *     | sigLen u8 (0 or 64) | signature
 * op: 0 = COPY  | start u32 | count u32              (base blocks start .. start+count-1)
 *     1 = FRESH | count u32 | count × (length u32 | SHA-256 32)
 * </pre>
 *
 * @param sequence the sender's sequence of the record
 * @param baseHash SHA-256 of the base record's encoding
 * @param header the record's encoding up to (not including) its block count
 * @param blockCount blocks of the rebuilt record
 * @param ops the block script; the counts add up to {@code blockCount}
 * @param signature the record's signature (empty or 64 bytes)
 */
public record RecordDelta(long sequence, Sha256 baseHash, byte[] header, int blockCount, List<Op> ops,
                          byte[] signature) {
    /** Longest header: fixed fields, a maximal path, version vector and symlink target. */
    public static final int MAX_HEADER_BYTES = 3 + 2 + FolderPath.MAX_PATH_BYTES + 8 + 8 + 4 + 2 + 8
            + Messages.MAX_VERSION_VECTOR_BYTES + 2 + FileRecord.MAX_SYMLINK_TARGET_BYTES;
    /** Records with fewer blocks than this are always sent whole: a delta would not be smaller. */
    public static final int MIN_BLOCKS_FOR_DELTA = 8;
    static final int BLOCK_ENTRY_BYTES = 4 + Sha256.LENGTH;
    static final int FIXED_BYTES = 8 + Sha256.LENGTH + 4 + 4 + 4 + 1;
    static final int OP_COPY = 0;
    static final int OP_FRESH = 1;
    private static final int COPY_BYTES = 1 + 4 + 4;

    /** One step of the block script. */
    public sealed interface Op permits Copy, Fresh {
        /** Blocks this step contributes. */
        int count();
    }

    /** Base blocks {@code start} to {@code start + count - 1}, in order. */
    public record Copy(int start, int count) implements Op {
        /** Validates the range's shape (not yet against a base). */
        public Copy {
            if (start < 0 || count < 1) {
                throw new IllegalArgumentException("Copy(" + start + ", " + count + ")");
            }
        }
    }

    /** New block entries, {@code count × (length u32, SHA-256)} as in the record encoding. */
    public record Fresh(byte[] entries) implements Op {
        /** Validates the size. */
        public Fresh {
            if (entries.length == 0 || entries.length % BLOCK_ENTRY_BYTES != 0) {
                throw new IllegalArgumentException("Fresh entries of " + entries.length + " bytes");
            }
        }

        @Override
        public int count() {
            return entries.length / BLOCK_ENTRY_BYTES;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Fresh f && Arrays.equals(entries, f.entries);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(entries);
        }
    }

    /** Checks the parts fit together; the decoder has already bounded each. */
    public RecordDelta {
        Objects.requireNonNull(baseHash, "baseHash");
        Objects.requireNonNull(header, "header");
        ops = List.copyOf(ops);
        Objects.requireNonNull(signature, "signature");
        if (sequence <= 0) {
            throw new IllegalArgumentException("RecordDelta.sequence must be positive, was " + sequence);
        }
        if (header.length > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("RecordDelta header of " + header.length + " bytes");
        }
        if (blockCount < 0 || blockCount > FileRecord.MAX_BLOCKS_PER_FILE) {
            throw new IllegalArgumentException("RecordDelta of " + blockCount + " blocks");
        }
        long total = 0;
        for (Op op : ops) {
            total += op.count();
        }
        if (total != blockCount) {
            throw new IllegalArgumentException("RecordDelta ops give " + total + " blocks, not " + blockCount);
        }
        if (signature.length != 0 && signature.length != 64) {
            throw new IllegalArgumentException("RecordDelta signature of " + signature.length + " bytes");
        }
    }

    /** The record's path, read from the header. */
    public FolderPath path() {
        ByteBuffer in = ByteBuffer.wrap(header);
        in.position(3);
        int length = in.getShort() & 0xFFFF;
        return FolderPath.parse(new String(header, 5, length, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** SHA-256 of {@code record}'s encoding: how a delta names its base. */
    public static Sha256 hashOf(FileRecord record) {
        return Sha256.of(Digests.sha256().digest(record.encode()));
    }

    /**
     * {@code next} as a delta from {@code base}, when that is clearly smaller than sending it
     * whole: both are live files and {@code next} has at least {@link #MIN_BLOCKS_FOR_DELTA}
     * blocks. Runs of blocks found anywhere in the base are copied (so an insert, which shifts
     * every offset but keeps the content-defined blocks, costs only its own new blocks).
     */
    public static Optional<RecordDelta> diff(long sequence, FileRecord base, FileRecord next) {
        if (!isLiveFile(base) || !isLiveFile(next) || next.blocks().size() < MIN_BLOCKS_FOR_DELTA) {
            return Optional.empty();
        }
        List<Block> was = base.blocks();
        Map<Key, Integer> where = new HashMap<>(was.size() * 2);
        for (int i = was.size() - 1; i >= 0; i--) {
            where.put(new Key(was.get(i)), i); // the first occurrence wins
        }
        List<Op> ops = new ArrayList<>();
        List<Block> now = next.blocks();
        int copyStart = -1;
        int copyCount = 0;
        int freshFrom = -1;
        for (int i = 0; i < now.size(); i++) {
            Block b = now.get(i);
            int next1 = copyStart + copyCount;
            if (copyCount > 0 && next1 < was.size() && same(was.get(next1), b)) {
                copyCount++;
                continue;
            }
            Integer at = where.get(new Key(b));
            if (at != null) {
                flushCopy(ops, copyStart, copyCount);
                flushFresh(ops, now, freshFrom, i);
                freshFrom = -1;
                copyStart = at;
                copyCount = 1;
            } else {
                flushCopy(ops, copyStart, copyCount);
                copyCount = 0;
                if (freshFrom < 0) {
                    freshFrom = i;
                }
            }
        }
        flushCopy(ops, copyStart, copyCount);
        flushFresh(ops, now, freshFrom, now.size());
        byte[] enc = next.encode();
        int headerLength = enc.length - 1 - next.signature().length - 4 - now.size() * BLOCK_ENTRY_BYTES;
        RecordDelta d = new RecordDelta(sequence, Sha256.of(Digests.sha256().digest(base.encode())),
                Arrays.copyOf(enc, headerLength), now.size(), ops, next.signature());
        // Worth it only when clearly smaller: fully changed content would just add the base hash.
        return d.encodedLength() * 2L <= enc.length ? Optional.of(d) : Optional.empty();
    }

    private static boolean isLiveFile(FileRecord r) {
        return r.type() == FileRecord.Type.FILE && !r.deleted();
    }

    private static boolean same(Block a, Block b) {
        return a.length() == b.length() && a.hash().equals(b.hash());
    }

    private record Key(int length, Sha256 hash) {
        Key(Block b) {
            this(b.length(), b.hash());
        }
    }

    private static void flushCopy(List<Op> ops, int start, int count) {
        if (count > 0) {
            ops.add(new Copy(start, count));
        }
    }

    private static void flushFresh(List<Op> ops, List<Block> blocks, int from, int to) {
        if (from < 0 || from >= to) {
            return;
        }
        ByteBuffer entries = ByteBuffer.allocate((to - from) * BLOCK_ENTRY_BYTES);
        for (int i = from; i < to; i++) {
            entries.putInt(blocks.get(i).length());
            entries.put(blocks.get(i).hash().toByteArray());
        }
        ops.add(new Fresh(entries.array()));
    }

    /**
     * The full record this delta describes against {@code base}, which must be the record
     * named by {@link #baseHash} (the caller found it by that hash).
     *
     * @throws ProtocolException if a copy reaches past the base's blocks, or the rebuilt
     *     encoding is not a canonical, consistent record (the peer sent a bad delta)
     */
    public FileRecord apply(FileRecord base) throws ProtocolException {
        List<Block> was = base.blocks();
        // Every copy is checked against the base before the record is allocated: a hostile
        // script claiming two million copied blocks must not cost 72 MiB first.
        for (Op op : ops) {
            if (op instanceof Copy c && (long) c.start() + c.count() > was.size()) {
                throw malformed("copies blocks " + c.start() + ".." + ((long) c.start() + c.count() - 1)
                        + " of a base with " + was.size());
            }
        }
        ByteBuffer out = ByteBuffer.allocate(header.length + 4 + blockCount * BLOCK_ENTRY_BYTES + 1 + signature.length);
        out.put(header);
        out.putInt(blockCount);
        for (Op op : ops) {
            if (op instanceof Copy c) {
                for (int i = c.start(); i < c.start() + c.count(); i++) {
                    out.putInt(was.get(i).length());
                    out.put(was.get(i).hash().toByteArray());
                }
            } else {
                out.put(((Fresh) op).entries());
            }
        }
        out.put((byte) signature.length);
        out.put(signature);
        try {
            return FileRecord.decode(out.array());
        } catch (MalformedRecordException e) {
            throw new ProtocolException(ProtocolException.Reason.BAD_RECORD, "IndexDelta: rebuilt record: "
                    + e.getMessage(), e);
        }
    }

    /** Bytes of this entry in an {@link IndexDelta}. */
    public int encodedLength() {
        long n = FIXED_BYTES + header.length + signature.length;
        for (Op op : ops) {
            n += op instanceof Copy ? COPY_BYTES : 1 + 4 + ((Fresh) op).entries().length;
        }
        return (int) n;
    }

    void encodeTo(ByteBuffer out) {
        out.putLong(sequence);
        out.put(baseHash.toByteArray());
        out.putInt(header.length);
        out.put(header);
        out.putInt(blockCount);
        out.putInt(ops.size());
        for (Op op : ops) {
            if (op instanceof Copy c) {
                out.put((byte) OP_COPY);
                out.putInt(c.start());
                out.putInt(c.count());
            } else {
                byte[] e = ((Fresh) op).entries();
                out.put((byte) OP_FRESH);
                out.putInt(e.length / BLOCK_ENTRY_BYTES);
                out.put(e);
            }
        }
        out.put((byte) signature.length);
        out.put(signature);
    }

    /**
     * Reads one entry, checking every count against its limit and against the bytes left before
     * allocating.
     */
    static RecordDelta decode(ByteBuffer in) throws ProtocolException {
        long sequence = in.getLong();
        byte[] hash = new byte[Sha256.LENGTH];
        in.get(hash);
        long headerLength = in.getInt() & 0xFFFFFFFFL;
        if (headerLength > MAX_HEADER_BYTES || headerLength > in.remaining()) {
            throw malformed("header of " + headerLength + " bytes (" + in.remaining() + " left, at most "
                    + MAX_HEADER_BYTES + ")");
        }
        byte[] header = new byte[(int) headerLength];
        in.get(header);
        long blockCount = in.getInt() & 0xFFFFFFFFL;
        long opCount = in.getInt() & 0xFFFFFFFFL;
        if (blockCount > FileRecord.MAX_BLOCKS_PER_FILE || opCount > blockCount
                || opCount * COPY_BYTES > in.remaining()) { // every op takes at least a copy's 9 bytes
            throw malformed(blockCount + " blocks in " + opCount + " ops (" + in.remaining() + " bytes left)");
        }
        List<Op> ops = new ArrayList<>((int) Math.min(opCount, 1024));
        long total = 0;
        for (long i = 0; i < opCount; i++) {
            int kind = in.get() & 0xFF;
            if (kind == OP_COPY) {
                long start = in.getInt() & 0xFFFFFFFFL;
                long count = in.getInt() & 0xFFFFFFFFL;
                if (count < 1 || start + count > FileRecord.MAX_BLOCKS_PER_FILE) {
                    throw malformed("copy of " + count + " blocks from " + start);
                }
                ops.add(new Copy((int) start, (int) count));
                total += count;
            } else if (kind == OP_FRESH) {
                long count = in.getInt() & 0xFFFFFFFFL;
                if (count < 1 || count * BLOCK_ENTRY_BYTES > in.remaining()) {
                    throw malformed(count + " fresh blocks, " + in.remaining() + " bytes left");
                }
                byte[] entries = new byte[(int) count * BLOCK_ENTRY_BYTES];
                in.get(entries);
                ops.add(new Fresh(entries));
                total += count;
            } else {
                throw malformed("unknown op " + kind);
            }
            if (total > blockCount) {
                throw malformed("ops give more than " + blockCount + " blocks");
            }
        }
        int sigLength = in.get() & 0xFF;
        if (sigLength != 0 && sigLength != 64) {
            throw malformed("signature of " + sigLength + " bytes");
        }
        byte[] signature = new byte[sigLength];
        in.get(signature);
        RecordDelta d;
        try {
            d = new RecordDelta(sequence, Sha256.of(hash), header, (int) blockCount, ops, signature);
        } catch (IllegalArgumentException e) {
            throw malformed(e.getMessage());
        }
        // The receiver looks the base up by path before anything else, so the path must parse.
        try {
            if (header.length < 5 || 5 + (((header[3] & 0xFF) << 8) | (header[4] & 0xFF)) > header.length) {
                throw malformed("header too short for its path");
            }
            d.path();
        } catch (dev.cloudless.sync.core.path.InvalidFolderPathException e) {
            throw new ProtocolException(ProtocolException.Reason.BAD_RECORD, "IndexDelta: path: " + e.getMessage(), e);
        }
        return d;
    }

    private static ProtocolException malformed(String detail) {
        return new ProtocolException(ProtocolException.Reason.MALFORMED, "IndexDelta: " + detail);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordDelta d && sequence == d.sequence && baseHash.equals(d.baseHash)
                && Arrays.equals(header, d.header) && blockCount == d.blockCount && ops.equals(d.ops)
                && Arrays.equals(signature, d.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, baseHash, Arrays.hashCode(header), blockCount, ops);
    }

    @Override
    public String toString() {
        return "RecordDelta[seq=" + sequence + ", base=" + baseHash.toHex().substring(0, 12) + ", blocks="
                + blockCount + ", ops=" + ops.size() + "]";
    }
}
