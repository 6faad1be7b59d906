package dev.cloudless.sync.core.session;

import dev.cloudless.sync.core.crypto.Hkdf;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A folder a server can accept connections for: an application handle {@code F} (a folder id, a
 * {@code Folder} object, ...) and the folder's 32-byte handshake secret.
 *
 * <h2>Folder tag</h2>
 * One port serves many folders, so the ClientHello must say which folder the client wants, but a
 * passive observer must learn nothing from it: neither the folder id nor whether two connections
 * are for the same folder. The client therefore sends a tag that only holders of the secret can
 * compute and recognise, fresh with every client nonce:
 * <pre>
 *   tagKey = HKDF-SHA256(ikm = handshakeSecret, salt = none, info = "cloudless-sync v1 folder tag", 32)
 *   tag    = first 16 bytes of HMAC-SHA256(tagKey, "client-hello" || clientNonce)
 * </pre>
 * The server recomputes the tag for each of its folders and picks the one that matches (compared
 * in constant time). 128 bits make an accidental match between two folders negligible; a forged
 * match gains nothing, since the SRP proof that follows still needs the secret.
 *
 * <p>The tag key is derived once here, so matching a ClientHello against n folders costs n HMACs.
 * Immutable and thread-safe.
 *
 * @param <F> the application's handle for a folder, returned by {@link ServerHandshake#folder()}
 */
public final class FolderSecret<F> {
    /** Length of a folder's handshake secret, in bytes. */
    public static final int SECRET_LENGTH = 32;
    private static final byte[] TAG_CONTEXT = "client-hello".getBytes(StandardCharsets.US_ASCII);
    private static final String HMAC = "HmacSHA256";

    private final F folder;
    private final byte[] handshakeSecret;
    private final byte[] tagKey;

    public FolderSecret(F folder, byte[] handshakeSecret) {
        this.folder = Objects.requireNonNull(folder, "folder");
        this.handshakeSecret = checkSecret(handshakeSecret).clone();
        this.tagKey = tagKey(this.handshakeSecret);
    }

    public F folder() {
        return folder;
    }

    byte[] handshakeSecret() {
        return handshakeSecret;
    }

    /** Whether {@code tag} is this folder's tag for {@code clientNonce}; constant time. */
    boolean matches(byte[] clientNonce, byte[] tag) {
        return MessageDigest.isEqual(tag(tagKey, clientNonce), tag);
    }

    static byte[] checkSecret(byte[] handshakeSecret) {
        if (handshakeSecret.length != SECRET_LENGTH) {
            throw new IllegalArgumentException(
                    "handshake secret must be " + SECRET_LENGTH + " bytes, was " + handshakeSecret.length);
        }
        return handshakeSecret;
    }

    static byte[] tagKey(byte[] handshakeSecret) {
        return Hkdf.derive(handshakeSecret, null, Hkdf.label("folder tag"), 32);
    }

    static byte[] tag(byte[] tagKey, byte[] clientNonce) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(tagKey, HMAC));
            mac.update(TAG_CONTEXT);
            mac.update(clientNonce);
            return Arrays.copyOf(mac.doFinal(), HandshakeMessages.FOLDER_TAG_LENGTH);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
        }
    }

    @Override
    public String toString() {
        return "FolderSecret[" + folder + "]"; // never the secret
    }
}
