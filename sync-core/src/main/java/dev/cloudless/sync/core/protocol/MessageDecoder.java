package dev.cloudless.sync.core.protocol;

import static dev.cloudless.sync.core.protocol.ProtocolException.Reason.BAD_RECORD;
import static dev.cloudless.sync.core.protocol.ProtocolException.Reason.MALFORMED;

import dev.cloudless.sync.AccessLevel;
import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.index.MalformedRecordException;
import dev.cloudless.sync.core.index.SequencedRecord;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.path.InvalidFolderPathException;
import dev.cloudless.sync.core.version.MalformedVersionVectorException;
import dev.cloudless.sync.core.version.VersionVector;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Incremental decoder of one direction's message stream (the concatenated plaintext of the
 * session's frames). Feed it whatever arrives, in order, however it is cut; it hands out each
 * message as soon as its last byte is in.
 *
 * <pre>{@code
 * MessageDecoder decoder = new MessageDecoder();
 * // for each opened frame:
 * decoder.feed(plaintext, message -> session.handle(message)); // ProtocolException: drop the peer
 * }</pre>
 *
 * <p><b>Bounded by what arrives.</b> The type byte is checked as soon as it arrives, the length
 * against the type's limit (and the {@code maxMessageBytes} of the constructor) as soon as the
 * header is complete, before any of the body is buffered. The body buffer is never allocated for
 * the announced length: it grows (doubling, capped at the announced length) with the bytes that
 * actually arrive, so a peer that announces 80 MiB and sends nothing costs nothing, and memory
 * held is at most twice what was received.
 *
 * <p><b>One copy of block data.</b> A BlockResponse whose body lies entirely in one chunk has its
 * data copied once out of the chunk; one spread over chunks is assembled in a buffer that the
 * message then keeps (no second copy). Either way the message never refers to the caller's
 * chunk, which may be reused as soon as {@code feed} returns.
 *
 * <p>Not thread-safe: one per connection direction. After a {@link ProtocolException} the
 * decoder refuses further input.
 */
public final class MessageDecoder {
    /** First allocation for a body that spans chunks, in bytes (less if the body is shorter). */
    static final int INITIAL_BODY_CAPACITY = 4096;
    /** A body buffer up to this size is kept for the next message; larger ones are dropped. */
    static final int RETAINED_BODY_CAPACITY = 64 * 1024;

    private final int maxMessageBytes;
    private final byte[] header = new byte[Messages.HEADER_BYTES];
    private int headerFilled;
    private int type;
    private int bodyLength;
    private byte[] body;
    private int bodyFilled;
    private boolean failed;

    /** A decoder with the per-type limits of {@link Messages}. */
    public MessageDecoder() {
        this(Messages.MAX_INDEX_MESSAGE_BYTES);
    }

    /**
     * A decoder that also rejects any body longer than {@code maxMessageBytes} (on top of the
     * per-type limits), e.g. to accept smaller index messages on a constrained device.
     *
     * @throws IllegalArgumentException if negative
     */
    public MessageDecoder(int maxMessageBytes) {
        if (maxMessageBytes < 0) {
            throw new IllegalArgumentException("maxMessageBytes must be >= 0, was " + maxMessageBytes);
        }
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * Consumes all of {@code chunk} (from its position to its limit; it may end mid-message) and
     * calls {@code sink} for each message completed, in order. An exception from {@code sink}
     * propagates, with the rest of the chunk unconsumed.
     *
     * @throws ProtocolException if the stream breaks the protocol; the decoder is then unusable
     * @throws IllegalStateException if an earlier call threw {@link ProtocolException}
     */
    public void feed(ByteBuffer chunk, Consumer<Message> sink) throws ProtocolException {
        Objects.requireNonNull(chunk, "chunk");
        Objects.requireNonNull(sink, "sink");
        if (failed) {
            throw new IllegalStateException("the decoder already rejected this stream");
        }
        try {
            while (chunk.hasRemaining()) {
                Message m = step(chunk);
                if (m != null) {
                    sink.accept(m);
                }
            }
        } catch (ProtocolException e) {
            failed = true;
            body = null;
            throw e;
        }
    }

    /** Bytes of an incomplete message held: its header and body bytes received so far. */
    public int bufferedBytes() {
        return headerFilled + bodyFilled;
    }

    /** Bytes allocated for the current body (tests: nothing is allocated ahead of arrival). */
    int bodyCapacity() {
        return body == null ? 0 : body.length;
    }

    /** Consumes header or body bytes from {@code chunk}; returns a message when one completes. */
    private Message step(ByteBuffer chunk) throws ProtocolException {
        if (headerFilled < Messages.HEADER_BYTES) {
            int n = Math.min(Messages.HEADER_BYTES - headerFilled, chunk.remaining());
            chunk.get(header, headerFilled, n);
            if (headerFilled == 0) {
                checkType(header[0] & 0xFF); // fail on the first byte already
            }
            headerFilled += n;
            if (headerFilled < Messages.HEADER_BYTES) {
                return null;
            }
            startBody();
            if (bodyLength == 0) {
                return finish(ByteBuffer.allocate(0), false);
            }
            if (!chunk.hasRemaining()) {
                return null;
            }
        }
        if (bodyFilled == 0 && chunk.remaining() >= bodyLength) {
            // Fast path: the whole body is in this chunk; decode it in place.
            ByteBuffer slice = chunk.slice(chunk.position(), bodyLength);
            chunk.position(chunk.position() + bodyLength);
            return finish(slice, false);
        }
        int n = Math.min(bodyLength - bodyFilled, chunk.remaining());
        ensureCapacity(bodyFilled + n);
        chunk.get(body, bodyFilled, n);
        bodyFilled += n;
        if (bodyFilled < bodyLength) {
            return null;
        }
        ByteBuffer assembled = ByteBuffer.wrap(body, 0, bodyLength).slice();
        boolean keep = body.length <= RETAINED_BODY_CAPACITY && type != Messages.TYPE_BLOCK_RESPONSE;
        if (!keep) {
            body = null; // the message may keep it (BlockResponse data), or it is too large to hold on to
        }
        return finish(assembled, !keep);
    }

    private static void checkType(int type) throws ProtocolException {
        if (Messages.maxBodyBytes(type) < 0) {
            throw new ProtocolException(ProtocolException.Reason.UNKNOWN_TYPE, "unknown message type " + type);
        }
    }

    private void startBody() throws ProtocolException {
        type = header[0] & 0xFF;
        long length = (header[1] & 0xFFL) << 24 | (header[2] & 0xFF) << 16 | (header[3] & 0xFF) << 8
                | (header[4] & 0xFF);
        int limit = Math.min(Messages.maxBodyBytes(type), maxMessageBytes);
        if (length > limit) {
            throw new ProtocolException(ProtocolException.Reason.MESSAGE_TOO_LONG, "message type " + type
                    + " announces a " + length + "-byte body, at most " + limit);
        }
        bodyLength = (int) length;
        bodyFilled = 0;
    }

    private void ensureCapacity(int needed) {
        if (body != null && body.length >= needed) {
            return;
        }
        int current = body == null ? 0 : body.length;
        long grown = Math.max(needed, Math.max(2L * current, INITIAL_BODY_CAPACITY));
        byte[] bigger = new byte[(int) Math.min(grown, bodyLength)];
        if (body != null) {
            System.arraycopy(body, 0, bigger, 0, bodyFilled);
        }
        body = bigger;
    }

    private Message finish(ByteBuffer bodyBytes, boolean owned) throws ProtocolException {
        int t = type;
        headerFilled = 0;
        bodyFilled = 0;
        return decodeBody(t, bodyBytes, owned);
    }

    /**
     * Decodes one complete body of message type {@code type} (already checked); {@code owned}
     * means the bytes are the decoder's and a BlockResponse may keep them without copying.
     */
    static Message decodeBody(int type, ByteBuffer in, boolean owned) throws ProtocolException {
        Message m;
        try {
            switch (type) {
                case Messages.TYPE_HELLO: m = hello(in); break;
                case Messages.TYPE_INDEX_UPDATE: m = indexUpdate(in); break;
                case Messages.TYPE_BLOCK_REQUEST: m = blockRequest(in); break;
                case Messages.TYPE_BLOCK_RESPONSE: m = blockResponse(in, owned); break;
                case Messages.TYPE_PROGRESS: m = progress(in); break;
                case Messages.TYPE_PING: m = new Ping(); break;
                case Messages.TYPE_CLOSE: m = new Close(Text.decode(in, in.getShort() & 0xFFFF, "Close.reason")); break;
                case Messages.TYPE_INDEX_DELTA: m = indexDelta(in); break;
                case Messages.TYPE_INDEX_RESEND: m = new IndexResend(in.getLong()); break;
                case Messages.TYPE_PEER_EXCHANGE: m = peerExchange(in); break;
                default: throw new ProtocolException(ProtocolException.Reason.UNKNOWN_TYPE, "unknown message type " + type);
            }
        } catch (BufferUnderflowException e) {
            throw new ProtocolException(MALFORMED, "message type " + type + ": body ends inside a field");
        } catch (IllegalArgumentException e) {
            // A field combination the message's constructor refuses (all checked there, once).
            throw new ProtocolException(MALFORMED, "message type " + type + ": " + e.getMessage());
        }
        if (in.hasRemaining()) {
            throw new ProtocolException(ProtocolException.Reason.TRAILING_BYTES, "message type " + type + ": "
                    + in.remaining() + " bytes after the last field");
        }
        return m;
    }

    private static Hello hello(ByteBuffer in) throws ProtocolException {
        int version = in.getShort() & 0xFFFF;
        if (version != Messages.PROTOCOL_VERSION) {
            throw new ProtocolException(ProtocolException.Reason.UNSUPPORTED_VERSION, "peer speaks protocol version "
                    + version + ", this build " + Messages.PROTOCOL_VERSION);
        }
        String device = text8(in, Hello.MAX_DEVICE_NAME_BYTES, "Hello.deviceName");
        String client = text8(in, Hello.MAX_CLIENT_NAME_BYTES, "Hello.clientName");
        String clientVersion = text8(in, Hello.MAX_CLIENT_VERSION_BYTES, "Hello.clientVersion");
        int levelCode = in.get() & 0xFF;
        AccessLevel level = Hello.levelOf(levelCode);
        if (level == null) {
            throw new ProtocolException(MALFORMED, "Hello: unknown access level code " + levelCode);
        }
        long indexId = in.getLong();
        long maxSequence = in.getLong(); // negative (above 2^63-1): refused by the constructor
        long knownIndexId = in.getLong();
        long knownSequence = in.getLong();
        return new Hello(version, device, client, clientVersion, level, indexId, maxSequence, knownIndexId,
                knownSequence);
    }

    private static String text8(ByteBuffer in, int max, String what) throws ProtocolException {
        int length = in.get() & 0xFF;
        if (length > max) {
            throw new ProtocolException(MALFORMED, what + " of " + length + " bytes, at most " + max);
        }
        return Text.decode(in, length, what);
    }

    private static IndexUpdate indexUpdate(ByteBuffer in) throws ProtocolException {
        int flags = in.get() & 0xFF;
        if ((flags & ~(IndexUpdate.FLAG_FULL | IndexUpdate.FLAG_RESEND)) != 0) {
            throw new ProtocolException(MALFORMED, "IndexUpdate: reserved flag bits 0x" + Integer.toHexString(flags));
        }
        long count = in.getInt() & 0xFFFFFFFFL;
        // Before allocating: every entry takes at least its 12-byte header.
        if (count * IndexUpdate.ENTRY_HEADER_BYTES > in.remaining()) {
            throw new ProtocolException(MALFORMED, "IndexUpdate: " + count + " records cannot fit in "
                    + in.remaining() + " bytes");
        }
        List<SequencedRecord> records = new ArrayList<>((int) count);
        long previous = 0;
        for (int i = 0; i < count; i++) {
            long sequence = in.getLong();
            if (sequence <= previous) { // also catches 0 and values above 2^63-1 (negative)
                throw new ProtocolException(ProtocolException.Reason.NOT_INCREASING, "IndexUpdate: record " + i
                        + " has sequence " + Long.toUnsignedString(sequence) + " after " + previous);
            }
            previous = sequence;
            long length = in.getInt() & 0xFFFFFFFFL;
            if (length > in.remaining()) {
                throw new ProtocolException(MALFORMED, "IndexUpdate: record " + i + " of " + length + " bytes, "
                        + in.remaining() + " left");
            }
            byte[] bytes = new byte[(int) length];
            in.get(bytes);
            FileRecord record;
            try {
                record = FileRecord.decode(bytes);
            } catch (MalformedRecordException e) {
                throw new ProtocolException(BAD_RECORD, "IndexUpdate: record " + i + ": " + e.getMessage(), e);
            }
            records.add(new SequencedRecord(sequence, record));
        }
        return new IndexUpdate((flags & IndexUpdate.FLAG_FULL) != 0, (flags & IndexUpdate.FLAG_RESEND) != 0, records);
    }

    private static IndexDelta indexDelta(ByteBuffer in) throws ProtocolException {
        long count = in.getInt() & 0xFFFFFFFFL;
        // Before allocating: every entry takes at least its fixed bytes.
        if (count * RecordDelta.FIXED_BYTES > in.remaining()) {
            throw new ProtocolException(MALFORMED, "IndexDelta: " + count + " entries cannot fit in "
                    + in.remaining() + " bytes");
        }
        List<RecordDelta> entries = new ArrayList<>((int) count);
        long previous = 0;
        for (int i = 0; i < count; i++) {
            RecordDelta d = RecordDelta.decode(in);
            if (d.sequence() <= previous) {
                throw new ProtocolException(ProtocolException.Reason.NOT_INCREASING, "IndexDelta: entry " + i
                        + " has sequence " + Long.toUnsignedString(d.sequence()) + " after " + previous);
            }
            previous = d.sequence();
            entries.add(d);
        }
        return new IndexDelta(entries);
    }

    private static PeerExchange peerExchange(ByteBuffer in) throws ProtocolException {
        int listenPort = in.getShort() & 0xFFFF;
        int count = in.get() & 0xFF;
        if (count > PeerExchange.MAX_ENTRIES) {
            throw new ProtocolException(MALFORMED, "PeerExchange: " + count + " entries, at most "
                    + PeerExchange.MAX_ENTRIES);
        }
        List<PeerExchange.Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] device = new byte[DeviceId.LENGTH];
            in.get(device);
            int family = in.get() & 0xFF;
            byte[] address;
            if (family == PeerExchange.FAMILY_IPV4) {
                address = new byte[4];
            } else if (family == PeerExchange.FAMILY_IPV6) {
                address = new byte[16];
            } else {
                throw new ProtocolException(MALFORMED, "PeerExchange: entry " + i + " has address family " + family);
            }
            in.get(address);
            InetAddress ip;
            try {
                ip = InetAddress.getByAddress(address);
            } catch (UnknownHostException e) {
                throw new ProtocolException(MALFORMED, "PeerExchange: entry " + i + ": " + e.getMessage());
            }
            if (family == PeerExchange.FAMILY_IPV6 && ip instanceof Inet4Address) {
                // Java turns ::ffff:a.b.c.d into IPv4; refused so that every entry has one encoding.
                throw new ProtocolException(MALFORMED, "PeerExchange: entry " + i + " is an IPv4-mapped IPv6 address");
            }
            entries.add(new PeerExchange.Entry(DeviceId.fromBytes(device), ip, in.getShort() & 0xFFFF));
        }
        return new PeerExchange(listenPort, entries);
    }

    private static FolderPath path(ByteBuffer in, String what) throws ProtocolException {
        int length = in.getShort() & 0xFFFF;
        if (length > FolderPath.MAX_PATH_BYTES) {
            throw new ProtocolException(MALFORMED, what + " of " + length + " bytes, at most "
                    + FolderPath.MAX_PATH_BYTES);
        }
        if (length > in.remaining()) {
            throw new ProtocolException(MALFORMED, what + " of " + length + " bytes, " + in.remaining() + " left");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        String text;
        try {
            text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ProtocolException(BAD_RECORD, what + " is not valid UTF-8");
        }
        try {
            return FolderPath.parse(text);
        } catch (InvalidFolderPathException e) {
            throw new ProtocolException(BAD_RECORD, what + ": " + e.getMessage(), e);
        }
    }

    private static BlockRequest blockRequest(ByteBuffer in) throws ProtocolException {
        int requestId = in.getInt();
        FolderPath path = path(in, "BlockRequest.path");
        long offset = in.getLong();
        int length = in.getInt();
        byte[] hash = new byte[Sha256.LENGTH];
        in.get(hash);
        return new BlockRequest(requestId, path, offset, length, Sha256.of(hash));
    }

    private static BlockResponse blockResponse(ByteBuffer in, boolean owned) throws ProtocolException {
        int requestId = in.getInt();
        int code = in.get() & 0xFF;
        BlockResponse.Status status = BlockResponse.Status.ofCode(code);
        if (status == null) {
            throw new ProtocolException(MALFORMED, "BlockResponse: unknown status " + code);
        }
        if (status != BlockResponse.Status.OK) {
            return BlockResponse.failed(requestId, status); // any bytes left are trailing
        }
        ByteBuffer data;
        if (owned) {
            data = in.slice();
        } else {
            byte[] copy = new byte[in.remaining()]; // the one copy out of the caller's chunk
            in.duplicate().get(copy);
            data = ByteBuffer.wrap(copy);
        }
        in.position(in.limit());
        return new BlockResponse(requestId, status, data);
    }

    private static Progress progress(ByteBuffer in) throws ProtocolException {
        FolderPath path = path(in, "Progress.path");
        VersionVector version;
        try {
            version = VersionVector.decode(in);
        } catch (MalformedVersionVectorException e) {
            throw new ProtocolException(BAD_RECORD, "Progress.version: " + e.getMessage(), e);
        }
        long blockCount = in.getInt() & 0xFFFFFFFFL;
        if (blockCount > FileRecord.MAX_BLOCKS_PER_FILE) {
            throw new ProtocolException(MALFORMED, "Progress: " + blockCount + " blocks, at most "
                    + FileRecord.MAX_BLOCKS_PER_FILE);
        }
        int n = MessageEncoder.bitmapBytes((int) blockCount);
        if (n > in.remaining()) {
            throw new ProtocolException(MALFORMED, "Progress: bitmap of " + n + " bytes, " + in.remaining() + " left");
        }
        ByteBuffer bitmap = in.slice();
        bitmap.limit(n);
        in.position(in.position() + n);
        BitSet have = BitSet.valueOf(bitmap);
        if (have.length() > blockCount) {
            throw new ProtocolException(MALFORMED, "Progress: bit " + (have.length() - 1) + " set beyond "
                    + blockCount + " blocks");
        }
        return new Progress(path, version, have, (int) blockCount);
    }
}
