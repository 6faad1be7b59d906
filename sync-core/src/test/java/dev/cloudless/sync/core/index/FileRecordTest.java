package dev.cloudless.sync.core.index;

import static dev.cloudless.sync.core.index.Records.ME;
import static dev.cloudless.sync.core.index.Records.T0;
import static dev.cloudless.sync.core.index.Records.blocks;
import static dev.cloudless.sync.core.index.Records.file;
import static dev.cloudless.sync.core.index.Records.hash;
import static dev.cloudless.sync.core.index.Records.p;
import static dev.cloudless.sync.core.index.Records.v;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.core.block.Block;
import dev.cloudless.sync.core.crypto.Ed25519;
import dev.cloudless.sync.core.index.FileRecord.Inconsistency;
import dev.cloudless.sync.core.index.FileRecord.Type;
import dev.cloudless.sync.core.index.MalformedRecordException.Reason;
import dev.cloudless.sync.core.keys.FolderSecrets;
import dev.cloudless.sync.core.version.VersionVector;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class FileRecordTest {
    private static final SyncKey KEY = SyncKey.fromReadWriteSecret(new byte[32]);
    private static final FolderSecrets RW = FolderSecrets.of(KEY);
    private static final FolderSecrets RO = FolderSecrets.of(KEY.readOnly());

    private static Optional<Inconsistency> check(FileRecord r) {
        return r.consistencyCheck();
    }

    private static FileRecord with(FileRecord r, UnaryOperator<Object[]> change) {
        Object[] f = {r.path(), r.type(), r.size(), r.mtime(), r.permissions(), r.version(), r.deleted(),
                r.blocks(), r.symlinkTarget(), r.modifiedBy(), r.signature()};
        f = change.apply(f);
        return new FileRecord((dev.cloudless.sync.core.path.FolderPath) f[0], (Type) f[1], (Long) f[2],
                (java.time.Instant) f[3], (Integer) f[4], (VersionVector) f[5], (Boolean) f[6],
                castBlocks(f[7]), (String) f[8], (Long) f[9], (byte[]) f[10]);
    }

    @SuppressWarnings("unchecked")
    private static List<Block> castBlocks(Object o) {
        return (List<Block>) o;
    }

    private static UnaryOperator<Object[]> set(int field, Object value) {
        return f -> {
            f[field] = value;
            return f;
        };
    }

    @Test
    void consistentRecordsOfEveryTypePass() {
        assertEquals(Optional.empty(), check(file("a", v(ME, 1), 1, 10, 20)));
        assertEquals(Optional.empty(), check(file("empty", v(ME, 1), 1)));
        assertEquals(Optional.empty(), check(FileRecord.directory(p("d"), T0, 0755, v(ME, 1), ME)));
        assertEquals(Optional.empty(), check(FileRecord.symlink(p("l"), "../x", T0, v(ME, 1), ME)));
        assertEquals(Optional.empty(), check(file("a", v(ME, 1), 1, 10).tombstone(v(ME, 2), T0, ME)));
    }

    @Test
    void eachInconsistencyIsNamed() {
        FileRecord f = file("a", v(ME, 1), 1, 10, 20);
        FileRecord dir = FileRecord.directory(p("d"), T0, 0755, v(ME, 1), ME);
        FileRecord link = FileRecord.symlink(p("l"), "t", T0, v(ME, 1), ME);
        FileRecord tomb = f.tombstone(v(ME, 2), T0, ME);
        assertEquals(Optional.of(Inconsistency.DELETED_HAS_BLOCKS), check(with(tomb, set(7, blocks(1, 5)))));
        assertEquals(Optional.of(Inconsistency.DELETED_HAS_SIZE), check(with(tomb, set(2, 5L))));
        assertEquals(Optional.of(Inconsistency.DELETED_HAS_TARGET), check(with(tomb, set(8, "t"))));
        assertEquals(Optional.of(Inconsistency.DIRECTORY_HAS_SIZE), check(with(dir, set(2, 1L))));
        assertEquals(Optional.of(Inconsistency.DIRECTORY_HAS_BLOCKS), check(with(dir, set(7, blocks(1, 3)))));
        assertEquals(Optional.of(Inconsistency.SYMLINK_EMPTY_TARGET), check(with(link, set(8, ""))));
        assertEquals(Optional.of(Inconsistency.SYMLINK_HAS_BLOCKS), check(with(link, set(7, blocks(1, 3)))));
        assertEquals(Optional.of(Inconsistency.SYMLINK_HAS_SIZE), check(with(link, set(2, 3L))));
        assertEquals(Optional.of(Inconsistency.BAD_SYMLINK_TARGET), check(with(link, set(8, "a\0b"))));
        assertEquals(Optional.of(Inconsistency.BAD_SYMLINK_TARGET), check(with(link, set(8, "x".repeat(4097)))));
        assertEquals(Optional.of(Inconsistency.TARGET_ON_NON_SYMLINK), check(with(f, set(8, "t"))));
        assertEquals(Optional.of(Inconsistency.BAD_PERMISSIONS), check(with(f, set(4, 010000))));
        assertEquals(Optional.of(Inconsistency.BAD_PERMISSIONS), check(with(f, set(4, -1))));
        assertEquals(Optional.of(Inconsistency.BAD_SIGNATURE_LENGTH), check(with(f, set(10, new byte[63]))));
        assertEquals(Optional.of(Inconsistency.EMPTY_VERSION), check(with(f, set(5, VersionVector.empty()))));
        assertEquals(Optional.of(Inconsistency.SIZE_OUT_OF_RANGE), check(with(f, set(2, -1L))));
        assertEquals(Optional.of(Inconsistency.SIZE_OUT_OF_RANGE),
                check(with(f, set(2, FileRecord.MAX_FILE_SIZE + 1))));
        // Blocks must cover exactly [0, size): short, long, gap, overlap, not from 0.
        assertEquals(Optional.of(Inconsistency.BLOCKS_DO_NOT_COVER_SIZE), check(with(f, set(2, 29L))));
        assertEquals(Optional.of(Inconsistency.BLOCKS_DO_NOT_COVER_SIZE), check(with(f, set(2, 31L))));
        assertEquals(Optional.of(Inconsistency.BLOCKS_DO_NOT_COVER_SIZE), check(with(f, set(7,
                List.of(new Block(0, 10, hash(1)), new Block(11, 19, hash(2)))))));
        assertEquals(Optional.of(Inconsistency.BLOCKS_DO_NOT_COVER_SIZE), check(with(f, set(7,
                List.of(new Block(0, 10, hash(1)), new Block(9, 21, hash(2)))))));
        assertEquals(Optional.of(Inconsistency.BLOCKS_DO_NOT_COVER_SIZE), check(with(f, set(7,
                List.of(new Block(1, 30, hash(1)))))));
        assertEquals(Optional.of(Inconsistency.BLOCK_TOO_LONG), check(with(f, set(7,
                List.of(new Block(0, FileRecord.MAX_BLOCK_LENGTH + 1, hash(1)))))));
    }

    @Test
    void inconsistentRecordsCannotBeEncodedOrSigned() {
        FileRecord bad = with(file("a", v(ME, 1), 1, 10), set(2, 11L));
        InconsistentRecordException e = assertThrows(InconsistentRecordException.class, bad::encode);
        assertEquals(Inconsistency.BLOCKS_DO_NOT_COVER_SIZE, e.inconsistency());
        assertThrows(InconsistentRecordException.class, bad::encodeForSigning);
        assertThrows(InconsistentRecordException.class, () -> bad.sign(RW.signingKey().orElseThrow()));
    }

    @Test
    void encodingHasTheDocumentedLayout() {
        FileRecord r = FileRecord.file(p("ab"), 3, java.time.Instant.ofEpochSecond(2, 5), 0755,
                v(0x0a, 1), blocks(7, 3), 0x1122334455667788L);
        String expected = "01" + "00" + "00" + "0002" + "6162"         // format, flags, type, path
                + "0000000000000003"                                  // size
                + "0000000000000002" + "00000005"                     // mtime
                + "01ed"                                              // permissions 0755
                + "1122334455667788"                                  // modifiedBy
                + "01" + "000000000000000a" + "01"                    // version {0x0a=1}
                + "0000"                                              // no symlink target
                + "00000001" + "00000003" + HexFormat.of().formatHex(hash(7).toByteArray())
                + "00";                                               // unsigned
        assertEquals(expected, HexFormat.of().formatHex(r.encode()));
        byte[] signed = r.encodeForSigning();
        byte[] label = FileRecord.SIGNING_LABEL.getBytes(StandardCharsets.US_ASCII);
        assertEquals(29, label.length);
        assertArrayEquals(label, Arrays.copyOf(signed, label.length));
        assertEquals(expected.substring(0, expected.length() - 2),
                HexFormat.of().formatHex(signed, label.length, signed.length));
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] enc = file("a", v(ME, 1), 1, 10).encode();
        for (byte[] garbage : List.of(new byte[] {0}, new byte[] {1, 2, 3})) {
            byte[] longer = Arrays.copyOf(enc, enc.length + garbage.length);
            System.arraycopy(garbage, 0, longer, enc.length, garbage.length);
            MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> FileRecord.decode(longer));
            assertEquals(Reason.TRAILING_BYTES, e.reason());
            assertEquals(enc.length, e.offset());
        }
    }

    @Test
    void sealedAndReservedFlagsAndUnknownFormatAreRejected() {
        byte[] enc = file("a", v(ME, 1), 1, 10).encode();
        enc[1] = (byte) FileRecord.FLAG_SEALED;
        assertEquals(Reason.UNKNOWN_FLAGS, assertThrows(MalformedRecordException.class, () -> FileRecord.decode(enc)).reason());
        enc[1] = (byte) 0x80;
        assertEquals(Reason.UNKNOWN_FLAGS, assertThrows(MalformedRecordException.class, () -> FileRecord.decode(enc)).reason());
        enc[1] = 0;
        enc[0] = 2;
        assertEquals(Reason.UNKNOWN_FORMAT, assertThrows(MalformedRecordException.class, () -> FileRecord.decode(enc)).reason());
        enc[0] = 1;
        enc[2] = 3;
        assertEquals(Reason.UNKNOWN_TYPE, assertThrows(MalformedRecordException.class, () -> FileRecord.decode(enc)).reason());
    }

    @Test
    void hostileFieldsGetTheirReason() {
        byte[] enc = file("a", v(ME, 1), 1, 10).encode();
        // A directory with blocks: well-formed bytes, inconsistent record.
        byte[] dir = enc.clone();
        dir[2] = 1;
        assertEquals(Reason.INCONSISTENT, assertThrows(MalformedRecordException.class, () -> FileRecord.decode(dir)).reason());
        // Path "..": parses as text, fails FolderPath.
        byte[] dots = FileRecord.file(p("ab"), 0, T0, 0644, v(ME, 1), List.of(), ME).encode();
        dots[5] = '.';
        dots[6] = '.';
        assertEquals(Reason.BAD_TEXT, assertThrows(MalformedRecordException.class, () -> FileRecord.decode(dots)).reason());
        dots[5] = (byte) 0xc3; // a lead byte followed by ASCII: invalid UTF-8
        assertEquals(Reason.BAD_TEXT, assertThrows(MalformedRecordException.class, () -> FileRecord.decode(dots)).reason());
        // A block count far beyond the cap must fail before any allocation.
        byte[] many = FileRecord.file(p("a"), 0, T0, 0644, v(ME, 1), List.of(), ME).encode();
        int countAt = many.length - 1 - 4;
        many[countAt] = 0x7f;
        assertEquals(Reason.TOO_LONG, assertThrows(MalformedRecordException.class, () -> FileRecord.decode(many)).reason());
        many[countAt] = 0;
        many[countAt + 3] = 1; // one block claimed, no bytes for it
        assertEquals(Reason.TRUNCATED, assertThrows(MalformedRecordException.class, () -> FileRecord.decode(many)).reason());
    }

    @Test
    void signedRecordVerifiesAtEveryLevelAndSurvivesTheCodec() {
        FileRecord r = file("docs/a.txt", v(ME, 3), 1, 100, 50).sign(RW.signingKey().orElseThrow());
        assertTrue(r.isSigned());
        assertTrue(r.verify(RW.verifyKey()));
        assertTrue(r.verify(RO.verifyKey()));
        assertTrue(RO.signingKey().isEmpty());
        assertTrue(RO.verify(r.encodeForSigning(), r.signature()));
        FileRecord back = FileRecord.decode(r.encode());
        assertEquals(r, back);
        assertTrue(back.verify(RO.verifyKey()));
    }

    @Test
    void tamperingWithAnySignedFieldBreaksVerification() {
        FileRecord r = file("a", v(ME, 3), 1, 100, 50).sign(RW.signingKey().orElseThrow());
        byte[] sig = r.signature();
        List<FileRecord> tampered = List.of(
                with(r, set(0, p("b"))),
                with(r, set(2, 151L)).withSignature(sig),
                with(r, set(3, T0.plusNanos(1))),
                with(r, set(4, 0755)),
                with(r, set(5, v(ME, 4))),
                with(r, set(7, blocks(2, 100, 50))),
                with(r, set(7, blocks(1, 50, 100))),
                with(r, set(9, ME + 1)),
                r.tombstone(v(ME, 3), T0, ME).withSignature(sig));
        for (FileRecord t : tampered) {
            assertFalse(t.verify(RO.verifyKey()), t.toString());
        }
        byte[] flipped = r.signature();
        flipped[10] ^= 1;
        assertFalse(r.withSignature(flipped).verify(RO.verifyKey()));
        assertFalse(file("a", v(ME, 3), 1, 100, 50).verify(RO.verifyKey()), "unsigned");
        FolderSecrets other = FolderSecrets.of(SyncKey.fromReadWriteSecret(new byte[] {
                1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
        assertFalse(r.verify(other.verifyKey()), "another folder's key");
        assertFalse(r.verify(new byte[5]), "malformed key");
        assertEquals(Ed25519.SIGNATURE_LENGTH, sig.length);
    }
}
