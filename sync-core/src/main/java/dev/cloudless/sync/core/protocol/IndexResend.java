package dev.cloudless.sync.core.protocol;

/**
 * Asks the peer to send its index again from just above {@code after}, every record whole: the
 * receiver met a {@link RecordDelta} whose base it does not hold (the base changed while the
 * delta was on its way). The peer answers with an {@link IndexUpdate} marked
 * {@linkplain IndexUpdate#resend() resend}, then the records; everything between the request
 * and that answer is ignored, so no record is skipped.
 *
 * @param after the highest sequence of the peer the receiver has applied
 */
public record IndexResend(long after) implements Message {
    /** Body bytes: the sequence. */
    static final int BODY_BYTES = 8;

    /** Rejects a negative sequence. */
    public IndexResend {
        if (after < 0) {
            throw new IllegalArgumentException("IndexResend.after must not be negative, was " + after);
        }
    }
}
