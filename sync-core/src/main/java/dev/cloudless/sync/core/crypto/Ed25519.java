package dev.cloudless.sync.core.crypto;

import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 signatures (RFC 8032, pure variant, no context): a thin wrapper over BouncyCastle that
 * speaks plain byte arrays, so no BouncyCastle type leaks into the rest of the engine.
 *
 * <p>Used for the folder's modification signatures (only read-write keys hold the seed) and for
 * device identities.
 *
 * <pre>{@code
 * Ed25519.SigningKey key = Ed25519.signingKey(seed);     // 32-byte secret seed
 * byte[] sig = key.sign(message);                        // 64 bytes, deterministic
 * boolean ok = Ed25519.verify(key.publicKey(), message, sig);
 * }</pre>
 */
public final class Ed25519 {
    /** Length of a private key seed in bytes. */
    public static final int SEED_LENGTH = 32;
    /** Length of an encoded public key in bytes. */
    public static final int PUBLIC_KEY_LENGTH = 32;
    /** Length of a signature in bytes. */
    public static final int SIGNATURE_LENGTH = 64;

    private Ed25519() {}

    /**
     * A signing key from its 32-byte seed (the RFC 8032 "private key").
     *
     * @throws IllegalArgumentException if the seed is not 32 bytes
     */
    public static SigningKey signingKey(byte[] seed) {
        if (seed.length != SEED_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 seed is " + SEED_LENGTH + " bytes, got " + seed.length);
        }
        return new SigningKey(new Ed25519PrivateKeyParameters(seed, 0));
    }

    /** The 32-byte public key of {@code seed}. */
    public static byte[] publicKey(byte[] seed) {
        return signingKey(seed).publicKey();
    }

    /**
     * Whether {@code signature} is a valid signature of {@code message} under {@code publicKey}.
     * Returns false, never throws, for a public key or signature of the wrong length, a public key
     * that is not a curve point, a public key of small order (with which anyone could "sign"),
     * and a non-canonical signature.
     */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != PUBLIC_KEY_LENGTH || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        try {
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
            verifier.update(message, 0, message.length);
            return verifier.verifySignature(signature);
        } catch (IllegalArgumentException e) {
            return false; // BouncyCastle refuses non-points and points of small order here
        }
    }

    /** An Ed25519 private key with its public key; thread-safe. {@link #toString()} hides the seed. */
    public static final class SigningKey {
        private final Ed25519PrivateKeyParameters privateKey;
        private final Ed25519PublicKeyParameters publicKey;

        private SigningKey(Ed25519PrivateKeyParameters privateKey) {
            this.privateKey = privateKey;
            this.publicKey = privateKey.generatePublicKey(); // BouncyCastle caches it for signing too
        }

        /** The 32-byte public key. */
        public byte[] publicKey() {
            return publicKey.getEncoded();
        }

        /** The 64-byte signature of {@code message} (deterministic: same message, same signature). */
        public byte[] sign(byte[] message) {
            Ed25519Signer signer = new Ed25519Signer(); // per call: a signer buffers the message
            signer.init(true, privateKey);
            signer.update(message, 0, message.length);
            return signer.generateSignature();
        }

        @Override
        public String toString() {
            return "Ed25519.SigningKey[public=" + HexFormat.of().formatHex(Arrays.copyOf(publicKey.getEncoded(), 4)) + "…]";
        }
    }
}
