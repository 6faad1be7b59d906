package dev.cloudless.sync.core.session;

import java.io.IOException;

/**
 * A protected frame was rejected, or the stream of frames ended uncleanly. Final: the session
 * must be closed, and no plaintext of the rejected frame has been released.
 */
public final class FrameException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What was wrong. */
    public enum Reason {
        /** The length field exceeds {@link Frames#MAX_CIPHERTEXT_LENGTH}; rejected before any allocation. */
        FRAME_TOO_LONG,
        /** The length field is below the 16-byte tag. */
        FRAME_TOO_SHORT,
        /** A reserved flag bit is set. */
        RESERVED_FLAGS,
        /**
         * The tag did not verify: tampered, forged, replayed, reordered, after a dropped frame,
         * or reflected from the other direction.
         */
        AUTHENTICATION_FAILED,
        /** Bytes followed the peer's CLOSE frame. */
        DATA_AFTER_CLOSE,
        /** The stream ended without a CLOSE frame: cut by someone other than the peer. */
        TRUNCATED,
        /** The stream ended in the middle of a frame. */
        TRUNCATED_FRAME
    }

    private final Reason reason;

    public FrameException(Reason reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
