package dev.cloudless.sync.core.protocol;

import dev.cloudless.sync.core.index.FileRecord;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The answer to a {@link BlockRequest}: the block's bytes, or why there are none. The requester
 * still checks the bytes against the requested hash.
 *
 * <p>Body (type {@value Messages#TYPE_BLOCK_RESPONSE}), at most {@link Messages#MAX_BLOCK_RESPONSE_BODY_BYTES}:
 * <pre>
 * +-----------+--------+---------------------------------------------+
 * | requestId | status | data (the rest of the body)                 |
 * | u32       | u8     | 1 .. MAX_BLOCK_LENGTH bytes if OK, else none |
 * +-----------+--------+---------------------------------------------+
 * status: 0 = OK, 1 = NOT_FOUND, 2 = CHANGED, 3 = BUSY, 4 = ERROR
 * </pre>
 *
 * @param requestId the request's id
 * @param status the outcome
 * @param data the block's bytes: a read-only view from position 0, empty unless {@code OK}. The
 *     record keeps a view of the caller's buffer, not a copy (no copy on the hot path): do not
 *     change the buffer's content while the message is in use.
 */
public record BlockResponse(int requestId, Status status, ByteBuffer data) implements Message {
    /** Bytes of requestId and status. */
    static final int FIXED_BYTES = 5;

    /** The outcome of a request; the wire code is {@link #code()}, not the ordinal. */
    public enum Status {
        /** The data follows. */
        OK(0),
        /** The sender has no such file or block. */
        NOT_FOUND(1),
        /** The file changed: the block at that offset no longer has that hash. */
        CHANGED(2),
        /** Too many requests in flight: ask again later or elsewhere. */
        BUSY(3),
        /** Reading failed on the sender's side. */
        ERROR(4);

        private final int code;

        Status(int code) {
            this.code = code;
        }

        /** The wire code. */
        public int code() {
            return code;
        }

        /** The status of a wire code, or null if the code names none. */
        static Status ofCode(int code) {
            for (Status s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            return null;
        }
    }

    /**
     * Keeps a read-only view of {@code data} between its position and limit.
     *
     * @throws IllegalArgumentException if an OK response has no data or more than
     *     {@link FileRecord#MAX_BLOCK_LENGTH} bytes, or another status has data
     */
    public BlockResponse {
        Objects.requireNonNull(status, "BlockResponse.status");
        data = Objects.requireNonNull(data, "BlockResponse.data").slice().asReadOnlyBuffer();
        if (status == Status.OK ? data.remaining() < 1 || data.remaining() > FileRecord.MAX_BLOCK_LENGTH
                : data.hasRemaining()) {
            throw new IllegalArgumentException("BlockResponse " + status + " with " + data.remaining()
                    + " data bytes (OK carries 1.." + FileRecord.MAX_BLOCK_LENGTH + ", the others none)");
        }
    }

    /** A successful response carrying {@code data} (between its position and limit). */
    public static BlockResponse ok(int requestId, ByteBuffer data) {
        return new BlockResponse(requestId, Status.OK, data);
    }

    /** A response without data. */
    public static BlockResponse failed(int requestId, Status status) {
        return new BlockResponse(requestId, status, ByteBuffer.allocate(0));
    }

    /** A fresh read-only view of the data at position 0, independent of other views' positions. */
    @Override
    public ByteBuffer data() {
        return data.duplicate();
    }

    @Override
    public String toString() {
        return "BlockResponse[requestId=" + requestId + ", " + status + ", " + data.remaining() + " bytes]";
    }
}
