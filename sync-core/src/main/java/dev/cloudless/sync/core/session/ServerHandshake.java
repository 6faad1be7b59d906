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
 * The accepting side of the session handshake (see {@link ClientHandshake} for the message flow).
 * One listening port serves many folders: the server is given every folder it accepts and finds
 * the client's by its folder tag ({@link FolderSecret}).
 *
 * <pre>{@code
 * ServerHandshake<FolderId> hs = new ServerHandshake<>(node.folderSecrets(), secureRandom);
 * try {
 *     send(hs.onClientHello(receive()));
 *     send(hs.onClientProof(receive()));
 *     SessionKeys keys = hs.sessionKeys();
 *     FolderId folder = hs.folder();
 * } catch (HandshakeException e) {
 *     e.failureMessage().ifPresent(this::send);
 *     close();
 * }
 * }</pre>
 *
 * <p>Per connection the server draws a fresh 16-byte salt and computes the SRP verifier
 * {@code v = g^x} from the folder's handshake secret (identity {@code "cloudless-sync"}), so no
 * verifier is ever stored. A client without the secret cannot produce M1: it fails with
 * {@link Reason#UNKNOWN_FOLDER} (wrong tag) or {@link Reason#CLIENT_PROOF_INVALID}, and so does a
 * replay of a ClientHello captured from a legitimate client. Not thread-safe: one instance per
 * accepted connection.
 *
 * @param <F> the application's folder handle
 */
public final class ServerHandshake<F> {
    private enum State { AWAIT_CLIENT_HELLO, AWAIT_CLIENT_PROOF, DONE, FAILED }

    private final Iterable<FolderSecret<F>> folders;
    private final SecureRandom random;
    private final MessageDigest transcript = Digests.sha256();
    private State state = State.AWAIT_CLIENT_HELLO;
    private FolderSecret<F> folder;
    private Srp6.Server srp;
    private SessionKeys keys;

    /**
     * @param folders the folders this server accepts; iterated once, when the ClientHello arrives,
     *     so a live concurrent collection may be passed
     * @param random the source of the nonce, salt and SRP private value
     */
    public ServerHandshake(Iterable<FolderSecret<F>> folders, SecureRandom random) {
        this.folders = Objects.requireNonNull(folders, "folders");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Processes the ClientHello: finds the folder, starts SRP.
     *
     * @return the ServerHello to send
     * @throws HandshakeException if the message is malformed, of another version, or its tag
     *     matches no folder
     */
    public byte[] onClientHello(byte[] message) throws HandshakeException {
        expect(State.AWAIT_CLIENT_HELLO);
        try {
            ClientHello hello = ClientHello.decode(message);
            folder = find(hello);
            byte[] nonce = new byte[HandshakeMessages.NONCE_LENGTH];
            byte[] salt = new byte[HandshakeMessages.SALT_LENGTH];
            random.nextBytes(nonce);
            random.nextBytes(salt);
            srp = Srp6.PRODUCTION.newServer(salt, folder.handshakeSecret(), random);
            byte[] reply = new ServerHello(HandshakeMessages.VERSION, nonce, salt, srp.publicValue()).encode();
            transcript.update(message);
            transcript.update(reply);
            state = State.AWAIT_CLIENT_PROOF;
            return reply;
        } catch (HandshakeException e) {
            throw fail(e);
        }
    }

    /**
     * Processes the ClientProof: checks A and M1. On success the handshake is complete on this
     * side and {@link #sessionKeys()} is available; the returned ServerProof lets the client
     * check us in turn.
     *
     * @return the ServerProof to send
     * @throws HandshakeException if the message is a Failure, malformed, A is invalid or M1 wrong
     */
    public byte[] onClientProof(byte[] message) throws HandshakeException {
        expect(State.AWAIT_CLIENT_PROOF);
        try {
            HandshakeMessages.throwIfFailure(message);
            ClientProof proof = ClientProof.decode(message);
            BigInteger a = Srp6.PRODUCTION.decodePublicValue(proof.publicValue(), 0);
            if (a == null) {
                throw HandshakeException.local(Reason.INVALID_PUBLIC_VALUE, "A is 0 or not below N");
            }
            if (!srp.receive(a)) {
                throw HandshakeException.local(Reason.INVALID_PUBLIC_VALUE, "u = H(A|B) is 0");
            }
            if (!srp.verifyClientEvidence(proof.evidence(), 0)) {
                throw HandshakeException.local(Reason.CLIENT_PROOF_INVALID,
                        "the client does not know the folder's handshake secret");
            }
            byte[] reply = new ServerProof(srp.evidence()).encode();
            transcript.update(message);
            byte[] premaster = srp.premasterSecret();
            keys = SessionKeys.derive(premaster, transcript.digest(), false);
            Arrays.fill(premaster, (byte) 0);
            state = State.DONE;
            srp = null;
            return reply;
        } catch (HandshakeException e) {
            throw fail(e);
        }
    }

    /** The folder the client asked for; available once the ClientHello was accepted. */
    public F folder() {
        if (folder == null) {
            throw new IllegalStateException("no folder matched yet; server handshake is " + state);
        }
        return folder.folder();
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

    private FolderSecret<F> find(ClientHello hello) throws HandshakeException {
        for (FolderSecret<F> candidate : folders) {
            if (candidate.matches(hello.nonce(), hello.folderTag())) {
                return candidate;
            }
        }
        throw HandshakeException.local(Reason.UNKNOWN_FOLDER, "the folder tag matches none of our folders");
    }

    private void expect(State expected) {
        if (state != expected) {
            throw new IllegalStateException("server handshake is " + state + ", not " + expected);
        }
    }

    private HandshakeException fail(HandshakeException e) {
        state = State.FAILED;
        srp = null;
        return e;
    }
}
