package dev.cloudless.sync.core.keys;

import dev.cloudless.sync.core.crypto.Digests;
import dev.cloudless.sync.AccessLevel;
import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.core.crypto.Ed25519;
import dev.cloudless.sync.core.crypto.Hkdf;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Everything the engine derives from one folder key, at that key's level.
 *
 * <pre>{@code
 * FolderSecrets secrets = FolderSecrets.of(SyncKey.parse(text));
 * tracker.announce(secrets.discoveryId());                 // same for W, R and E
 * srp.login(secrets.handshakeSecret());                    // same for W, R and E
 * secrets.signingKey().ifPresent(k -> record.sign(k));     // W only
 * byte[] contentKey = secrets.contentKey().orElseThrow();  // W and R; E serves ciphertext only
 * }</pre>
 *
 * <h2>Derivation</h2>
 *
 * <p>All HKDF calls are HKDF-SHA-256 (RFC 5869) with {@code info = "cloudless-sync v1 " + purpose}
 * ({@link Hkdf#label}), an empty salt unless stated, and 32 bytes of output:
 *
 * <pre>
 * signing seed    = HKDF(s_rw, "signing")          vk = Ed25519 public key of the seed    [W]
 * s_ro            = HKDF(s_rw, "read-only")                                               [W]
 * s_enc           = HKDF(s_ro, "encrypted")                                               [W R]
 * contentKey      = HKDF(s_ro, "content")                                                 [W R]
 * folderSecret    = HKDF(ikm = s_enc, salt = vk, "folder")                                [W R E]
 * discoverySecret = HKDF(folderSecret, "discovery");  discoveryId = SHA-1(discoverySecret) [W R E]
 * handshakeSecret = HKDF(folderSecret, "handshake")                                       [W R E]
 * </pre>
 *
 * <p>Each step is one-way, so a level yields everything to its right in the chain and nothing to
 * its left. Salting the folder secret with {@code vk} binds the verification key into the folder:
 * a read-only key string whose {@code vk} was replaced (with a valid checksum recomputed) lands in
 * a different folder, with other peers and a failing handshake, rather than accepting records
 * signed by someone else.
 *
 * <p>Immutable and thread-safe. Accessors return copies. {@link #toString()} shows no secret.
 */
public final class FolderSecrets {
    /** Length of every derived secret and key in bytes. */
    public static final int SECRET_LENGTH = 32;
    private static final int VERSION = 1;

    private final AccessLevel level;
    private final byte[] verifyKey;
    private final byte[] discoveryId;
    private final byte[] handshakeSecret;
    private final byte[] contentKey; // null for ENCRYPTED: it cannot be computed from s_enc
    private final Ed25519.SigningKey signingKey; // null below READ_WRITE

    private FolderSecrets(AccessLevel level, byte[] verifyKey, byte[] encryptedSecret, byte[] contentKey,
            Ed25519.SigningKey signingKey) {
        this.level = level;
        this.verifyKey = verifyKey;
        this.contentKey = contentKey;
        this.signingKey = signingKey;
        byte[] folderSecret = Hkdf.derive(encryptedSecret, verifyKey, Hkdf.label("folder"), SECRET_LENGTH);
        byte[] discoverySecret = hkdf(folderSecret, "discovery");
        this.discoveryId = Digests.sha1(discoverySecret);
        this.handshakeSecret = hkdf(folderSecret, "handshake");
        Arrays.fill(folderSecret, (byte) 0);
        Arrays.fill(discoverySecret, (byte) 0);
    }

    /** Derives the secrets of {@code key}'s folder at {@code key}'s level. */
    public static FolderSecrets of(SyncKey key) {
        return of(key.level(), key.material());
    }

    /** From a key payload (see {@link SyncKey#material()}); also the KeyDerivation service's entry point. */
    static FolderSecrets of(AccessLevel level, byte[] material) {
        Payload p = Payload.of(level, material);
        switch (level) {
            case READ_WRITE: {
                Ed25519.SigningKey signer = Ed25519.signingKey(signingSeed(p.secret));
                byte[] ro = readOnlySecret(p.secret);
                byte[] enc = encryptedSecret(ro);
                FolderSecrets s = new FolderSecrets(level, signer.publicKey(), enc, contentKey(ro), signer);
                Arrays.fill(ro, (byte) 0);
                Arrays.fill(enc, (byte) 0);
                return s;
            }
            case READ_ONLY: {
                byte[] enc = encryptedSecret(p.secret);
                FolderSecrets s = new FolderSecrets(level, p.verifyKey, enc, contentKey(p.secret), null);
                Arrays.fill(enc, (byte) 0);
                return s;
            }
            default:
                return new FolderSecrets(level, p.verifyKey, p.secret, null, null);
        }
    }

    /** The access level of the key these secrets came from. */
    public AccessLevel level() {
        return level;
    }

    /** The folder's 20-byte discovery id (a BitTorrent info-hash); public. */
    public byte[] discoveryId() {
        return discoveryId.clone();
    }

    /** The 32-byte secret both sides of a handshake prove they know; equal at every level. */
    public byte[] handshakeSecret() {
        return handshakeSecret.clone();
    }

    /** The folder's 32-byte Ed25519 verification key: every modification must carry a signature under it. */
    public byte[] verifyKey() {
        return verifyKey.clone();
    }

    /** The key that signs modifications: present only for a read-write key. */
    public Optional<Ed25519.SigningKey> signingKey() {
        return Optional.ofNullable(signingKey);
    }

    /** The 32-byte key protecting names and contents: present for read-write and read-only keys, absent for encrypted. */
    public Optional<byte[]> contentKey() {
        return contentKey == null ? Optional.empty() : Optional.of(contentKey.clone());
    }

    /** Whether {@code signature} is the folder's signature of {@code message}; any level can check. */
    public boolean verify(byte[] message, byte[] signature) {
        return Ed25519.verify(verifyKey, message, signature);
    }

    /** The level and the start of the discovery id; no secret. */
    @Override
    public String toString() {
        return "FolderSecrets[" + level.description() + ", id="
                + HexFormat.of().formatHex(Arrays.copyOf(discoveryId, 4)) + "…]";
    }

    static byte[] signingSeed(byte[] readWriteSecret) {
        return hkdf(readWriteSecret, "signing");
    }

    static byte[] readOnlySecret(byte[] readWriteSecret) {
        return hkdf(readWriteSecret, "read-only");
    }

    static byte[] encryptedSecret(byte[] readOnlySecret) {
        return hkdf(readOnlySecret, "encrypted");
    }

    private static byte[] contentKey(byte[] readOnlySecret) {
        return hkdf(readOnlySecret, "content");
    }

    private static byte[] hkdf(byte[] ikm, String purpose) {
        return Hkdf.derive(ikm, null, Hkdf.label(purpose), SECRET_LENGTH);
    }


    /** A key payload split into its fields: {@code 0x01 || secret [|| vk]}. */
    static final class Payload {
        final byte[] secret;
        final byte[] verifyKey; // null for READ_WRITE

        private Payload(byte[] secret, byte[] verifyKey) {
            this.secret = secret;
            this.verifyKey = verifyKey;
        }

        static Payload of(AccessLevel level, byte[] material) {
            int expected = level == AccessLevel.READ_WRITE ? 1 + SECRET_LENGTH : 1 + SECRET_LENGTH + Ed25519.PUBLIC_KEY_LENGTH;
            if (material.length != expected) {
                throw new IllegalArgumentException("the " + level.description() + " payload is " + expected
                        + " bytes, got " + material.length);
            }
            if (material[0] != VERSION) {
                throw new IllegalArgumentException("unsupported key version " + (material[0] & 0xff));
            }
            byte[] secret = Arrays.copyOfRange(material, 1, 1 + SECRET_LENGTH);
            byte[] vk = level == AccessLevel.READ_WRITE ? null : Arrays.copyOfRange(material, 1 + SECRET_LENGTH, expected);
            return new Payload(secret, vk);
        }

        /** {@code 0x01 || secret || vk} */
        static byte[] encode(byte[] secret, byte[] verifyKey) {
            byte[] out = new byte[1 + SECRET_LENGTH + Ed25519.PUBLIC_KEY_LENGTH];
            out[0] = VERSION;
            System.arraycopy(secret, 0, out, 1, SECRET_LENGTH);
            System.arraycopy(verifyKey, 0, out, 1 + SECRET_LENGTH, Ed25519.PUBLIC_KEY_LENGTH);
            return out;
        }
    }
}
