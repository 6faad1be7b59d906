package dev.cloudless.sync.core.session;

import java.nio.ByteBuffer;
import java.util.Objects;
import javax.crypto.AEADBadTagException;

/**
 * Opens the incoming frames of one direction of a session (format in {@link Frames}), and tells a
 * clean end of the stream from a cut one.
 *
 * <pre>{@code
 * FrameOpener opener = sessionKeys.newOpener();
 * // on bytes received (accumulated in `in`, flipped for reading):
 * int n;
 * while ((n = opener.open(in, plaintext)) != Frames.NEED_MORE) {
 *     deliver(plaintext, n);
 *     if (opener.isClosed()) break;       // the peer's last frame
 * }
 * in.compact();
 * // on end of stream:
 * opener.endOfStream(in.position());      // throws TRUNCATED unless the CLOSE frame came
 * }</pre>
 *
 * <p>Size {@code out} with {@link Frames#frameLength(ByteBuffer)} - {@link Frames#OVERHEAD}, or
 * once at {@link Frames#MAX_FRAME_PAYLOAD}. The length field is checked before anything is
 * allocated or awaited: a peer announcing a 2 GiB frame is rejected at once with
 * {@code FRAME_TOO_LONG}. If the tag fails, the plaintext the JDK decrypted into {@code out} is
 * wiped before the exception, and bytes before {@code out}'s position are left alone. The hot path
 * allocates nothing of its own (reused header, nonce and {@code Cipher}) to reduce GC pressure;
 * the JDK's {@code Cipher.init} and {@code updateAAD} still allocate about 1 KB per frame.
 *
 * <p>Every {@link FrameException} is final: the opener refuses further use
 * ({@link IllegalStateException}) and the session must be closed. Not thread-safe.
 */
public final class FrameOpener {
    private final DirectionState state;
    private final byte[] header = new byte[Frames.HEADER_LENGTH];
    private boolean closed;
    private boolean failed;

    /** An opener for {@code keys}, with the protocol's key update limit. */
    public FrameOpener(DirectionKeys keys) {
        this(keys, Frames.REKEY_AFTER_BYTES);
    }

    /** Test hook: a smaller key update limit; must equal the sealer's. */
    FrameOpener(DirectionKeys keys, long rekeyAfterBytes) {
        this.state = new DirectionState(keys, rekeyAfterBytes);
    }

    /**
     * Opens the frame at {@code in.position()} into {@code out}. If {@code in} holds the whole
     * frame, its position moves past it and {@code out}'s past the plaintext; otherwise nothing
     * moves.
     *
     * @return the plaintext length, or {@link Frames#NEED_MORE} if {@code in} holds only part of
     *     the frame
     * @throws FrameException if the frame is invalid or follows the peer's CLOSE frame
     * @throws IllegalArgumentException if {@code out} has no room for the plaintext
     */
    public int open(ByteBuffer in, ByteBuffer out) throws FrameException {
        checkUsable(in.hasRemaining());
        int frame;
        try {
            frame = Frames.frameLength(in);
        } catch (FrameException e) {
            throw failed(e);
        }
        if (frame == Frames.NEED_MORE || in.remaining() < frame) {
            return Frames.NEED_MORE;
        }
        int length = frame - Frames.HEADER_LENGTH;
        checkRoom(length - Frames.TAG_LENGTH, out.remaining());
        int start = in.position();
        int limit = in.limit();
        in.get(start, header);
        state.nextNonce(length);
        // Narrow `in` to this frame instead of slicing it: no view object per frame.
        in.position(start + Frames.HEADER_LENGTH).limit(start + frame);
        // When a tag fails, the JDK zeroes what it decrypted; JDK 25 does so for a direct buffer from
        // index 0 instead of from its position, wiping the caller's earlier bytes. A slice (the one
        // allocation here, only in this case) keeps them safe.
        ByteBuffer target = out.isDirect() && out.position() > 0 ? out.slice() : out;
        int n;
        try {
            n = state.gcm.decrypt(state.nonce, header, 0, Frames.HEADER_LENGTH, in, target);
        } catch (AEADBadTagException e) {
            throw authenticationFailed();
        } finally {
            in.limit(limit);
        }
        if (target != out) {
            out.position(out.position() + n);
        }
        return opened(length, n, header[4]);
    }

    /**
     * Opens the frame at {@code in[off, off+len)} into {@code out} at {@code outOff}. On success
     * the frame occupied {@code result + Frames.OVERHEAD} bytes of {@code in}.
     *
     * @return the plaintext length, or {@link Frames#NEED_MORE} if the range holds only part of
     *     the frame
     * @throws FrameException if the frame is invalid or follows the peer's CLOSE frame
     */
    public int open(byte[] in, int off, int len, byte[] out, int outOff) throws FrameException {
        Objects.checkFromIndexSize(off, len, in.length);
        checkUsable(len > 0);
        int frame;
        try {
            frame = Frames.frameLength(in, off, len);
        } catch (FrameException e) {
            throw failed(e);
        }
        if (frame == Frames.NEED_MORE || len < frame) {
            return Frames.NEED_MORE;
        }
        int length = frame - Frames.HEADER_LENGTH;
        checkRoom(length - Frames.TAG_LENGTH, out.length - outOff);
        state.nextNonce(length);
        int n;
        try {
            n = state.gcm.decrypt(state.nonce, in, off, Frames.HEADER_LENGTH,
                    in, off + Frames.HEADER_LENGTH, length, out, outOff);
        } catch (AEADBadTagException e) {
            throw authenticationFailed();
        }
        return opened(length, n, in[off + 4]);
    }

    /** Whether the peer's CLOSE frame has been opened: its direction ended cleanly. */
    public boolean isClosed() {
        return closed;
    }

    /** Frames opened so far. */
    public long framesOpened() {
        return state.sequence();
    }

    /** Key updates done so far. */
    public int keyUpdates() {
        return state.keyUpdates();
    }

    /**
     * To be called when the underlying stream ended, with the number of received bytes not yet
     * consumed by {@link #open}. Returns normally only for a clean end: the CLOSE frame was opened
     * and nothing followed it.
     *
     * @throws FrameException TRUNCATED_FRAME if the stream ended inside a frame, TRUNCATED if it
     *     ended between frames but without the CLOSE frame, DATA_AFTER_CLOSE if bytes followed it
     */
    public void endOfStream(int unconsumedBytes) throws FrameException {
        if (unconsumedBytes < 0) {
            throw new IllegalArgumentException("unconsumedBytes must be >= 0, was " + unconsumedBytes);
        }
        if (failed) {
            throw new IllegalStateException("opener failed earlier");
        }
        if (closed && unconsumedBytes > 0) {
            throw fail(FrameException.Reason.DATA_AFTER_CLOSE, unconsumedBytes + " bytes after the CLOSE frame");
        }
        if (unconsumedBytes > 0) {
            throw fail(FrameException.Reason.TRUNCATED_FRAME,
                    "stream ended " + unconsumedBytes + " bytes into a frame");
        }
        if (!closed) {
            throw fail(FrameException.Reason.TRUNCATED, "stream ended without the peer's CLOSE frame");
        }
    }

    private void checkUsable(boolean hasInput) throws FrameException {
        if (failed) {
            throw new IllegalStateException("opener failed earlier; the session must be closed");
        }
        if (closed && hasInput) {
            throw fail(FrameException.Reason.DATA_AFTER_CLOSE, "frame after the peer's CLOSE frame");
        }
    }

    /** Marks the opener failed on a bad header too: a FrameException is always final. */
    private FrameException failed(FrameException e) {
        failed = true;
        return e;
    }

    private static void checkRoom(int plaintext, int room) {
        if (room < plaintext) {
            throw new IllegalArgumentException("output has room for " + room + " bytes, frame holds " + plaintext);
        }
    }

    private int opened(int length, int plaintextLength, byte flags) {
        state.advance(length);
        if ((flags & Frames.FLAG_CLOSE) != 0) {
            closed = true;
        }
        return plaintextLength;
    }

    private FrameException authenticationFailed() {
        return fail(FrameException.Reason.AUTHENTICATION_FAILED,
                "frame " + state.sequence() + " did not authenticate");
    }

    private FrameException fail(FrameException.Reason reason, String detail) {
        failed = true;
        return new FrameException(reason, detail);
    }
}
