package dev.cloudless.sync.core.protocol;

import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.version.VersionVector;
import java.time.Duration;

/**
 * Wire constants of the message stream: protocol version, type codes, per-type body limits and
 * the keep-alive timings.
 *
 * <p>The plaintext of a session's protected frames, concatenated, is a stream of messages; a
 * message may span frames and a frame may hold several. Each message is:
 * <pre>
 * +---------+---------------------------+----------------------+
 * | type u8 | length u32 (big-endian)   | body (length bytes)  |
 * +---------+---------------------------+----------------------+
 *   0         1                           5
 * </pre>
 * {@code length} counts the body only. The receiver checks {@code type} from the first byte and
 * {@code length} against that type's limit from the five header bytes, before it buffers any of
 * the body; a body must be consumed exactly by its fields. Each message record's Javadoc shows
 * its body layout. All integers are unsigned and big-endian unless marked.
 */
public final class Messages {
    /** The protocol version this build speaks, carried in {@link Hello#protocolVersion()}. */
    public static final int PROTOCOL_VERSION = 2;
    /** Bytes of the message header: type (1) + length (4). */
    public static final int HEADER_BYTES = 5;

    /** Type code of {@link Hello}. */
    public static final int TYPE_HELLO = 1;
    /** Type code of {@link IndexUpdate}. */
    public static final int TYPE_INDEX_UPDATE = 2;
    /** Type code of {@link BlockRequest}. */
    public static final int TYPE_BLOCK_REQUEST = 3;
    /** Type code of {@link BlockResponse}. */
    public static final int TYPE_BLOCK_RESPONSE = 4;
    /** Type code of {@link Progress}. */
    public static final int TYPE_PROGRESS = 5;
    /** Type code of {@link Ping}. */
    public static final int TYPE_PING = 6;
    /** Type code of {@link Close}. */
    public static final int TYPE_CLOSE = 7;
    /** Type code of {@link IndexDelta}. */
    public static final int TYPE_INDEX_DELTA = 8;
    /** Type code of {@link IndexResend}. */
    public static final int TYPE_INDEX_RESEND = 9;
    /** Type code of {@link PeerExchange}. */
    public static final int TYPE_PEER_EXCHANGE = 10;

    /**
     * Largest Hello body, in bytes: 1 KiB. Version 1 needs at most 198; the slack lets a later,
     * longer Hello be read far enough to report {@link ProtocolException.Reason#UNSUPPORTED_VERSION}.
     */
    public static final int MAX_HELLO_BODY_BYTES = 1024;
    /**
     * Largest IndexUpdate body, in bytes: 80 MiB. Admits one maximal {@link FileRecord}
     * (2^21 blocks × 36 bytes = 72 MiB of block entries, plus path, target and version vector)
     * with its 12-byte entry header and the 5-byte body header.
     */
    public static final int MAX_INDEX_MESSAGE_BYTES = 80 << 20;
    /** Largest BlockRequest body, in bytes: requestId, a maximal path, offset, length, hash (4146). */
    public static final int MAX_BLOCK_REQUEST_BODY_BYTES = 4 + 2 + FolderPath.MAX_PATH_BYTES + 8 + 4 + Sha256.LENGTH;
    /** Largest BlockResponse body, in bytes: requestId and status (5) + one maximal block (16 MiB). */
    public static final int MAX_BLOCK_RESPONSE_BODY_BYTES = 4 + 1 + FileRecord.MAX_BLOCK_LENGTH;
    /** Largest encoded {@link VersionVector}, in bytes: a 2-byte count and 1024 entries of 8 + 9 bytes (17410). */
    public static final int MAX_VERSION_VECTOR_BYTES = 2 + VersionVector.MAX_ENTRIES * (8 + 9);
    /**
     * Largest Progress body, in bytes: a maximal path, a maximal version vector, the block count
     * and a bitmap of 2^21 bits (283,656).
     */
    public static final int MAX_PROGRESS_BODY_BYTES = 2 + FolderPath.MAX_PATH_BYTES + MAX_VERSION_VECTOR_BYTES + 4
            + FileRecord.MAX_BLOCKS_PER_FILE / 8;
    /** A Ping has no body. */
    public static final int MAX_PING_BODY_BYTES = 0;
    /** Largest Close body, in bytes: length prefix + {@link Close#MAX_REASON_BYTES}. */
    public static final int MAX_CLOSE_BODY_BYTES = 2 + Close.MAX_REASON_BYTES;

    /** Largest PeerExchange body, in bytes: listenPort, count and 64 IPv6 entries (2179). */
    public static final int MAX_PEER_EXCHANGE_BODY_BYTES = PeerExchange.FIXED_BYTES
            + PeerExchange.MAX_ENTRIES * PeerExchange.MAX_ENTRY_BYTES;

    /** A side that has sent nothing for this long sends a {@link Ping}. */
    public static final Duration PING_INTERVAL = Duration.ofSeconds(30);
    /** A peer from which nothing has arrived for this long is dropped. */
    public static final Duration PEER_TIMEOUT = Duration.ofSeconds(90);

    private Messages() {}

    /** The body limit of {@code type}, or -1 if the code names no message type. */
    static int maxBodyBytes(int type) {
        switch (type) {
            case TYPE_HELLO: return MAX_HELLO_BODY_BYTES;
            case TYPE_INDEX_UPDATE: return MAX_INDEX_MESSAGE_BYTES;
            case TYPE_BLOCK_REQUEST: return MAX_BLOCK_REQUEST_BODY_BYTES;
            case TYPE_BLOCK_RESPONSE: return MAX_BLOCK_RESPONSE_BODY_BYTES;
            case TYPE_PROGRESS: return MAX_PROGRESS_BODY_BYTES;
            case TYPE_PING: return MAX_PING_BODY_BYTES;
            case TYPE_CLOSE: return MAX_CLOSE_BODY_BYTES;
            case TYPE_INDEX_DELTA: return MAX_INDEX_MESSAGE_BYTES;
            case TYPE_INDEX_RESEND: return IndexResend.BODY_BYTES;
            case TYPE_PEER_EXCHANGE: return MAX_PEER_EXCHANGE_BODY_BYTES;
            default: return -1;
        }
    }

    /** The type code of {@code m}. */
    static int typeOf(Message m) {
        if (m instanceof Hello) {
            return TYPE_HELLO;
        } else if (m instanceof IndexUpdate) {
            return TYPE_INDEX_UPDATE;
        } else if (m instanceof BlockRequest) {
            return TYPE_BLOCK_REQUEST;
        } else if (m instanceof BlockResponse) {
            return TYPE_BLOCK_RESPONSE;
        } else if (m instanceof Progress) {
            return TYPE_PROGRESS;
        } else if (m instanceof Ping) {
            return TYPE_PING;
        } else if (m instanceof Close) {
            return TYPE_CLOSE;
        } else if (m instanceof IndexDelta) {
            return TYPE_INDEX_DELTA;
        } else if (m instanceof IndexResend) {
            return TYPE_INDEX_RESEND;
        } else if (m instanceof PeerExchange) {
            return TYPE_PEER_EXCHANGE;
        }
        throw new IllegalArgumentException("not a message: " + m); // unreachable: Message is sealed
    }
}
