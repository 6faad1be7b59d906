package dev.cloudless.sync.transport.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class UtpPacketTest {
    @Test
    void decodesAHandWrittenStateWithSelectiveAckAndSkipsUnknownExtensions() throws Exception {
        // ST_STATE v1, ext=2 (unknown, 3 bytes) -> ext=1 (SACK, 4 bytes) -> end
        byte[] wire = HexFormat.of().parseHex(
                "2102" + "3039" + "00000010" + "00000020" + "00100000" + "0007" + "0005"
                        + "01" + "03" + "aabbcc"
                        + "00" + "04" + "05000000");
        UtpPacket p = UtpPacket.decode(Unpooled.wrappedBuffer(wire));
        assertEquals(UtpPacket.ST_STATE, p.type());
        assertEquals(12345, p.connectionId());
        assertEquals(16, p.timestampMicros());
        assertEquals(32, p.timestampDiffMicros());
        assertEquals(1 << 20, p.windowSize());
        assertEquals(7, p.seq());
        assertEquals(5, p.ack());
        assertArrayEquals(new byte[] {5, 0, 0, 0}, p.selectiveAck());
        assertEquals(0, p.payload().length);
    }

    @Test
    void rejectsWrongVersionTypeAndBrokenExtensions() {
        String header = "3039" + "00000000" + "00000000" + "00000000" + "0000" + "0000";
        assertThrows(MalformedPacketException.class, () -> decode("0200" + header)); // version 2
        assertThrows(MalformedPacketException.class, () -> decode("5100" + header)); // type 5
        assertThrows(MalformedPacketException.class, () -> decode("0101" + header + "0008" + "00")); // past the end
        assertThrows(MalformedPacketException.class, () -> decode("0101" + header + "0003" + "000000")); // SACK not 4n
        assertThrows(MalformedPacketException.class, () -> decode("0101" + header)); // chain promised, missing
        assertThrows(MalformedPacketException.class, () -> decode("01003039")); // short
    }

    @Test
    void demultiplexerSignatureIsTheFirstByte() {
        byte[] utp = new byte[20];
        utp[0] = 0x41; // SYN v1
        assertTrue(UtpPacket.looksLikeUtp(Unpooled.wrappedBuffer(utp)));
        byte[] dht = new byte[20];
        dht[0] = 'd';
        assertFalse(UtpPacket.looksLikeUtp(Unpooled.wrappedBuffer(dht)));
        byte[] stunRequest = new byte[20];
        stunRequest[0] = 0x00;
        stunRequest[1] = 0x01;
        assertFalse(UtpPacket.looksLikeUtp(Unpooled.wrappedBuffer(stunRequest)));
    }

    private static UtpPacket decode(String hex) throws MalformedPacketException {
        return UtpPacket.decode(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex)));
    }
}
