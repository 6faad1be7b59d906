package dev.cloudless.sync.core.session;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Seals the outgoing frames of one direction of a session (format in {@link Frames}).
 *
 * <pre>{@code
 * FrameSealer sealer = sessionKeys.newSealer();
 * ByteBuffer out = ByteBuffer.allocateDirect(Frames.frameLength(payload.remaining()));
 * sealer.seal(payload, out);          // one frame per call, payload at most 1 MiB
 * ...
 * sealer.sealClose(ByteBuffer.allocate(0), out);  // last frame: the stream ends here
 * }</pre>
 *
 * <p>The hot path allocates nothing of its own, to reduce GC pressure at gigabytes per second:
 * the header, nonce and {@code Cipher} are reused for every frame. (The JDK's
 * {@code Cipher.init} and {@code updateAAD} still allocate about 0.9 KB per frame internally.)
 * Caller mistakes (payload too large, output too small, sealing after close) are
 * {@link IllegalArgumentException} or {@link IllegalStateException}: nothing here depends on the
 * peer. Not thread-safe.
 */
public final class FrameSealer {
    private final DirectionState state;
    private final byte[] header = new byte[Frames.HEADER_LENGTH];
    private boolean closed;

    /** A sealer for {@code keys}, with the protocol's key update limit. */
    public FrameSealer(DirectionKeys keys) {
        this(keys, Frames.REKEY_AFTER_BYTES);
    }

    /** Test hook: a smaller key update limit, so tests cross it with a few frames. */
    FrameSealer(DirectionKeys keys, long rekeyAfterBytes) {
        this.state = new DirectionState(keys, rekeyAfterBytes);
    }

    /**
     * Seals all remaining bytes of {@code payload} as one frame into {@code out}; both positions
     * advance. Heap and direct buffers both work.
     *
     * @return bytes written: {@code payload.remaining() + Frames.OVERHEAD}
     */
    public int seal(ByteBuffer payload, ByteBuffer out) {
        return seal(payload, out, 0);
    }

    /** Seals a CLOSE frame carrying the remaining bytes of {@code payload} (usually none). */
    public int sealClose(ByteBuffer payload, ByteBuffer out) {
        return seal(payload, out, Frames.FLAG_CLOSE);
    }

    /**
     * Seals {@code payload[off, off+len)} as one frame into {@code out} at {@code outOff}. The
     * two ranges must not overlap, except for sealing in place: payload at {@code outOff + 5} of
     * the same array.
     *
     * @return bytes written: {@code len + Frames.OVERHEAD}
     */
    public int seal(byte[] payload, int off, int len, byte[] out, int outOff) {
        return seal(payload, off, len, out, outOff, 0);
    }

    /** Seals a CLOSE frame carrying {@code payload[off, off+len)} (usually none). */
    public int sealClose(byte[] payload, int off, int len, byte[] out, int outOff) {
        return seal(payload, off, len, out, outOff, Frames.FLAG_CLOSE);
    }

    /** Whether the CLOSE frame has been sealed; no further frames can be. */
    public boolean isClosed() {
        return closed;
    }

    /** Frames sealed so far. */
    public long framesSealed() {
        return state.sequence();
    }

    /** Key updates done so far. */
    public int keyUpdates() {
        return state.keyUpdates();
    }

    private int seal(ByteBuffer payload, ByteBuffer out, int flags) {
        int n = payload.remaining();
        int frame = checkSeal(n, out.remaining());
        int length = n + Frames.TAG_LENGTH;
        writeHeader(header, 0, length, flags);
        state.nextNonce(length);
        out.put(header);
        state.gcm.encrypt(state.nonce, header, 0, Frames.HEADER_LENGTH, payload, out);
        done(length, flags);
        return frame;
    }

    private int seal(byte[] payload, int off, int len, byte[] out, int outOff, int flags) {
        Objects.checkFromIndexSize(off, len, payload.length);
        int frame = checkSeal(len, out.length - outOff);
        int length = len + Frames.TAG_LENGTH;
        writeHeader(out, outOff, length, flags);
        state.nextNonce(length);
        // The header just written to out is the AAD: no copy.
        state.gcm.encrypt(state.nonce, out, outOff, Frames.HEADER_LENGTH,
                payload, off, len, out, outOff + Frames.HEADER_LENGTH);
        done(length, flags);
        return frame;
    }

    private int checkSeal(int payloadLength, int outRoom) {
        if (closed) {
            throw new IllegalStateException("the CLOSE frame was sealed; this direction is finished");
        }
        if (payloadLength > Frames.MAX_FRAME_PAYLOAD) {
            throw new IllegalArgumentException("frame payload of " + payloadLength + " bytes exceeds "
                    + Frames.MAX_FRAME_PAYLOAD + "; split it");
        }
        int frame = Frames.frameLength(payloadLength);
        if (outRoom < frame) {
            throw new IllegalArgumentException("output has room for " + outRoom + " bytes, frame needs " + frame);
        }
        return frame;
    }

    private void done(int length, int flags) {
        state.advance(length);
        if ((flags & Frames.FLAG_CLOSE) != 0) {
            closed = true;
        }
    }

    private static void writeHeader(byte[] buf, int off, int length, int flags) {
        buf[off] = (byte) (length >>> 24);
        buf[off + 1] = (byte) (length >>> 16);
        buf[off + 2] = (byte) (length >>> 8);
        buf[off + 3] = (byte) length;
        buf[off + 4] = (byte) flags;
    }
}
