package dev.cloudless.sync.transport.udp;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * One uTP packet (BEP 29): the 20-byte header, the selective-ack extension if present, and the
 * payload. Unsigned wire fields are held in wider Java types so no value is ever negative:
 * {@code connectionId}, {@code seq} and {@code ack} are 0..65535, the three 32-bit fields
 * 0..2^32-1.
 *
 * <p>Wire layout (big-endian): {@code type<<4 | version}, first extension type, connection id
 * (16), timestamp in microseconds (32), timestamp difference in microseconds (32), window size
 * in bytes (32), seq_nr (16), ack_nr (16); then the extension chain, each link being the next
 * extension's type, this extension's length and its bytes; then the payload.
 */
record UtpPacket(int type, int connectionId, long timestampMicros, long timestampDiffMicros,
                 long windowSize, int seq, int ack, byte[] selectiveAck, byte[] payload) {
    static final int ST_DATA = 0;
    static final int ST_FIN = 1;
    static final int ST_STATE = 2;
    static final int ST_RESET = 3;
    static final int ST_SYN = 4;
    /** The only protocol version, in the low nibble of the first byte. */
    static final int VERSION = 1;
    static final int HEADER_BYTES = 20;
    /** Extension type of the selective ack (BEP 29). */
    static final int EXT_SELECTIVE_ACK = 1;
    /** A selective-ack bitmask is a positive multiple of this many bytes. */
    static final int SACK_UNIT_BYTES = 4;
    /** An extension's length is one byte on the wire. */
    static final int MAX_EXTENSION_BYTES = 255;
    /** Largest selective-ack bitmask we decode or send: 252 bytes, 2016 packets. */
    static final int MAX_SACK_BYTES = MAX_EXTENSION_BYTES / SACK_UNIT_BYTES * SACK_UNIT_BYTES;
    static final byte[] NO_BYTES = new byte[0];

    UtpPacket {
        if (type < ST_DATA || type > ST_SYN) {
            throw new IllegalArgumentException("type " + type);
        }
        checkRange("connectionId", connectionId, 0xFFFF);
        checkRange("seq", seq, 0xFFFF);
        checkRange("ack", ack, 0xFFFF);
        checkRange("timestampMicros", timestampMicros, 0xFFFF_FFFFL);
        checkRange("timestampDiffMicros", timestampDiffMicros, 0xFFFF_FFFFL);
        checkRange("windowSize", windowSize, 0xFFFF_FFFFL);
        if (selectiveAck != null && (selectiveAck.length == 0 || selectiveAck.length % SACK_UNIT_BYTES != 0
                || selectiveAck.length > MAX_SACK_BYTES)) {
            throw new IllegalArgumentException("selective ack of " + selectiveAck.length + " bytes");
        }
        Objects.requireNonNull(payload, "payload");
    }

    private static void checkRange(String name, long v, long max) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(name + " " + v);
        }
    }

    /** Bytes this packet takes on the wire. */
    int encodedLength() {
        return HEADER_BYTES + (selectiveAck == null ? 0 : 2 + selectiveAck.length) + payload.length;
    }

    /** Writes the packet at {@code out}'s writer index. */
    void encode(ByteBuf out) {
        int at = out.writerIndex();
        out.ensureWritable(HEADER_BYTES);
        setHeader(out, at, type, selectiveAck == null ? 0 : EXT_SELECTIVE_ACK, connectionId, timestampMicros,
                timestampDiffMicros, windowSize, seq, ack);
        out.writerIndex(at + HEADER_BYTES);
        if (selectiveAck != null) {
            out.writeByte(0); // end of the chain
            out.writeByte(selectiveAck.length);
            out.writeBytes(selectiveAck);
        }
        out.writeBytes(payload);
    }

    /**
     * Writes a 20-byte header at {@code index} without moving the indexes: a data packet keeps its
     * payload in one buffer with room for the header in front, and each (re)transmission writes
     * the header fresh there (timestamp, ack, window change) instead of copying the payload again.
     */
    static void setHeader(ByteBuf out, int index, int type, int firstExtension, int connectionId, long timestampMicros,
                          long timestampDiffMicros, long windowSize, int seq, int ack) {
        out.setByte(index, type << 4 | VERSION);
        out.setByte(index + 1, firstExtension);
        out.setShort(index + 2, connectionId);
        out.setInt(index + 4, (int) timestampMicros);
        out.setInt(index + 8, (int) timestampDiffMicros);
        out.setInt(index + 12, (int) windowSize);
        out.setShort(index + 16, seq);
        out.setShort(index + 18, ack);
    }

    /** Whether the first bytes look like uTP: version 1 in the low nibble, a known type in the high one. */
    static boolean looksLikeUtp(ByteBuf datagram) {
        if (datagram.readableBytes() < HEADER_BYTES) {
            return false;
        }
        int b0 = datagram.getUnsignedByte(datagram.readerIndex());
        return (b0 & 0x0F) == VERSION && (b0 >>> 4) <= ST_SYN;
    }

    /**
     * Decodes one datagram (from its reader index to its writer index, indexes untouched).
     * Unknown extensions are skipped, as libutp does. Allocates at most the datagram's length.
     *
     * @throws MalformedPacketException if the bytes are not a well-formed uTP packet
     */
    static UtpPacket decode(ByteBuf in) throws MalformedPacketException {
        int start = in.readerIndex();
        int end = in.writerIndex();
        if (end - start < HEADER_BYTES) {
            throw new MalformedPacketException("short packet: " + (end - start) + " bytes");
        }
        int b0 = in.getUnsignedByte(start);
        if ((b0 & 0x0F) != VERSION) {
            throw new MalformedPacketException("version " + (b0 & 0x0F));
        }
        int type = b0 >>> 4;
        if (type > ST_SYN) {
            throw new MalformedPacketException("type " + type);
        }
        int ext = in.getUnsignedByte(start + 1);
        int pos = start + HEADER_BYTES;
        byte[] sack = null;
        while (ext != 0) {
            if (end - pos < 2) {
                throw new MalformedPacketException("truncated extension header");
            }
            int next = in.getUnsignedByte(pos);
            int len = in.getUnsignedByte(pos + 1);
            pos += 2;
            if (end - pos < len) {
                throw new MalformedPacketException("extension of " + len + " bytes past the end");
            }
            if (ext == EXT_SELECTIVE_ACK) {
                if (len == 0 || len % SACK_UNIT_BYTES != 0 || sack != null) {
                    throw new MalformedPacketException("bad selective ack of " + len + " bytes");
                }
                sack = new byte[len]; // len <= 252, validated above
                in.getBytes(pos, sack);
            }
            pos += len;
            ext = next;
        }
        byte[] payload = pos == end ? NO_BYTES : new byte[end - pos];
        in.getBytes(pos, payload);
        return new UtpPacket(type,
                in.getUnsignedShort(start + 2),
                in.getUnsignedInt(start + 4),
                in.getUnsignedInt(start + 8),
                in.getUnsignedInt(start + 12),
                in.getUnsignedShort(start + 16),
                in.getUnsignedShort(start + 18),
                sack, payload);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UtpPacket p && type == p.type && connectionId == p.connectionId
                && timestampMicros == p.timestampMicros && timestampDiffMicros == p.timestampDiffMicros
                && windowSize == p.windowSize && seq == p.seq && ack == p.ack
                && Arrays.equals(selectiveAck, p.selectiveAck) && Arrays.equals(payload, p.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, connectionId, timestampMicros, timestampDiffMicros, windowSize, seq, ack,
                Arrays.hashCode(selectiveAck), Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "UtpPacket[" + typeName(type) + " id=" + connectionId + " seq=" + seq + " ack=" + ack
                + " wnd=" + windowSize + (selectiveAck == null ? "" : " sack=" + selectiveAck.length)
                + " len=" + payload.length + "]";
    }

    static String typeName(int type) {
        return switch (type) {
            case ST_DATA -> "DATA";
            case ST_FIN -> "FIN";
            case ST_STATE -> "STATE";
            case ST_RESET -> "RESET";
            case ST_SYN -> "SYN";
            default -> "?" + type;
        };
    }
}
