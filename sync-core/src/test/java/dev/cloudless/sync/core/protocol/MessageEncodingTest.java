package dev.cloudless.sync.core.protocol;

import static dev.cloudless.sync.core.protocol.Samples.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.AccessLevel;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.version.VersionVector;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exact bytes of every message type, and the encoder's contract. */
class MessageEncodingTest {

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static List<Message> decodeAll(byte[] wire) throws ProtocolException {
        List<Message> out = new ArrayList<>();
        MessageDecoder d = new MessageDecoder();
        d.feed(ByteBuffer.wrap(wire), out::add);
        assertEquals(0, d.bufferedBytes());
        return out;
    }

    @Test
    void everySampleEncodesToItsHandWrittenBytesAndBack() throws ProtocolException {
        for (Map.Entry<Message, String> e : Samples.all().entrySet()) {
            byte[] expected = hex(e.getValue());
            ByteBuffer enc = MessageEncoder.encode(e.getKey());
            assertEquals(0, enc.position());
            assertTrue(enc.hasArray());
            assertArrayEquals(expected, bytes(enc), e.getKey().toString());
            assertEquals(expected.length, MessageEncoder.encodedLength(e.getKey()));
            assertEquals(List.of(e.getKey()), decodeAll(expected), e.getValue());
        }
    }

    @Test
    void theEmbeddedRecordIsFileRecordsOwnEncoding() {
        assertArrayEquals(hex(Samples.DIRECTORY_RECORD), Samples.directory().encode());
    }

    @Test
    void encodeToWritesTheSameBytesWhateverTheBufferOrderAndKind() {
        for (Message m : Samples.all().keySet()) {
            ByteBuffer direct = ByteBuffer.allocateDirect(200).order(ByteOrder.LITTLE_ENDIAN);
            direct.position(3);
            MessageEncoder.encodeTo(m, direct);
            assertEquals(ByteOrder.LITTLE_ENDIAN, direct.order(), "byte order restored");
            assertEquals(3 + MessageEncoder.encodedLength(m), direct.position());
            direct.flip().position(3);
            assertArrayEquals(bytes(MessageEncoder.encode(m)), bytes(direct));
        }
    }

    @Test
    void encodeToWithoutRoomWritesNothing() {
        Message m = new Close("bye");
        ByteBuffer small = ByteBuffer.allocate(MessageEncoder.encodedLength(m) - 1);
        assertThrows(BufferOverflowException.class, () -> MessageEncoder.encodeTo(m, small));
        assertEquals(0, small.position());
    }

    @Test
    void blockResponseDataIsAReadOnlyViewFromPositionZero() {
        ByteBuffer src = ByteBuffer.wrap(new byte[] {9, 9, 1, 2, 3});
        src.position(2);
        BlockResponse r = BlockResponse.ok(1, src);
        ByteBuffer data = r.data();
        assertTrue(data.isReadOnly());
        assertEquals(0, data.position());
        assertEquals(3, data.remaining());
        data.get(); // moving one view does not move the message's
        assertEquals(3, r.data().remaining());
        assertThrows(ReadOnlyBufferException.class, () -> r.data().put((byte) 0));
        assertEquals(2, src.position(), "the caller's buffer is not consumed");
        // encoding does not consume the data either
        MessageEncoder.encode(r);
        assertEquals(3, r.data().remaining());
    }

    @Test
    void aBlockResponseEncodedInPlaceHasTheBytesOfTheOrdinaryEncoding() {
        byte[] block = {5, 6, 7, 8, 9, 10, 11};
        ByteBuffer buf = ByteBuffer.allocate(MessageEncoder.BLOCK_RESPONSE_HEADROOM + block.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.position(MessageEncoder.BLOCK_RESPONSE_HEADROOM);
        buf.put(block).flip();

        ByteBuffer wire = MessageEncoder.encodeBlockResponseInPlace(0x01020304, buf);

        assertEquals(0, wire.position());
        assertEquals(MessageEncoder.encode(BlockResponse.ok(0x01020304, ByteBuffer.wrap(block))), wire);
        ByteBuffer empty = ByteBuffer.allocate(MessageEncoder.BLOCK_RESPONSE_HEADROOM);
        assertThrows(IllegalArgumentException.class, () -> MessageEncoder.encodeBlockResponseInPlace(1, empty));
    }

    @Test
    void constructorsRefuseWhatTheDecoderWouldRefuse() {
        assertThrows(IllegalArgumentException.class, () -> Hello.of("x".repeat(65), "c", "1", AccessLevel.READ_WRITE, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Hello.of("名".repeat(22), "c", "1", AccessLevel.READ_WRITE, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Hello.of("d", "c", "1".repeat(33), AccessLevel.READ_WRITE, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Hello.of("a\nb", "c", "1", AccessLevel.READ_WRITE, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Hello.of("a\ud800", "c", "1", AccessLevel.READ_WRITE, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Hello.of("d", "c", "1", AccessLevel.READ_WRITE, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> Hello.of("d", "c", "1", AccessLevel.READ_WRITE, 0, 0).withKnown(0, -1));
        assertThrows(IllegalArgumentException.class, () -> new Hello(0, "d", "c", "1", AccessLevel.READ_WRITE, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Hello(65536, "d", "c", "1", AccessLevel.READ_WRITE, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Close("x".repeat(257)));
        assertThrows(IllegalArgumentException.class, () -> new Close("\u0085"));
        FolderPath p = FolderPath.parse("f");
        assertThrows(IllegalArgumentException.class, () -> new BlockRequest(1, p, 0, 0, Samples.hash0to31()));
        assertThrows(IllegalArgumentException.class,
                () -> new BlockRequest(1, p, 0, FileRecord.MAX_BLOCK_LENGTH + 1, Samples.hash0to31()));
        assertThrows(IllegalArgumentException.class, () -> new BlockRequest(1, p, -1, 1, Samples.hash0to31()));
        assertThrows(IllegalArgumentException.class,
                () -> new BlockRequest(1, p, FileRecord.MAX_FILE_SIZE, 1, Samples.hash0to31()));
        new BlockRequest(1, p, FileRecord.MAX_FILE_SIZE - 1, 1, Samples.hash0to31()); // the last byte is fine
        assertThrows(IllegalArgumentException.class, () -> BlockResponse.ok(1, ByteBuffer.allocate(0)));
        assertThrows(IllegalArgumentException.class,
                () -> new BlockResponse(1, BlockResponse.Status.ERROR, ByteBuffer.allocate(1)));
        VersionVector v = VersionVector.of(Map.of(1L, 1L));
        BitSet bit5 = new BitSet();
        bit5.set(5);
        assertThrows(IllegalArgumentException.class, () -> new Progress(p, v, bit5, 5));
        assertThrows(IllegalArgumentException.class, () -> new Progress(p, VersionVector.empty(), new BitSet(), 5));
        assertThrows(IllegalArgumentException.class,
                () -> new Progress(p, v, new BitSet(), FileRecord.MAX_BLOCKS_PER_FILE + 1));
        var r = new dev.cloudless.sync.core.index.SequencedRecord(3, Samples.directory());
        assertThrows(IllegalArgumentException.class, () -> new IndexUpdate(false, List.of(r, r)));
    }

    @Test
    void progressCopiesItsBitSet() {
        BitSet have = new BitSet();
        have.set(1);
        Progress p = new Progress(FolderPath.parse("f"), VersionVector.of(Map.of(1L, 1L)), have, 4);
        have.set(2);
        p.have().set(3);
        assertEquals(1, p.haveCount());
        assertTrue(p.has(1));
    }

    /** The named limits are exactly the largest bodies their types can have (IndexUpdate: see below). */
    @Test
    void maximalMessagesFitTheirLimitsExactly() throws ProtocolException {
        String segment = "s".repeat(240);
        FolderPath longest = FolderPath.parse(String.join("/", java.util.Collections.nCopies(17, segment)));
        assertEquals(FolderPath.MAX_PATH_BYTES, longest.toBytes().length);
        Map<Long, Long> counters = new HashMap<>();
        for (long d = 0; d < VersionVector.MAX_ENTRIES; d++) {
            counters.put(d, Long.MAX_VALUE);
        }
        VersionVector widest = VersionVector.of(counters);
        assertEquals(Messages.MAX_VERSION_VECTOR_BYTES, widest.encodedLength());
        BitSet all = new BitSet();
        all.set(0, FileRecord.MAX_BLOCKS_PER_FILE);
        ByteBuffer block = ByteBuffer.allocate(FileRecord.MAX_BLOCK_LENGTH);
        Map<Message, Integer> maximal = Map.of(
                Hello.of("名".repeat(21) + "x", "c".repeat(64), "v".repeat(32), AccessLevel.ENCRYPTED, -1, Long.MAX_VALUE)
                        .withKnown(-1, Long.MAX_VALUE), 198,
                new BlockRequest(-1, longest, 0, FileRecord.MAX_BLOCK_LENGTH, Samples.hash0to31()),
                Messages.MAX_BLOCK_REQUEST_BODY_BYTES,
                BlockResponse.ok(-1, block), Messages.MAX_BLOCK_RESPONSE_BODY_BYTES,
                new Progress(longest, widest, all, FileRecord.MAX_BLOCKS_PER_FILE), Messages.MAX_PROGRESS_BODY_BYTES,
                new Close("r".repeat(Close.MAX_REASON_BYTES)), Messages.MAX_CLOSE_BODY_BYTES);
        for (Map.Entry<Message, Integer> e : maximal.entrySet()) {
            ByteBuffer enc = MessageEncoder.encode(e.getKey());
            assertEquals(Messages.HEADER_BYTES + e.getValue(), enc.remaining(), e.getKey().toString());
            assertEquals(List.of(e.getKey()), decodeAll(bytes(enc)));
        }
        assertTrue(198 <= Messages.MAX_HELLO_BODY_BYTES);
    }

    /**
     * A maximal FileRecord (longest path and target, widest version, 2^21 blocks, signature),
     * counted from FileRecord's documented layout, fits one IndexUpdate. (Building one takes
     * hundreds of MB, too much for a unit test.)
     */
    @Test
    void oneMaximalRecordFitsAnIndexUpdate() {
        long record = 3 + 2 + FolderPath.MAX_PATH_BYTES + 8 + 8 + 4 + 2 + 8 + Messages.MAX_VERSION_VECTOR_BYTES
                + 2 + FileRecord.MAX_SYMLINK_TARGET_BYTES + 4 + (long) FileRecord.MAX_BLOCKS_PER_FILE * 36 + 1 + 64;
        long body = IndexUpdate.FIXED_BYTES + IndexUpdate.ENTRY_HEADER_BYTES + record;
        assertTrue(body <= Messages.MAX_INDEX_MESSAGE_BYTES, body + " > " + Messages.MAX_INDEX_MESSAGE_BYTES);
        // and the size of a real record agrees with the count above for its own fields
        FileRecord small = Samples.directory();
        assertEquals(3 + 2 + 1 + 8 + 8 + 4 + 2 + 8 + small.version().encodedLength() + 2 + 4 + 1, small.encode().length);
    }
}
