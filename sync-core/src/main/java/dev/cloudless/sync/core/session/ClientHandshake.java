package dev.cloudless.sync.core.session;

import dev.cloudless.sync.core.crypto.Digests;
import dev.cloudless.sync.core.crypto.Srp6;
import dev.cloudless.sync.core.session.HandshakeException.Reason;
import dev.cloudless.sync.core.session.HandshakeMessages.ClientHello;
import dev.cloudless.sync.core.session.HandshakeMessages.ClientProof;
import dev.cloudless.sync.core.session.HandshakeMessages.ServerHello;
import dev.cloudless.sync.core.session.HandshakeMessages.ServerProof;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * The connecting side of the session handshake: a state machine over whole messages, with no I/O
 * of its own, so the TCP and uTP pipelines (and tests) drive it the same way.
 *
 * <pre>
 *   client                                   server
 *   clientHello()          ClientHello  -&gt;
 *                                       &lt;-  ServerHello     (or Failure)
 *   onServerHello(msg)     ClientProof  -&gt;
 *                                       &lt;-  ServerProof     (or Failure)
 *   onServerProof(msg)  =&gt; SessionKeys
 * </pre>
 *
 * <pre>{@code
 * ClientHandshake hs = new ClientHandshake(handshakeSecret, secureRandom);
 * send(hs.clientHello());
 * try {
 *     send(hs.onServerHello(receive()));
 *     SessionKeys keys = hs.onServerProof(receive());
 * } catch (HandshakeException e) {
 *     e.failureMessage().ifPresent(this::send);   // tell the peer why, then close
 *     close();
 * }
 * }</pre>
 *
 * <p>The client proves knowledge of the folder's handshake secret with M1 and accepts the server
 * only if M2 is correct, so a server without the secret fails here with
 * {@link Reason#SERVER_PROOF_INVALID}. Calling a step out of order is a programming error
 * ({@link IllegalStateException}); a {@link HandshakeException} ends the handshake for good.
 * Not thread-safe: one instance per connection attempt.
 */
public final class ClientHandshake {
    private enum State { NEW, AWAIT_SERVER_HELLO, AWAIT_SERVER_PROOF, DONE, FAILED }

    private final byte[] handshakeSecret;
    private final SecureRandom random;
    private final MessageDigest transcript = Digests.sha256();
    private State state = State.NEW;
    private Srp6.Client srp;
    private SessionKeys keys;

    /**
     * @param handshakeSecret the folder's 32-byte handshake secret (copied)
     * @param random the source of nonces and the SRP private value
     */
    public ClientHandshake(byte[] handshakeSecret, SecureRandom random) {
        this.handshakeSecret = FolderSecret.checkSecret(handshakeSecret).clone();
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The ClientHello to send first. */
    public byte[] clientHello() {
        expect(State.NEW);
        byte[] nonce = new byte[HandshakeMessages.NONCE_LENGTH];
        random.nextBytes(nonce);
        byte[] tag = FolderSecret.tag(FolderSecret.tagKey(handshakeSecret), nonce);
        byte[] msg = new ClientHello(HandshakeMessages.VERSION, nonce, tag).encode();
        transcript.update(msg);
        state = State.AWAIT_SERVER_HELLO;
        return msg;
    }

    /**
     * Processes the server's reply to the ClientHello.
     *
     * @return the ClientProof to send
     * @throws HandshakeException if the reply is a Failure, malformed, of another version, or
     *     carries an invalid B
     */
    public byte[] onServerHello(byte[] message) throws HandshakeException {
        expect(State.AWAIT_SERVER_HELLO);
        try {
            HandshakeMessages.throwIfFailure(message);
            ServerHello hello = ServerHello.decode(message);
            BigInteger b = Srp6.PRODUCTION.decodePublicValue(hello.publicValue(), 0);
            if (b == null) {
                throw HandshakeException.local(Reason.INVALID_PUBLIC_VALUE, "B is 0 or not below N");
            }
            srp = Srp6.PRODUCTION.newClient(random);
            if (!srp.respond(hello.salt(), handshakeSecret, b)) {
                throw HandshakeException.local(Reason.INVALID_PUBLIC_VALUE, "u = H(A|B) is 0");
            }
            byte[] proof = new ClientProof(srp.publicValue(), srp.evidence()).encode();
            transcript.update(message);
            transcript.update(proof);
            state = State.AWAIT_SERVER_PROOF;
            return proof;
        } catch (HandshakeException e) {
            throw fail(e);
        }
    }

    /**
     * Processes the server's proof; on success the handshake is complete.
     *
     * @return the session's keys
     * @throws HandshakeException if the message is a Failure (e.g. the server rejected M1),
     *     malformed, or M2 is wrong
     */
    public SessionKeys onServerProof(byte[] message) throws HandshakeException {
        expect(State.AWAIT_SERVER_PROOF);
        try {
            HandshakeMessages.throwIfFailure(message);
            ServerProof proof = ServerProof.decode(message);
            if (!srp.verifyServerEvidence(proof.evidence(), 0)) {
                throw HandshakeException.local(Reason.SERVER_PROOF_INVALID,
                        "the server does not know the folder's handshake secret");
            }
            byte[] premaster = srp.premasterSecret();
            keys = SessionKeys.derive(premaster, transcript.digest(), true);
            Arrays.fill(premaster, (byte) 0);
            finish(State.DONE);
            return keys;
        } catch (HandshakeException e) {
            throw fail(e);
        }
    }

    /** Whether the handshake completed successfully. */
    public boolean isComplete() {
        return state == State.DONE;
    }

    /** The session's keys; only after the handshake completed. */
    public SessionKeys sessionKeys() {
        expect(State.DONE);
        return keys;
    }

    private void expect(State expected) {
        if (state != expected) {
            throw new IllegalStateException("client handshake is " + state + ", not " + expected);
        }
    }

    private HandshakeException fail(HandshakeException e) {
        finish(State.FAILED);
        return e;
    }

    private void finish(State end) {
        state = end;
        srp = null;
        Arrays.fill(handshakeSecret, (byte) 0); // no step needs it any more
    }

}
