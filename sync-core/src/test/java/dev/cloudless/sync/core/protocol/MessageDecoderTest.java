package dev.cloudless.sync.core.protocol;

import static dev.cloudless.sync.core.protocol.Samples.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.index.MalformedRecordException;
import dev.cloudless.sync.core.path.InvalidFolderPathException;
import dev.cloudless.sync.core.protocol.ProtocolException.Reason;
import dev.cloudless.sync.core.version.MalformedVersionVectorException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decoder against hand-made hostile input, and against every way of cutting a stream. */
class MessageDecoderTest {
    /** knownIndexId and knownSequence of the sample Hello. */
    private static final String KNOWN = " | 1112131415161718 | 0000000000000003";

    private static List<Message> feedAll(MessageDecoder d, byte[]... chunks) throws ProtocolException {
        List<Message> out = new ArrayList<>();
        for (byte[] c : chunks) {
            d.feed(ByteBuffer.wrap(c), out::add);
        }
        return out;
    }

    private static Reason reasonOf(String spacedHex) {
        return assertThrows(ProtocolException.class, () -> feedAll(new MessageDecoder(), hex(spacedHex))).reason();
    }

    private static byte[] stream() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        Samples.all().values().forEach(h -> all.writeBytes(hex(h)));
        return all.toByteArray();
    }

    @Test
    void everySplitPointOfAStreamDecodesTheSameMessages() throws ProtocolException {
        byte[] wire = stream();
        List<Message> expected = new ArrayList<>(Samples.all().keySet());
        for (int cut = 0; cut <= wire.length; cut++) {
            MessageDecoder d = new MessageDecoder();
            List<Message> got = feedAll(d, Arrays.copyOfRange(wire, 0, cut), Arrays.copyOfRange(wire, cut, wire.length));
            assertEquals(expected, got, "cut at " + cut);
            assertEquals(0, d.bufferedBytes());
        }
    }

    @Test
    void byteByByteDecodesTheSameMessagesAndBuffersOnlyTheIncompleteOne() throws ProtocolException {
        byte[] wire = stream();
        MessageDecoder d = new MessageDecoder();
        List<Message> got = new ArrayList<>();
        int messageStart = 0;
        for (int i = 0; i < wire.length; i++) {
            int before = got.size();
            d.feed(ByteBuffer.wrap(wire, i, 1), got::add);
            if (got.size() > before) {
                assertEquals(0, d.bufferedBytes());
                messageStart = i + 1;
            } else {
                assertEquals(i + 1 - messageStart, d.bufferedBytes());
            }
        }
        assertEquals(new ArrayList<>(Samples.all().keySet()), got);
    }

    @Test
    void trailingBytesInsideABodyAreRejected() {
        for (Map.Entry<Message, String> e : Samples.all().entrySet()) {
            byte[] wire = hex(e.getValue());
            byte[] longer = Arrays.copyOf(wire, wire.length + 1);
            longer[longer.length - 1] = 0x00;
            ByteBuffer.wrap(longer).putInt(1, wire.length - Messages.HEADER_BYTES + 1);
            if (e.getKey() instanceof BlockResponse r && r.status() == BlockResponse.Status.OK) {
                continue; // an OK response's data is the rest of the body: one more byte is one more data byte
            }
            // Ping and IndexResend have fixed-size bodies: their limit is their size
            Reason expected = e.getKey() instanceof Ping || e.getKey() instanceof IndexResend
                    ? Reason.MESSAGE_TOO_LONG : Reason.TRAILING_BYTES;
            ProtocolException x = assertThrows(ProtocolException.class, () -> feedAll(new MessageDecoder(), longer));
            assertEquals(expected, x.reason(), e.getKey().toString());
        }
    }

    @Test
    void unknownTypesAreRejectedOnTheirFirstByte() {
        for (int type : new int[] {0, Messages.TYPE_PEER_EXCHANGE + 1, 0x7f, 0xff}) {
            ProtocolException x = assertThrows(ProtocolException.class,
                    () -> feedAll(new MessageDecoder(), new byte[] {(byte) type}));
            assertEquals(Reason.UNKNOWN_TYPE, x.reason());
        }
    }

    @Test
    void hugeLengthsAreRejectedFromTheHeaderAlone() {
        for (int type = Messages.TYPE_HELLO; type <= Messages.TYPE_CLOSE; type++) {
            for (long length : new long[] {0xFFFFFFFFL, 0x80000000L, Messages.maxBodyBytes(type) + 1L}) {
                byte[] header = {(byte) type, (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
                        (byte) length};
                MessageDecoder d = new MessageDecoder();
                ProtocolException x = assertThrows(ProtocolException.class, () -> feedAll(d, header));
                assertEquals(Reason.MESSAGE_TOO_LONG, x.reason(), "type " + type + " length " + length);
                assertEquals(0, d.bodyCapacity());
            }
        }
    }

    @Test
    void anAnnouncedBodyIsNotAllocatedBeforeItArrives() throws ProtocolException {
        MessageDecoder d = new MessageDecoder();
        ByteBuffer header = ByteBuffer.allocate(5).put((byte) Messages.TYPE_INDEX_UPDATE)
                .putInt(Messages.MAX_INDEX_MESSAGE_BYTES).flip();
        d.feed(header, m -> { throw new AssertionError(m); });
        assertEquals(5, d.bufferedBytes());
        assertEquals(0, d.bodyCapacity());
        d.feed(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 1}), m -> { throw new AssertionError(m); });
        assertEquals(MessageDecoder.INITIAL_BODY_CAPACITY, d.bodyCapacity());
        // 1 MiB more in 64 KiB pieces: the buffer stays within twice what arrived
        byte[] piece = new byte[64 * 1024];
        for (int i = 0; i < 16; i++) {
            d.feed(ByteBuffer.wrap(piece), m -> { throw new AssertionError(m); });
            assertTrue(d.bodyCapacity() <= 2 * (d.bufferedBytes() - 5), d.bodyCapacity() + " for " + d.bufferedBytes());
        }
    }

    @Test
    void theDecoderLimitAppliesOnTopOfTheTypeLimits() throws ProtocolException {
        MessageDecoder d = new MessageDecoder(100);
        ProtocolException x = assertThrows(ProtocolException.class,
                () -> feedAll(d, hex("02 00000065")));
        assertEquals(Reason.MESSAGE_TOO_LONG, x.reason());
        assertEquals(List.of(new Ping()), feedAll(new MessageDecoder(0), hex("06 00000000")));
        assertThrows(IllegalArgumentException.class, () -> new MessageDecoder(-1));
    }

    @Test
    void aFailedDecoderRefusesMoreInput() {
        MessageDecoder d = new MessageDecoder();
        assertThrows(ProtocolException.class, () -> feedAll(d, new byte[] {0}));
        assertThrows(IllegalStateException.class, () -> feedAll(d, hex("06 00000000")));
    }

    @Test
    void helloOfAnotherVersionIsUnsupported() {
        assertEquals(Reason.UNSUPPORTED_VERSION,
                reasonOf("01 0000002c | 0003 | 03 646576 | 02 6373 | 01 31 | 01 | 0102030405060708 | 0000000000000005" + KNOWN));
        // read before anything else: a later version's longer Hello is refused for its version
        assertEquals(Reason.UNSUPPORTED_VERSION, reasonOf("01 00000004 | 0003 | ffff"));
    }

    @Test
    void malformedHellos() {
        String tail = "| 01 | 0102030405060708 | 0000000000000005" + KNOWN;
        assertEquals(Reason.MALFORMED, reasonOf("01 0000002c | 0002 | 03 646576 | 02 6373 | 01 31 | 03 | 0102030405060708 | 0000000000000005" + KNOWN),
                "unknown access level");
        assertEquals(Reason.MALFORMED, reasonOf("01 0000002c | 0002 | 03 640a76 | 02 6373 | 01 31 " + tail), "control character");
        assertEquals(Reason.MALFORMED, reasonOf("01 0000002c | 0002 | 03 64ff76 | 02 6373 | 01 31 " + tail), "bad UTF-8");
        assertEquals(Reason.MALFORMED, reasonOf("01 0000002c | 0002 | 03 646576 | 02 6373 | 01 31 | 01 | 0102030405060708 | 8000000000000000" + KNOWN),
                "maxSequence above 2^63-1");
        assertEquals(Reason.MALFORMED, reasonOf("01 0000002b | 0002 | 03 646576 | 02 6373 | 01 31 | 01 | 0102030405060708"
                + " | 0000000000000005 | 1112131415161718 | 00000000000000"), "truncated body");
        assertEquals(Reason.MALFORMED, reasonOf("01 0000002c | 0002 | 03 646576 | 02 6373 | 01 31 | 01 | 0102030405060708"
                + " | 0000000000000005 | 1112131415161718 | ff00000000000000"), "knownSequence above 2^63-1");
        assertEquals(Reason.MALFORMED, reasonOf("01 00000003 | 0002 | 41"), "name longer than 64");
    }

    @Test
    void indexUpdateSequencesMustIncrease() {
        String rec = Samples.DIRECTORY_RECORD;
        assertEquals(Reason.NOT_INCREASING, reasonOf("02 00000087 | 00 | 00000002 | 0000000000000007 00000035 " + rec
                + " | 0000000000000007 00000035 " + rec));
        assertEquals(Reason.NOT_INCREASING, reasonOf("02 00000087 | 00 | 00000002 | 0000000000000007 00000035 " + rec
                + " | 0000000000000006 00000035 " + rec));
        assertEquals(Reason.NOT_INCREASING, reasonOf("02 00000046 | 00 | 00000001 | 0000000000000000 00000035 " + rec));
        assertEquals(Reason.NOT_INCREASING, reasonOf("02 00000046 | 00 | 00000001 | ffffffffffffffff 00000035 " + rec));
    }

    @Test
    void malformedIndexUpdates() {
        String rec = Samples.DIRECTORY_RECORD;
        assertEquals(Reason.MALFORMED, reasonOf("02 00000046 | 04 | 00000001 | 0000000000000007 00000035 " + rec), "reserved flag");
        assertEquals(Reason.MALFORMED, reasonOf("02 00000046 | 00 | 00000002 | 0000000000000007 00000035 " + rec), "count too high");
        assertEquals(Reason.MALFORMED, reasonOf("02 00000005 | 00 | ffffffff"), "count cannot fit");
        assertEquals(Reason.MALFORMED, reasonOf("02 00000046 | 00 | 00000001 | 0000000000000007 00000036 " + rec), "record length too high");
        ProtocolException x = assertThrows(ProtocolException.class, () -> feedAll(new MessageDecoder(),
                hex("02 00000046 | 00 | 00000001 | 0000000000000007 00000035 " + rec.replaceFirst("^01", "02"))));
        assertEquals(Reason.BAD_RECORD, x.reason());
        assertInstanceOf(MalformedRecordException.class, x.getCause());
        // a record shorter than its length field says: the record decoder sees trailing bytes
        x = assertThrows(ProtocolException.class, () -> feedAll(new MessageDecoder(),
                hex("02 00000047 | 00 | 00000001 | 0000000000000007 00000036 " + rec + " 00")));
        assertEquals(Reason.BAD_RECORD, x.reason());
    }

    @Test
    void blockRequestWithAnUnsafePathIsABadRecord() {
        ProtocolException x = assertThrows(ProtocolException.class, () -> feedAll(new MessageDecoder(),
                hex("03 00000037 | 11223344 | 0005 2e2e2f6162 | 0000000000010000 | 00001000"
                        + " | 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")));
        assertEquals(Reason.BAD_RECORD, x.reason());
        assertInstanceOf(InvalidFolderPathException.class, x.getCause());
        String hash = " | 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
        assertEquals(Reason.MALFORMED, reasonOf("03 00000035 | 11223344 | 0003 612f62 | 0000000000010000 | 00000000" + hash),
                "zero length");
        assertEquals(Reason.MALFORMED, reasonOf("03 00000035 | 11223344 | 0003 612f62 | 0000100000000000 | 00001000" + hash),
                "beyond MAX_FILE_SIZE");
        assertEquals(Reason.MALFORMED, reasonOf("03 00000035 | 11223344 | 0003 612f62 | 8000000000000000 | 00001000" + hash),
                "negative offset");
        assertEquals(Reason.MALFORMED, reasonOf("03 00000035 | 11223344 | 0003 612f62 | 0000000000000000 | 01000001" + hash),
                "block too long");
    }

    @Test
    void malformedBlockResponses() {
        assertEquals(Reason.MALFORMED, reasonOf("04 00000005 | 00000001 | 05"), "unknown status");
        assertEquals(Reason.MALFORMED, reasonOf("04 00000005 | 00000001 | 00"), "OK without data");
        assertEquals(Reason.TRAILING_BYTES, reasonOf("04 00000006 | 00000001 | 01 | 00"), "NOT_FOUND with data");
        assertEquals(Reason.MALFORMED, reasonOf("04 00000004 | 00000001"), "no status");
    }

    @Test
    void malformedProgress() {
        assertEquals(Reason.MALFORMED, reasonOf("05 00000013 | 0001 66 | 01 000000000000000a 01 | 0000000a | 01 04"),
                "bit 10 of 10 blocks");
        assertEquals(Reason.MALFORMED, reasonOf("05 00000011 | 0001 66 | 01 000000000000000a 01 | 00200001"),
                "more than 2^21 blocks");
        assertEquals(Reason.MALFORMED, reasonOf("05 00000012 | 0001 66 | 01 000000000000000a 01 | 0000000a | 01"),
                "short bitmap");
        assertEquals(Reason.MALFORMED, reasonOf("05 00000008 | 0001 66 | 00 | 00000000"), "empty version");
        ProtocolException x = assertThrows(ProtocolException.class, () -> feedAll(new MessageDecoder(),
                hex("05 00000013 | 0001 66 | 01 000000000000000a 00 | 0000000a | 01 02")));
        assertEquals(Reason.BAD_RECORD, x.reason(), "zero counter");
        assertInstanceOf(MalformedVersionVectorException.class, x.getCause());
    }

    @Test
    void malformedClose() {
        assertEquals(Reason.MALFORMED, reasonOf("07 00000005 | 0003 621b65"), "escape character");
        assertEquals(Reason.MALFORMED, reasonOf("07 00000005 | 0004 627965"), "length beyond the body");
        assertEquals(Reason.MALFORMED, reasonOf("07 00000001 | 00"), "half a length");
    }

    @Test
    void hostilePeerExchanges() {
        String entry = " | 0102030405060708090a0b0c0d0e0f 04 c0a80114 a029";
        assertEquals(Reason.MALFORMED, reasonOf("0a 00000019 | a028 | 01 | 0102030405060708090a0b0c0d0e0f 05 c0a80114 a029"),
                "unknown family");
        assertEquals(Reason.MALFORMED, reasonOf("0a 00000019 | a028 | 01" + entry.replace("a029", "0000")), "port 0");
        assertEquals(Reason.MALFORMED, reasonOf("0a 00000019 | a028 | 01" + entry.replace("c0a80114", "00000000")),
                "wildcard address");
        assertEquals(Reason.MALFORMED, reasonOf("0a 00000019 | a028 | 01" + entry.replace("c0a80114", "e0000001")),
                "multicast address");
        assertEquals(Reason.MALFORMED, reasonOf("0a 00000025 | a028 | 01 | 0102030405060708090a0b0c0d0e0f 06"
                + " 00000000000000000000ffffc0a80114 a029"), "IPv4-mapped IPv6");
        assertEquals(Reason.MALFORMED, reasonOf("0a 0000002f | a028 | 02" + entry + entry), "device listed twice");
        assertEquals(Reason.MALFORMED, reasonOf("0a 00000019 | a028 | 02" + entry), "count beyond the body");
        assertEquals(Reason.TRAILING_BYTES, reasonOf("0a 00000004 | a028 | 00 | 00"), "trailing byte");
        // 65 entries: refused from the count byte, before any entry is read.
        StringBuilder many = new StringBuilder("0a 00000599 | a028 | 41");
        for (int i = 0; i < 65; i++) {
            many.append(String.format(" | %030x 04 c0a80114 a029", i + 1));
        }
        assertEquals(Reason.MALFORMED, reasonOf(many.toString()), "65 entries");
        assertEquals(Reason.MESSAGE_TOO_LONG, reasonOf("0a 00000884"), "body above the type's limit");
    }

    @Test
    void blockDataNeverAliasesTheCallersChunk() throws ProtocolException {
        byte[] data = new byte[10_000];
        new java.util.Random(1).nextBytes(data);
        byte[] wire = MessageEncoder.encode(BlockResponse.ok(42, ByteBuffer.wrap(data))).array();
        // whole message in one chunk (copied once), and spread over many chunks (assembled once)
        for (int piece : new int[] {wire.length, 1000, 7}) {
            byte[] scratch = new byte[piece];
            List<Message> got = new ArrayList<>();
            MessageDecoder d = new MessageDecoder();
            for (int off = 0; off < wire.length; off += piece) {
                int n = Math.min(piece, wire.length - off);
                System.arraycopy(wire, off, scratch, 0, n);
                d.feed(ByteBuffer.wrap(scratch, 0, n), got::add);
                Arrays.fill(scratch, (byte) 0x55); // the caller reuses its buffer
            }
            BlockResponse r = (BlockResponse) got.get(0);
            byte[] back = new byte[r.data().remaining()];
            r.data().get(back);
            assertArrayEquals(data, back, "piece " + piece);
            assertTrue(r.data().isReadOnly());
        }
    }

    @Test
    void aDirectChunkDecodesLikeAHeapOne() throws ProtocolException {
        byte[] wire = stream();
        ByteBuffer direct = ByteBuffer.allocateDirect(wire.length).put(wire).flip();
        List<Message> got = new ArrayList<>();
        new MessageDecoder().feed(direct, got::add);
        assertEquals(new ArrayList<>(Samples.all().keySet()), got);
        assertEquals(direct.limit(), direct.position());
    }
}
