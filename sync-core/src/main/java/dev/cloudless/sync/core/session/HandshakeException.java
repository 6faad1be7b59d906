package dev.cloudless.sync.core.session;

import java.io.IOException;
import java.util.Optional;

/**
 * The session handshake failed: the peer sent something invalid, could not prove knowledge of the
 * folder's handshake secret, or reported a failure of its own.
 *
 * <p>A failure is final: the handshake object is unusable afterwards and the connection must be
 * closed. Before closing, send {@link #failureMessage()} if present, so that the peer fails with
 * the same {@link Reason} instead of a bare disconnect. Like {@code SSLHandshakeException}, this is
 * an {@link IOException}: to the code driving a connection it is one more way for it to fail.
 */
public final class HandshakeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why a handshake failed; {@link #code()} is the byte carried in a Failure message. */
    public enum Reason {
        /** A peer's Failure message carried a code this version does not know. */
        UNSPECIFIED(0),
        /** Wrong length, magic, message type byte or field encoding. */
        MALFORMED(1),
        /** The peer speaks a protocol version we do not. */
        UNSUPPORTED_VERSION(2),
        /** The ClientHello's folder tag matches none of the server's folders: wrong key, or not shared here. */
        UNKNOWN_FOLDER(3),
        /** A or B is 0 or not below N, or u = H(A|B) is 0 (SRP-6a safety checks). */
        INVALID_PUBLIC_VALUE(4),
        /** M1 is wrong: the client does not hold the folder's handshake secret. */
        CLIENT_PROOF_INVALID(5),
        /** M2 is wrong: the server does not hold the folder's handshake secret. */
        SERVER_PROOF_INVALID(6),
        /** A well-formed message of a type not expected at this point of the handshake. */
        UNEXPECTED_MESSAGE(7);

        private final int code;

        Reason(int code) {
            this.code = code;
        }

        /** The reason's byte on the wire. */
        public int code() {
            return code;
        }

        /** The reason for a wire code; unknown codes (a newer peer) map to {@link #UNSPECIFIED}. */
        public static Reason fromCode(int code) {
            for (Reason r : values()) {
                if (r.code == code) {
                    return r;
                }
            }
            return UNSPECIFIED;
        }
    }

    private final Reason reason;
    private final boolean remote;

    private HandshakeException(Reason reason, boolean remote, String message) {
        super(message);
        this.reason = reason;
        this.remote = remote;
    }

    /** A violation detected here; the peer should be told with {@link #failureMessage()}. */
    static HandshakeException local(Reason reason, String detail) {
        return new HandshakeException(reason, false, reason + ": " + detail);
    }

    /** The peer sent a Failure message with this reason. */
    static HandshakeException remote(Reason reason) {
        return new HandshakeException(reason, true, "peer reported " + reason);
    }

    public Reason reason() {
        return reason;
    }

    /** Whether the peer reported the failure (it sent a Failure message) rather than we detecting it. */
    public boolean isRemote() {
        return remote;
    }

    /** The Failure message to send the peer before closing; empty when the peer itself reported the failure. */
    public Optional<byte[]> failureMessage() {
        return remote ? Optional.empty() : Optional.of(HandshakeMessages.failure(reason));
    }
}
