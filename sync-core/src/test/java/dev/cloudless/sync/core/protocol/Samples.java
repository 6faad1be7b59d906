package dev.cloudless.sync.core.protocol;

import dev.cloudless.sync.AccessLevel;
import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.index.SequencedRecord;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.version.VersionVector;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One message of each type with its encoding written out by hand from the documented layout. */
final class Samples {
    private Samples() {}

    static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", "").replace("|", ""));
    }

    static java.net.InetAddress address(String hexBytes) {
        try {
            return java.net.InetAddress.getByAddress(hex(hexBytes));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static Sha256 hash0to31() {
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i++) {
            b[i] = (byte) i;
        }
        return Sha256.of(b);
    }

    /** An unsigned directory "d", mtime 1 s + 2 ns, 0755, version {0x0a=1}, by 0x0b. */
    static FileRecord directory() {
        return FileRecord.directory(FolderPath.parse("d"), Instant.ofEpochSecond(1, 2), 0755,
                VersionVector.of(Map.of(0x0aL, 1L)), 0x0b);
    }

    /** FileRecord.encode() of {@link #directory()}, 53 bytes, by hand from FileRecord's layout. */
    static final String DIRECTORY_RECORD = "01 00 01 | 0001 64 | 0000000000000000 | 0000000000000001 00000002"
            + " | 01ed | 000000000000000b | 01 000000000000000a 01 | 0000 | 00000000 | 00";

    /** Each sample message with its hand-written encoding, in a fixed order. */
    static Map<Message, String> all() {
        Map<Message, String> m = new LinkedHashMap<>();
        m.put(Hello.of("dev", "cs", "1", AccessLevel.READ_ONLY, 0x0102030405060708L, 5)
                        .withKnown(0x1112131415161718L, 3),
                "01 0000002c | 0002 | 03 646576 | 02 6373 | 01 31 | 01 | 0102030405060708 | 0000000000000005"
                        + " | 1112131415161718 | 0000000000000003");
        m.put(new IndexUpdate(true, List.of(new SequencedRecord(7, directory()))),
                "02 00000046 | 01 | 00000001 | 0000000000000007 00000035 " + DIRECTORY_RECORD);
        m.put(new IndexUpdate(false, List.of()), "02 00000005 | 00 | 00000000");
        m.put(new BlockRequest(0x11223344, FolderPath.parse("a/b"), 65536, 4096, hash0to31()),
                "03 00000035 | 11223344 | 0003 612f62 | 0000000000010000 | 00001000"
                        + " | 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        m.put(BlockResponse.ok(-1, ByteBuffer.wrap(new byte[] {1, 2, 3})), "04 00000008 | ffffffff | 00 | 010203");
        m.put(BlockResponse.failed(5, BlockResponse.Status.BUSY), "04 00000005 | 00000005 | 03");
        BitSet have = new BitSet();
        have.set(0);
        have.set(9);
        m.put(new Progress(FolderPath.parse("f"), VersionVector.of(Map.of(0x0aL, 1L)), have, 10),
                "05 00000013 | 0001 66 | 01 000000000000000a 01 | 0000000a | 01 02");
        m.put(new Progress(FolderPath.parse("f"), VersionVector.of(Map.of(0x0aL, 1L)), new BitSet(), 16),
                "05 00000013 | 0001 66 | 01 000000000000000a 01 | 00000010 | 00 00");
        m.put(new Ping(), "06 00000000");
        m.put(new Close("bye"), "07 00000005 | 0003 627965");
        m.put(new IndexUpdate(false, true, List.of()), "02 00000005 | 02 | 00000000");
        m.put(new IndexResend(7), "09 00000008 | 0000000000000007");
        m.put(new PeerExchange(41000, List.of(
                        new PeerExchange.Entry(DeviceId.fromBytes(hex("0102030405060708090a0b0c0d0e0f")),
                                address("c0a80114"), 41001),
                        new PeerExchange.Entry(DeviceId.fromBytes(hex("101112131415161718191a1b1c1d1e")),
                                address("20010db8000000000000000000000001"), 443))),
                "0a 0000003b | a028 | 02 | 0102030405060708090a0b0c0d0e0f 04 c0a80114 a029"
                        + " | 101112131415161718191a1b1c1d1e 06 20010db8000000000000000000000001 01bb");
        m.put(new PeerExchange(0, List.of()), "0a 00000003 | 0000 | 00");
        String hash = " 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
        // A file "f" of 3 bytes in two blocks: the first copied from the base, the second new.
        String header = "01 00 00 | 0001 66 | 0000000000000003 | 0000000000000001 00000002 | 01a4"
                + " | 0000000000000007 | 01 000000000000000a 01 | 0000";
        m.put(new IndexDelta(List.of(new RecordDelta(5, hash0to31(), hex(header), 2,
                        List.of(new RecordDelta.Copy(0, 1), new RecordDelta.Fresh(hex("00000002" + hash))), new byte[0]))),
                "08 0000009b | 00000001 | 0000000000000005 |" + hash + " | 00000030 | " + header
                        + " | 00000002 | 00000002 | 00 00000000 00000001 | 01 00000001 00000002" + hash + " | 00");
        return m;
    }
}
