package dev.cloudless.sync.core.protocol;

import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.index.SequencedRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * Encodes messages, header included, in the format of {@link Messages}. Stateless.
 *
 * <pre>{@code
 * ByteBuffer wire = MessageEncoder.encode(Hello.of("laptop", "cloudless-sync", "0.1", level, indexId, maxSeq));
 * MessageEncoder.encodeTo(BlockResponse.ok(id, block), framePlaintext); // one copy of the block
 * }</pre>
 */
public final class MessageEncoder {
    /**
     * Bytes in front of an OK BlockResponse's data on the wire (header, request id, status): a
     * server that reads the block to this offset of a buffer can send the buffer as is
     * ({@link #encodeBlockResponseInPlace}).
     */
    public static final int BLOCK_RESPONSE_HEADROOM = Messages.HEADER_BYTES + BlockResponse.FIXED_BYTES;

    private MessageEncoder() {}

    /**
     * Encodes an OK BlockResponse around data that already sits in {@code buf} from
     * {@link #BLOCK_RESPONSE_HEADROOM} to its limit: writes the fields in front of it and returns
     * {@code buf} from 0 to its limit, the whole message. Saves a copy of every block served.
     *
     * @throws IllegalArgumentException if the data is empty or longer than
     *     {@link FileRecord#MAX_BLOCK_LENGTH}
     */
    public static ByteBuffer encodeBlockResponseInPlace(int requestId, ByteBuffer buf) {
        int dataBytes = buf.limit() - BLOCK_RESPONSE_HEADROOM;
        if (dataBytes < 1 || dataBytes > FileRecord.MAX_BLOCK_LENGTH) {
            throw new IllegalArgumentException("BlockResponse OK with " + dataBytes + " data bytes (1.."
                    + FileRecord.MAX_BLOCK_LENGTH + ")");
        }
        ByteBuffer out = buf.duplicate().order(ByteOrder.BIG_ENDIAN).clear().limit(buf.limit());
        out.put((byte) Messages.TYPE_BLOCK_RESPONSE);
        out.putInt(BlockResponse.FIXED_BYTES + dataBytes);
        out.putInt(requestId);
        out.put((byte) BlockResponse.Status.OK.code());
        return out.position(0);
    }

    /**
     * The whole message in a new heap buffer, position 0, limit = its length.
     *
     * @throws IllegalArgumentException if the body exceeds its type's limit (an IndexUpdate above
     *     {@link Messages#MAX_INDEX_MESSAGE_BYTES}: split it with {@link IndexBatcher})
     * @throws dev.cloudless.sync.core.index.InconsistentRecordException if an IndexUpdate holds an
     *     inconsistent record, which has no encoding
     */
    public static ByteBuffer encode(Message m) {
        Prepared p = prepare(m);
        ByteBuffer out = ByteBuffer.allocate(Messages.HEADER_BYTES + p.bodyLength);
        write(p, out);
        return out.flip();
    }

    /** The length of {@link #encode(Message)}, header included (an IndexUpdate's records are encoded to count them). */
    public static int encodedLength(Message m) {
        return Messages.HEADER_BYTES + prepare(m).bodyLength;
    }

    /**
     * Writes the whole message at {@code out}'s position (big-endian whatever its byte order) and
     * advances it. A BlockResponse's data is copied straight from its buffer into {@code out}.
     *
     * @throws java.nio.BufferOverflowException if {@code out} has less room than
     *     {@link #encodedLength}; nothing is written then
     * @throws IllegalArgumentException as {@link #encode(Message)}
     */
    public static void encodeTo(Message m, ByteBuffer out) {
        Prepared p = prepare(m);
        if (out.remaining() < Messages.HEADER_BYTES + p.bodyLength) {
            throw new java.nio.BufferOverflowException();
        }
        ByteOrder order = out.order();
        out.order(ByteOrder.BIG_ENDIAN);
        try {
            write(p, out);
        } finally {
            out.order(order);
        }
    }

    /** A message with its body length computed and its records encoded once. */
    private static final class Prepared {
        final Message message;
        final int type;
        final int bodyLength;
        final byte[][] parts; // encoded records, or text fields

        Prepared(Message message, int type, long bodyLength, byte[][] parts) {
            int max = Messages.maxBodyBytes(type);
            if (bodyLength > max) {
                throw new IllegalArgumentException(message + " has a " + bodyLength + "-byte body, above the "
                        + max + "-byte limit of its type");
            }
            this.message = message;
            this.type = type;
            this.bodyLength = (int) bodyLength;
            this.parts = parts;
        }
    }

    private static Prepared prepare(Message m) {
        Objects.requireNonNull(m, "message");
        int type = Messages.typeOf(m);
        if (m instanceof Hello h) {
            byte[][] t = {Text.encode(h.deviceName(), Hello.MAX_DEVICE_NAME_BYTES, "deviceName"),
                    Text.encode(h.clientName(), Hello.MAX_CLIENT_NAME_BYTES, "clientName"),
                    Text.encode(h.clientVersion(), Hello.MAX_CLIENT_VERSION_BYTES, "clientVersion")};
            return new Prepared(m, type, 2 + 3 + t[0].length + t[1].length + t[2].length + 1 + 8 + 8 + 8 + 8, t);
        } else if (m instanceof IndexUpdate u) {
            List<SequencedRecord> records = u.records();
            byte[][] enc = new byte[records.size()][];
            long length = IndexUpdate.FIXED_BYTES;
            for (int i = 0; i < enc.length; i++) {
                enc[i] = records.get(i).record().encode();
                length += IndexUpdate.ENTRY_HEADER_BYTES + enc[i].length;
            }
            return new Prepared(m, type, length, enc);
        } else if (m instanceof BlockRequest r) {
            byte[][] path = {r.path().toBytes()};
            return new Prepared(m, type, 4 + 2 + path[0].length + 8 + 4 + Sha256.LENGTH, path);
        } else if (m instanceof BlockResponse r) {
            return new Prepared(m, type, BlockResponse.FIXED_BYTES + (long) r.data().remaining(), null);
        } else if (m instanceof Progress p) {
            byte[][] path = {p.path().toBytes()};
            return new Prepared(m, type, 2 + path[0].length + p.version().encodedLength() + 4
                    + bitmapBytes(p.blockCount()), path);
        } else if (m instanceof Ping) {
            return new Prepared(m, type, 0, null);
        } else if (m instanceof IndexDelta d) {
            return new Prepared(m, type, d.bodyLength(), null);
        } else if (m instanceof IndexResend) {
            return new Prepared(m, type, IndexResend.BODY_BYTES, null);
        } else if (m instanceof PeerExchange x) {
            return new Prepared(m, type, x.bodyLength(), null);
        } else {
            byte[][] reason = {Text.encode(((Close) m).reason(), Close.MAX_REASON_BYTES, "reason")};
            return new Prepared(m, type, 2 + reason[0].length, reason);
        }
    }

    /** Bytes of a bitmap of {@code blockCount} bits. */
    static int bitmapBytes(int blockCount) {
        return (blockCount + 7) >>> 3;
    }

    private static void write(Prepared p, ByteBuffer out) {
        out.put((byte) p.type);
        out.putInt(p.bodyLength);
        Message m = p.message;
        if (m instanceof Hello h) {
            out.putShort((short) h.protocolVersion());
            for (byte[] text : p.parts) {
                out.put((byte) text.length);
                out.put(text);
            }
            out.put((byte) Hello.levelCode(h.level()));
            out.putLong(h.indexId());
            out.putLong(h.maxSequence());
            out.putLong(h.knownIndexId());
            out.putLong(h.knownSequence());
        } else if (m instanceof IndexUpdate u) {
            out.put((byte) ((u.full() ? IndexUpdate.FLAG_FULL : 0) | (u.resend() ? IndexUpdate.FLAG_RESEND : 0)));
            out.putInt(p.parts.length);
            List<SequencedRecord> records = u.records();
            for (int i = 0; i < p.parts.length; i++) {
                out.putLong(records.get(i).sequence());
                out.putInt(p.parts[i].length);
                out.put(p.parts[i]);
            }
        } else if (m instanceof BlockRequest r) {
            out.putInt(r.requestId());
            out.putShort((short) p.parts[0].length);
            out.put(p.parts[0]);
            out.putLong(r.offset());
            out.putInt(r.length());
            out.put(r.hash().toByteArray());
        } else if (m instanceof BlockResponse r) {
            out.putInt(r.requestId());
            out.put((byte) r.status().code());
            out.put(r.data());
        } else if (m instanceof Progress pr) {
            out.putShort((short) p.parts[0].length);
            out.put(p.parts[0]);
            pr.version().encodeTo(out);
            out.putInt(pr.blockCount());
            byte[] bits = pr.have().toByteArray(); // shortest form; pad to the full bitmap
            out.put(bits);
            for (int i = bits.length; i < bitmapBytes(pr.blockCount()); i++) {
                out.put((byte) 0);
            }
        } else if (m instanceof Close) {
            out.putShort((short) p.parts[0].length);
            out.put(p.parts[0]);
        } else if (m instanceof IndexDelta d) {
            out.putInt(d.entries().size());
            for (RecordDelta e : d.entries()) {
                e.encodeTo(out);
            }
        } else if (m instanceof IndexResend r) {
            out.putLong(r.after());
        } else if (m instanceof PeerExchange x) {
            out.putShort((short) x.listenPort());
            out.put((byte) x.entries().size());
            for (PeerExchange.Entry e : x.entries()) {
                out.put(e.device().toBytes());
                out.put((byte) e.family());
                out.put(e.address().getAddress());
                out.putShort((short) e.port());
            }
        }
    }
}
