package dev.cloudless.sync.core.session;

import dev.cloudless.sync.core.crypto.AesGcm;
import java.nio.ByteBuffer;

/**
 * The protected frame format of an established session, and its limits.
 *
 * <pre>
 * +-------------------------------+-------+---------------------------------+------------+
 * | length (u32, big-endian)      | flags | ciphertext (length - 16 bytes)  | tag (16)   |
 * +-------------------------------+-------+---------------------------------+------------+
 *   0                               4       5                                 5+length
 *
 * length  bytes of ciphertext + tag, 16 .. {@link #MAX_CIPHERTEXT_LENGTH}
 * flags   bit 0: CLOSE, the sender's last frame (see below); bits 1-7 reserved, must be 0
 * AAD     the 5 header bytes, so length and flags are authenticated with the payload
 * nonce   nonceBase XOR (0x00000000 || sequence as u64 big-endian), 12 bytes
 * </pre>
 *
 * <p>Each direction has its own key and nonce base ({@link DirectionKeys}) and its own sequence
 * number, starting at 0 and counted, never sent, by both ends. A frame replayed, reordered,
 * dropped (the next one is opened with the wrong number) or reflected back to its sender (other
 * direction's key) therefore fails to authenticate.
 *
 * <p>A sender ends its direction with a CLOSE frame; a stream that ends without one was cut by
 * someone else, and {@link FrameOpener#endOfStream} reports it as truncated.
 *
 * <p>After {@link #REKEY_AFTER_BYTES} of ciphertext+tag under one key, both ends switch to
 * {@link DirectionKeys#next()} before the next frame, and the sequence number carries on.
 */
public final class Frames {
    /** length (4) + flags (1). */
    public static final int HEADER_LENGTH = 5;
    public static final int TAG_LENGTH = AesGcm.TAG_LENGTH;
    /** Wire bytes a frame adds to its payload: header + tag = 21. */
    public static final int OVERHEAD = HEADER_LENGTH + TAG_LENGTH;
    /** Largest payload (plaintext) of one frame: 1 MiB. */
    public static final int MAX_FRAME_PAYLOAD = 1 << 20;
    /** Largest value of the length field: 1 MiB + 16 bytes. */
    public static final int MAX_CIPHERTEXT_LENGTH = MAX_FRAME_PAYLOAD + TAG_LENGTH;
    /** Largest frame on the wire, header included: 1 MiB + 21 bytes. */
    public static final int MAX_FRAME_LENGTH = HEADER_LENGTH + MAX_CIPHERTEXT_LENGTH;
    /** flags bit 0: the sender's last frame in this direction. */
    public static final int FLAG_CLOSE = 0x01;
    static final int RESERVED_FLAGS = ~FLAG_CLOSE & 0xFF;
    /**
     * Bytes of ciphertext+tag sealed under one key before the key update: 2^34 (16 GiB). TLS 1.3
     * limits AES-GCM to 2^24.5 full records (about 2^38.5 bytes) per key; we stay well below, so the
     * AEAD confidentiality and integrity bounds are never approached on a long-lived session.
     */
    public static final long REKEY_AFTER_BYTES = 1L << 34;
    /** Returned by the opener when its input holds only part of a frame. */
    public static final int NEED_MORE = -1;

    private Frames() {}

    /** Wire length of a frame carrying {@code payloadLength} bytes. */
    public static int frameLength(int payloadLength) {
        return payloadLength + OVERHEAD;
    }

    /**
     * Peeks at the header at {@code in.position()} and returns the total wire length of that frame,
     * checking the length field before anyone allocates for it. The buffer is not modified.
     *
     * @return the frame's wire length, or {@link #NEED_MORE} if fewer than 5 bytes remain
     * @throws FrameException FRAME_TOO_LONG, FRAME_TOO_SHORT or RESERVED_FLAGS
     */
    public static int frameLength(ByteBuffer in) throws FrameException {
        if (in.remaining() < HEADER_LENGTH) {
            return NEED_MORE;
        }
        int p = in.position();
        return checkHeader(in.getInt(p), in.get(p + 4));
    }

    /** {@link #frameLength(ByteBuffer)} over {@code buf[off, off+len)}. */
    public static int frameLength(byte[] buf, int off, int len) throws FrameException {
        if (len < HEADER_LENGTH) {
            return NEED_MORE;
        }
        int length = (buf[off] & 0xFF) << 24 | (buf[off + 1] & 0xFF) << 16 | (buf[off + 2] & 0xFF) << 8
                | (buf[off + 3] & 0xFF);
        return checkHeader(length, buf[off + 4]);
    }

    private static int checkHeader(int length, byte flags) throws FrameException {
        // Unsigned compare: a length with the top bit set is huge, not negative.
        if (Integer.compareUnsigned(length, MAX_CIPHERTEXT_LENGTH) > 0) {
            throw new FrameException(FrameException.Reason.FRAME_TOO_LONG, "length field "
                    + Integer.toUnsignedString(length) + " exceeds " + MAX_CIPHERTEXT_LENGTH + " bytes");
        }
        if (length < TAG_LENGTH) {
            throw new FrameException(FrameException.Reason.FRAME_TOO_SHORT,
                    "length field " + length + " is shorter than the " + TAG_LENGTH + "-byte tag");
        }
        if ((flags & RESERVED_FLAGS) != 0) {
            throw new FrameException(FrameException.Reason.RESERVED_FLAGS,
                    "reserved flag bits set: 0x" + Integer.toHexString(flags & 0xFF));
        }
        return HEADER_LENGTH + length;
    }
}
