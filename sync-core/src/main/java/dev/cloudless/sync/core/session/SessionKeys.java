package dev.cloudless.sync.core.session;

import dev.cloudless.sync.core.crypto.Hkdf;
import java.util.Arrays;

/**
 * The outcome of a successful handshake, seen from one side: keys to seal what this side sends,
 * keys to open what it receives, and the transcript hash.
 *
 * <h2>Key schedule</h2>
 * <pre>
 *   transcriptHash = SHA-256(ClientHello || ServerHello || ClientProof)      (the exact wire bytes)
 *   okm = HKDF-SHA256(ikm = PAD(S), salt = transcriptHash, info = "cloudless-sync v1 session keys", 56)
 *
 *   okm:  0               16             28               44             56
 *         | c2s key (16)  | c2s nonce    | s2c key (16)   | s2c nonce    |
 *         |               | base (12)    |                | base (12)    |
 * </pre>
 * S is the SRP premaster secret, fresh per connection (a, b, salt and both nonces are random), so
 * recording a session and later learning the folder's key does not decrypt it (forward secrecy).
 * The salt binds every handshake byte into the keys: if anything in the transcript was altered in
 * transit, including the nonces and versions that M1 and M2 do not cover, the two sides derive
 * different keys and the first frame in either direction fails to authenticate.
 *
 * <p>The transcript hash is also exposed for channel binding: device identities sign it, which
 * ties their signatures to this one connection.
 */
public final class SessionKeys {
    private static final int OKM_LENGTH = 2 * DirectionKeys.LENGTH;

    private final byte[] transcriptHash;
    private final DirectionKeys send;
    private final DirectionKeys receive;

    private SessionKeys(byte[] transcriptHash, DirectionKeys send, DirectionKeys receive) {
        this.transcriptHash = transcriptHash.clone();
        this.send = send;
        this.receive = receive;
    }

    /** The key schedule above, for the client ({@code isClient}) or the server. */
    static SessionKeys derive(byte[] premasterSecret, byte[] transcriptHash, boolean isClient) {
        byte[] okm = Hkdf.derive(premasterSecret, transcriptHash, Hkdf.label("session keys"), OKM_LENGTH);
        DirectionKeys clientToServer = DirectionKeys.split(okm, 0);
        DirectionKeys serverToClient = DirectionKeys.split(okm, DirectionKeys.LENGTH);
        Arrays.fill(okm, (byte) 0);
        return isClient
                ? new SessionKeys(transcriptHash, clientToServer, serverToClient)
                : new SessionKeys(transcriptHash, serverToClient, clientToServer);
    }

    /** SHA-256 of ClientHello, ServerHello and ClientProof as sent: identical on both sides of one connection. */
    public byte[] transcriptHash() {
        return transcriptHash.clone();
    }

    /** Keys for what this side sends. */
    public DirectionKeys sendKeys() {
        return send;
    }

    /** Keys for what this side receives. */
    public DirectionKeys receiveKeys() {
        return receive;
    }

    /** A sealer for this side's outgoing frames. */
    public FrameSealer newSealer() {
        return new FrameSealer(send);
    }

    /** An opener for this side's incoming frames. */
    public FrameOpener newOpener() {
        return new FrameOpener(receive);
    }

    @Override
    public String toString() {
        return "SessionKeys[redacted]";
    }
}
