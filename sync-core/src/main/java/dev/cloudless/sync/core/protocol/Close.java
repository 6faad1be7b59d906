package dev.cloudless.sync.core.protocol;

import java.util.Objects;

/**
 * The sender's last message: why it is closing the session. Sent before the session's CLOSE
 * frame; the receiver logs the reason and sends nothing more.
 *
 * <p>Body (type {@value Messages#TYPE_CLOSE}), at most {@link Messages#MAX_CLOSE_BODY_BYTES}:
 * <pre>
 * +-----------+----------------------------------+
 * | reasonLen | reason                           |
 * | u16 ≤ 256 | UTF-8, no control characters     |
 * +-----------+----------------------------------+
 * </pre>
 *
 * @param reason for people and logs, at most {@value #MAX_REASON_BYTES} UTF-8 bytes; may be empty
 */
public record Close(String reason) implements Message {
    /** Longest reason, in UTF-8 bytes. */
    public static final int MAX_REASON_BYTES = 256;

    /** @throws IllegalArgumentException if the reason is too long or has control characters */
    public Close {
        Text.check(Objects.requireNonNull(reason, "Close.reason"), MAX_REASON_BYTES, "Close.reason");
    }
}
