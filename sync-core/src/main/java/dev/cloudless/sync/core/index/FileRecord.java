package dev.cloudless.sync.core.index;

import dev.cloudless.sync.core.block.Block;
import dev.cloudless.sync.core.block.ChunkerParams;
import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.crypto.Ed25519;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.path.InvalidFolderPathException;
import dev.cloudless.sync.core.version.MalformedVersionVectorException;
import dev.cloudless.sync.core.version.VersionVector;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a folder's index: what a device believes a path is, and the signature that makes
 * it a valid modification. Immutable; the same type is stored locally and exchanged with peers.
 *
 * <p>Example:
 * <pre>{@code
 * FileRecord r = FileRecord.file(FolderPath.parse("docs/a.txt"), 5, Instant.now(), 0644,
 *         VersionVector.empty().increment(me), List.of(new Block(0, 5, hash)), me)
 *     .sign(secrets.signingKey().orElseThrow());
 * byte[] wire = r.encode();
 * FileRecord back = FileRecord.decode(wire);       // MalformedRecordException if hostile
 * boolean ok = back.verify(secrets.verifyKey());  // any access level can check
 * }</pre>
 *
 * <h2>Encoding</h2>
 * All integers big-endian and unsigned unless marked; {@code body} is shared by both forms:
 * <pre>
 * body:
 * +--------+-------+------+---------+------------+---------+--------------+-------------+
 * | format | flags | type | pathLen | path       | size    | mtimeSeconds | mtimeNanos  |
 * | u8 = 1 | u8    | u8   | u16     | UTF-8, NFC | u64     | i64 (signed) | u32 < 10^9  |
 * +--------+-------+------+---------+------------+---------+--------------+-------------+
 * +-------------+------------+---------------------+-----------+---------------+
 * | permissions | modifiedBy | version             | targetLen | symlinkTarget |
 * | u16 ≤ 07777 | u64        | VersionVector codec | u16       | UTF-8         |
 * +-------------+------------+---------------------+-----------+---------------+
 * +------------+-----------------------------------------------+
 * | blockCount | blockCount × ( length u32 | SHA-256 32 bytes ) |
 * | u32        | offsets are implied: blocks are contiguous     |
 * +------------+-----------------------------------------------+
 *
 * flags: bit 0 = deleted (tombstone); bit 1 = sealed (reserved for the encrypted access
 *        level, rejected by this version); bits 2-7 reserved, must be 0.
 * type:  0 = FILE, 1 = DIRECTORY, 2 = SYMLINK.
 *
 * signed message  = "cloudless-sync v1 file record" (29 ASCII bytes, no terminator) || body
 * encode()        = body || sigLen u8 (0 or 64) || signature
 * </pre>
 * The encoding is canonical: block offsets are not sent (they follow from the lengths), the
 * version vector and path have one byte form each, and the decoder accepts only consistent
 * records, so every accepted byte string re-encodes to itself. Every length is checked against
 * its named limit and against the bytes left before anything is allocated.
 *
 * <h2>Encrypted access level (design, not implemented)</h2>
 * A device holding only the encrypted key must store and serve records it cannot read. A sealed
 * record sets flag bit 1; then {@code path} carries a deterministic encryption of the name
 * (same plaintext, same ciphertext, so it still keys the index), {@code symlinkTarget} carries
 * the encrypted target, and each block hash is the hash of the encrypted block, so the
 * encrypted device can verify what it stores. The signature still covers the whole body, so
 * the encrypted device verifies records it cannot decrypt. This version rejects the flag with
 * {@link MalformedRecordException.Reason#UNKNOWN_FLAGS} rather than misreading such a record.
 *
 * @param path canonical path relative to the folder root
 * @param type what kind of entry
 * @param size bytes of content; 0 for directories, symlinks and tombstones
 * @param mtime modification time, nanosecond precision
 * @param permissions POSIX mode bits, 0 to 07777
 * @param version the version vector of this state of the path
 * @param deleted whether this is a tombstone
 * @param blocks the content's blocks, contiguous from 0; empty unless a live FILE
 * @param symlinkTarget the link target, "" unless a live SYMLINK
 * @param modifiedBy short id ({@code DeviceId.shortId()}) of the device that made this change
 * @param signature Ed25519 signature by the folder's read-write key, or empty when unsigned
 */
public record FileRecord(FolderPath path, Type type, long size, Instant mtime, int permissions,
                         VersionVector version, boolean deleted, List<Block> blocks,
                         String symlinkTarget, long modifiedBy, byte[] signature) {

    /** Current encoding format, the first byte of every record. */
    public static final int FORMAT_VERSION = 1;
    /** Domain label that starts the signed message, so a record signature can't be replayed as another message. */
    public static final String SIGNING_LABEL = "cloudless-sync v1 file record";
    /** Largest file, in bytes: 16 TiB. */
    public static final long MAX_FILE_SIZE = 16L << 40;
    /** Longest block, in bytes: the chunker's own upper bound (16 MiB). */
    public static final int MAX_BLOCK_LENGTH = ChunkerParams.MAX_BLOCK_SIZE;
    /**
     * Most blocks in one record: 2^21. A named cap rather than 16 TiB / minimum block size
     * (which would allow ~300 million blocks, a 10 GiB record): it bounds a decoded record to
     * 72 MiB of block entries, and still covers 128 GiB at the default 64 KiB average block.
     */
    public static final int MAX_BLOCKS_PER_FILE = 1 << 21;
    /** Longest symlink target, in UTF-8 bytes: Linux's PATH_MAX. */
    public static final int MAX_SYMLINK_TARGET_BYTES = 4096;
    /** Largest permissions value: the 12 POSIX mode bits (setuid, setgid, sticky, rwxrwxrwx). */
    public static final int MAX_PERMISSIONS = 07777;

    static final int FLAG_DELETED = 1;
    /** Reserved for records sealed with the encrypted access level (see the class comment). */
    static final int FLAG_SEALED = 1 << 1;
    private static final byte[] LABEL = SIGNING_LABEL.getBytes(StandardCharsets.US_ASCII);
    private static final int BLOCK_ENTRY_BYTES = 4 + Sha256.LENGTH;
    private static final int NANOS_PER_SECOND = 1_000_000_000;
    private static final byte[] NO_SIGNATURE = new byte[0];

    /** The kind of file system entry; the ordinal is not the wire code, {@link #code} is. */
    public enum Type {
        FILE(0), DIRECTORY(1), SYMLINK(2);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        /** The wire code. */
        public int code() {
            return code;
        }

        static Optional<Type> ofCode(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }

    /** Named reasons a record is inconsistent (after Syncthing's {@code errDeletedHasBlocks} family). */
    public enum Inconsistency {
        SIZE_OUT_OF_RANGE("size is negative or above MAX_FILE_SIZE"),
        BAD_PERMISSIONS("permissions outside 0..07777"),
        EMPTY_VERSION("version vector is empty"),
        BAD_SIGNATURE_LENGTH("signature is neither empty nor 64 bytes"),
        DELETED_HAS_BLOCKS("deleted record has blocks"),
        DELETED_HAS_SIZE("deleted record has a non-zero size"),
        DELETED_HAS_TARGET("deleted record has a symlink target"),
        DIRECTORY_HAS_SIZE("directory has a non-zero size"),
        DIRECTORY_HAS_BLOCKS("directory has blocks"),
        SYMLINK_HAS_SIZE("symlink has a non-zero size"),
        SYMLINK_HAS_BLOCKS("symlink has blocks"),
        SYMLINK_EMPTY_TARGET("symlink has an empty target"),
        TARGET_ON_NON_SYMLINK("symlink target on a file or directory"),
        BAD_SYMLINK_TARGET("symlink target contains NUL or is longer than MAX_SYMLINK_TARGET_BYTES"),
        TOO_MANY_BLOCKS("more than MAX_BLOCKS_PER_FILE blocks"),
        BLOCK_TOO_LONG("a block is longer than MAX_BLOCK_LENGTH"),
        BLOCKS_DO_NOT_COVER_SIZE("blocks do not cover exactly [0, size) contiguously");

        private final String description;

        Inconsistency(String description) {
            this.description = description;
        }

        /** A sentence for error messages. */
        public String description() {
            return description;
        }
    }

    /** Copies the block list and signature; checks only for nulls (see {@link #consistencyCheck()}). */
    public FileRecord {
        Objects.requireNonNull(path, "FileRecord.path");
        Objects.requireNonNull(type, "FileRecord.type");
        Objects.requireNonNull(mtime, "FileRecord.mtime");
        Objects.requireNonNull(version, "FileRecord.version");
        blocks = List.copyOf(Objects.requireNonNull(blocks, "FileRecord.blocks"));
        Objects.requireNonNull(symlinkTarget, "FileRecord.symlinkTarget");
        signature = Objects.requireNonNull(signature, "FileRecord.signature").clone();
    }

    /** An unsigned live file. */
    public static FileRecord file(FolderPath path, long size, Instant mtime, int permissions,
                                  VersionVector version, List<Block> blocks, long modifiedBy) {
        return new FileRecord(path, Type.FILE, size, mtime, permissions, version, false, blocks, "",
                modifiedBy, NO_SIGNATURE);
    }

    /** An unsigned live directory. */
    public static FileRecord directory(FolderPath path, Instant mtime, int permissions,
                                       VersionVector version, long modifiedBy) {
        return new FileRecord(path, Type.DIRECTORY, 0, mtime, permissions, version, false, List.of(), "",
                modifiedBy, NO_SIGNATURE);
    }

    /** An unsigned live symlink. */
    public static FileRecord symlink(FolderPath path, String target, Instant mtime,
                                     VersionVector version, long modifiedBy) {
        return new FileRecord(path, Type.SYMLINK, 0, mtime, 0777, version, false, List.of(), target,
                modifiedBy, NO_SIGNATURE);
    }

    /** The unsigned tombstone that deletes this entry: same path and type, no content, {@code newVersion}. */
    public FileRecord tombstone(VersionVector newVersion, Instant when, long byDevice) {
        return new FileRecord(path, type, 0, when, permissions, newVersion, true, List.of(), "",
                byDevice, NO_SIGNATURE);
    }

    /** A copy of the signature (empty when unsigned). */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** Whether a signature is attached (not whether it is valid: see {@link #verify}). */
    public boolean isSigned() {
        return signature.length != 0;
    }

    /** A copy with {@code signature} attached in place of the current one. */
    public FileRecord withSignature(byte[] newSignature) {
        return new FileRecord(path, type, size, mtime, permissions, version, deleted, blocks,
                symlinkTarget, modifiedBy, newSignature);
    }

    /** The first inconsistency among the fields, or empty when the record is consistent. */
    public Optional<Inconsistency> consistencyCheck() {
        if (size < 0 || size > MAX_FILE_SIZE) {
            return Optional.of(Inconsistency.SIZE_OUT_OF_RANGE);
        }
        if (permissions < 0 || permissions > MAX_PERMISSIONS) {
            return Optional.of(Inconsistency.BAD_PERMISSIONS);
        }
        if (version.isEmpty()) {
            return Optional.of(Inconsistency.EMPTY_VERSION);
        }
        if (signature.length != 0 && signature.length != Ed25519.SIGNATURE_LENGTH) {
            return Optional.of(Inconsistency.BAD_SIGNATURE_LENGTH);
        }
        if (blocks.size() > MAX_BLOCKS_PER_FILE) {
            return Optional.of(Inconsistency.TOO_MANY_BLOCKS);
        }
        if (symlinkTarget.indexOf('\0') >= 0 || utf8Length(symlinkTarget) > MAX_SYMLINK_TARGET_BYTES) {
            return Optional.of(Inconsistency.BAD_SYMLINK_TARGET);
        }
        if (deleted) {
            if (!blocks.isEmpty()) {
                return Optional.of(Inconsistency.DELETED_HAS_BLOCKS);
            }
            if (size != 0) {
                return Optional.of(Inconsistency.DELETED_HAS_SIZE);
            }
            if (!symlinkTarget.isEmpty()) {
                return Optional.of(Inconsistency.DELETED_HAS_TARGET);
            }
            return Optional.empty();
        }
        switch (type) {
            case DIRECTORY:
                if (size != 0) {
                    return Optional.of(Inconsistency.DIRECTORY_HAS_SIZE);
                }
                if (!blocks.isEmpty()) {
                    return Optional.of(Inconsistency.DIRECTORY_HAS_BLOCKS);
                }
                if (!symlinkTarget.isEmpty()) {
                    return Optional.of(Inconsistency.TARGET_ON_NON_SYMLINK);
                }
                return Optional.empty();
            case SYMLINK:
                if (size != 0) {
                    return Optional.of(Inconsistency.SYMLINK_HAS_SIZE);
                }
                if (!blocks.isEmpty()) {
                    return Optional.of(Inconsistency.SYMLINK_HAS_BLOCKS);
                }
                if (symlinkTarget.isEmpty()) {
                    return Optional.of(Inconsistency.SYMLINK_EMPTY_TARGET);
                }
                return Optional.empty();
            default:
                if (!symlinkTarget.isEmpty()) {
                    return Optional.of(Inconsistency.TARGET_ON_NON_SYMLINK);
                }
                long expected = 0;
                for (Block b : blocks) {
                    if (b.length() > MAX_BLOCK_LENGTH) {
                        return Optional.of(Inconsistency.BLOCK_TOO_LONG);
                    }
                    if (b.offset() != expected) {
                        return Optional.of(Inconsistency.BLOCKS_DO_NOT_COVER_SIZE);
                    }
                    expected += b.length(); // cannot overflow: at most 2^21 blocks of 2^24 bytes
                }
                return expected == size ? Optional.empty() : Optional.of(Inconsistency.BLOCKS_DO_NOT_COVER_SIZE);
        }
    }

    /** @throws InconsistentRecordException naming the first inconsistency */
    public FileRecord requireConsistent() {
        Optional<Inconsistency> problem = consistencyCheck();
        if (problem.isPresent()) {
            throw new InconsistentRecordException(problem.get(), path.toString());
        }
        return this;
    }

    /**
     * The message the folder's read-write key signs: {@link #SIGNING_LABEL} followed by the body
     * (everything but the signature), as in the class comment.
     *
     * @throws InconsistentRecordException if the record is inconsistent: such a record has no
     *     canonical form and must never be signed
     */
    public byte[] encodeForSigning() {
        requireConsistent();
        byte[] pathBytes = path.toBytes();
        byte[] target = symlinkTarget.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(LABEL.length + bodyLength(pathBytes, target));
        out.put(LABEL);
        putBody(out, pathBytes, target);
        return out.array();
    }

    /**
     * The full record: body, signature length, signature.
     *
     * @throws InconsistentRecordException if the record is inconsistent
     */
    public byte[] encode() {
        requireConsistent();
        byte[] pathBytes = path.toBytes();
        byte[] target = symlinkTarget.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(bodyLength(pathBytes, target) + 1 + signature.length);
        putBody(out, pathBytes, target);
        out.put((byte) signature.length);
        out.put(signature);
        return out.array();
    }

    /** A copy signed by {@code key}, which must be the folder's read-write key. */
    public FileRecord sign(Ed25519.SigningKey key) {
        return withSignature(key.sign(encodeForSigning()));
    }

    /**
     * Whether the record is consistent and carries a valid signature under {@code verifyKey}
     * (the folder's 32-byte verification key, known at every access level). Never throws for
     * bad keys or signatures.
     */
    public boolean verify(byte[] verifyKey) {
        if (signature.length != Ed25519.SIGNATURE_LENGTH || consistencyCheck().isPresent()) {
            return false;
        }
        return Ed25519.verify(verifyKey, encodeForSigning(), signature);
    }

    private int bodyLength(byte[] pathBytes, byte[] target) {
        return 3 + 2 + pathBytes.length + 8 + 8 + 4 + 2 + 8 + version.encodedLength()
                + 2 + target.length + 4 + blocks.size() * BLOCK_ENTRY_BYTES;
    }

    private void putBody(ByteBuffer out, byte[] pathBytes, byte[] target) {
        out.put((byte) FORMAT_VERSION);
        out.put((byte) (deleted ? FLAG_DELETED : 0));
        out.put((byte) type.code());
        out.putShort((short) pathBytes.length);
        out.put(pathBytes);
        out.putLong(size);
        out.putLong(mtime.getEpochSecond());
        out.putInt(mtime.getNano());
        out.putShort((short) permissions);
        out.putLong(modifiedBy);
        version.encodeTo(out);
        out.putShort((short) target.length);
        out.put(target);
        out.putInt(blocks.size());
        for (Block b : blocks) {
            out.putInt(b.length());
            out.put(b.hash().toByteArray());
        }
    }

    /**
     * Decodes one record that must fill {@code bytes} exactly.
     *
     * @throws MalformedRecordException for anything but the canonical encoding of a consistent
     *     record; never another exception
     */
    public static FileRecord decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            FileRecord r = decodeFields(in);
            if (in.hasRemaining()) {
                throw new MalformedRecordException(MalformedRecordException.Reason.TRAILING_BYTES, in.position(),
                        in.remaining() + " bytes after the record");
            }
            return r;
        } catch (BufferUnderflowException e) {
            throw new MalformedRecordException(MalformedRecordException.Reason.TRUNCATED, in.position(),
                    "input ended inside the record");
        }
    }

    private static FileRecord decodeFields(ByteBuffer in) {
        int format = in.get() & 0xff;
        if (format != FORMAT_VERSION) {
            throw bad(MalformedRecordException.Reason.UNKNOWN_FORMAT, 0, "format " + format + ", expected " + FORMAT_VERSION);
        }
        int flags = in.get() & 0xff;
        if ((flags & ~FLAG_DELETED) != 0) {
            throw bad(MalformedRecordException.Reason.UNKNOWN_FLAGS, 1, (flags & FLAG_SEALED) != 0
                    ? "sealed records (encrypted access level) are not supported"
                    : "reserved flag bits 0x" + Integer.toHexString(flags & ~FLAG_DELETED));
        }
        int typeCode = in.get() & 0xff;
        Type type = Type.ofCode(typeCode).orElseThrow(
                () -> bad(MalformedRecordException.Reason.UNKNOWN_TYPE, 2, "type " + typeCode));
        int at = in.position();
        String pathText = utf8(in, FolderPath.MAX_PATH_BYTES, "path");
        FolderPath path;
        try {
            path = FolderPath.parse(pathText);
        } catch (InvalidFolderPathException e) {
            throw bad(MalformedRecordException.Reason.BAD_TEXT, at, "path: " + e.getMessage());
        }
        at = in.position();
        long size = in.getLong();
        if (size < 0 || size > MAX_FILE_SIZE) {
            throw bad(MalformedRecordException.Reason.BAD_VALUE, at, "size " + Long.toUnsignedString(size)
                    + " above MAX_FILE_SIZE " + MAX_FILE_SIZE);
        }
        long seconds = in.getLong();
        at = in.position();
        int nanos = in.getInt();
        if (nanos < 0 || nanos >= NANOS_PER_SECOND) {
            throw bad(MalformedRecordException.Reason.BAD_VALUE, at, "mtime nanoseconds " + Integer.toUnsignedString(nanos));
        }
        Instant mtime;
        try {
            mtime = Instant.ofEpochSecond(seconds, nanos);
        } catch (java.time.DateTimeException e) {
            throw bad(MalformedRecordException.Reason.BAD_VALUE, at - 8, "mtime seconds " + seconds + " out of range");
        }
        at = in.position();
        int permissions = in.getShort() & 0xffff;
        if (permissions > MAX_PERMISSIONS) {
            throw bad(MalformedRecordException.Reason.BAD_VALUE, at, "permissions 0" + Integer.toOctalString(permissions));
        }
        long modifiedBy = in.getLong();
        at = in.position();
        VersionVector version;
        try {
            version = VersionVector.decode(in);
        } catch (MalformedVersionVectorException e) {
            throw bad(MalformedRecordException.Reason.BAD_VERSION, at + e.offset(), e.getMessage());
        }
        String target = utf8(in, MAX_SYMLINK_TARGET_BYTES, "symlink target");
        at = in.position();
        long count = in.getInt() & 0xffffffffL;
        if (count > MAX_BLOCKS_PER_FILE) {
            throw bad(MalformedRecordException.Reason.TOO_LONG, at, count + " blocks, at most " + MAX_BLOCKS_PER_FILE);
        }
        // Before allocating: the claimed blocks must fit in what is left.
        if (count * BLOCK_ENTRY_BYTES > in.remaining()) {
            throw bad(MalformedRecordException.Reason.TRUNCATED, at, count + " blocks need "
                    + count * BLOCK_ENTRY_BYTES + " bytes, " + in.remaining() + " left");
        }
        List<Block> blocks = new ArrayList<>((int) count);
        long offset = 0;
        byte[] hash = new byte[Sha256.LENGTH];
        for (int i = 0; i < count; i++) {
            at = in.position();
            int length = in.getInt();
            if (length < 1 || length > MAX_BLOCK_LENGTH) {
                throw bad(MalformedRecordException.Reason.BAD_VALUE, at, "block " + i + " length "
                        + Integer.toUnsignedString(length));
            }
            in.get(hash);
            blocks.add(new Block(offset, length, Sha256.of(hash)));
            offset += length;
        }
        at = in.position();
        int sigLength = in.get() & 0xff;
        if (sigLength != 0 && sigLength != Ed25519.SIGNATURE_LENGTH) {
            throw bad(MalformedRecordException.Reason.BAD_VALUE, at, "signature length " + sigLength);
        }
        byte[] signature = new byte[sigLength];
        in.get(signature);
        FileRecord r = new FileRecord(path, type, size, mtime, permissions, version,
                (flags & FLAG_DELETED) != 0, blocks, target, modifiedBy, signature);
        Optional<Inconsistency> problem = r.consistencyCheck();
        if (problem.isPresent()) {
            throw bad(MalformedRecordException.Reason.INCONSISTENT, 0, problem.get().description()
                    + " [" + problem.get() + "]");
        }
        return r;
    }

    private static String utf8(ByteBuffer in, int maxBytes, String what) {
        int at = in.position();
        int length = in.getShort() & 0xffff;
        if (length > maxBytes) {
            throw bad(MalformedRecordException.Reason.TOO_LONG, at, what + " of " + length + " bytes, at most " + maxBytes);
        }
        if (length > in.remaining()) {
            throw bad(MalformedRecordException.Reason.TRUNCATED, at, what + " of " + length + " bytes, "
                    + in.remaining() + " left");
        }
        ByteBuffer slice = in.slice();
        slice.limit(length);
        in.position(in.position() + length);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw bad(MalformedRecordException.Reason.BAD_TEXT, at, what + " is not valid UTF-8");
        }
    }

    private static int utf8Length(String s) {
        return s.isEmpty() ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static MalformedRecordException bad(MalformedRecordException.Reason reason, int offset, String detail) {
        return new MalformedRecordException(reason, offset, detail);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileRecord r && path.equals(r.path) && type == r.type && size == r.size
                && mtime.equals(r.mtime) && permissions == r.permissions && version.equals(r.version)
                && deleted == r.deleted && blocks.equals(r.blocks) && symlinkTarget.equals(r.symlinkTarget)
                && modifiedBy == r.modifiedBy && Arrays.equals(signature, r.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, type, size, mtime, permissions, version, deleted, blocks, symlinkTarget,
                modifiedBy, Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "FileRecord[" + path + ", " + type + (deleted ? ", deleted" : "") + ", size=" + size
                + ", version=" + version + ", blocks=" + blocks.size() + (isSigned() ? ", signed" : "") + "]";
    }
}
