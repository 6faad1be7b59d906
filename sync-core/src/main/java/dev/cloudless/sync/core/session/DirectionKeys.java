package dev.cloudless.sync.core.session;

import dev.cloudless.sync.core.crypto.AesGcm;
import dev.cloudless.sync.core.crypto.Hkdf;
import java.util.Arrays;

/**
 * The AEAD key material of one direction of a session: an AES-128 key and a 12-byte nonce base
 * (see {@link FrameSealer} for how frames use them). Immutable; accessors return copies.
 *
 * <p>{@link #next()} is the key update: after {@link Frames#REKEY_AFTER_BYTES} both ends of a
 * direction replace the material with
 * <pre>
 *   key' || nonceBase' = HKDF-SHA256(ikm = key || nonceBase, salt = none,
 *                                    info = "cloudless-sync v1 key update", 28)
 * </pre>
 * one-way, so a key that leaks later does not expose the frames sealed before the update.
 */
public final class DirectionKeys {
    public static final int KEY_LENGTH = AesGcm.KEY_LENGTH;
    public static final int NONCE_BASE_LENGTH = AesGcm.NONCE_LENGTH;
    static final int LENGTH = KEY_LENGTH + NONCE_BASE_LENGTH;

    private final byte[] key;
    private final byte[] nonceBase;

    public DirectionKeys(byte[] key, byte[] nonceBase) {
        if (key.length != KEY_LENGTH || nonceBase.length != NONCE_BASE_LENGTH) {
            throw new IllegalArgumentException("need a " + KEY_LENGTH + "-byte key and a " + NONCE_BASE_LENGTH
                    + "-byte nonce base, got " + key.length + " and " + nonceBase.length);
        }
        this.key = key.clone();
        this.nonceBase = nonceBase.clone();
    }

    /** Splits {@code okm[off, off+28)} into key (16) then nonce base (12). */
    static DirectionKeys split(byte[] okm, int off) {
        return new DirectionKeys(Arrays.copyOfRange(okm, off, off + KEY_LENGTH),
                Arrays.copyOfRange(okm, off + KEY_LENGTH, off + LENGTH));
    }

    public byte[] key() {
        return key.clone();
    }

    public byte[] nonceBase() {
        return nonceBase.clone();
    }

    /** The material after one key update. */
    public DirectionKeys next() {
        byte[] ikm = new byte[LENGTH];
        System.arraycopy(key, 0, ikm, 0, KEY_LENGTH);
        System.arraycopy(nonceBase, 0, ikm, KEY_LENGTH, NONCE_BASE_LENGTH);
        byte[] okm = Hkdf.derive(ikm, null, Hkdf.label("key update"), LENGTH);
        Arrays.fill(ikm, (byte) 0);
        DirectionKeys next = split(okm, 0);
        Arrays.fill(okm, (byte) 0);
        return next;
    }

    @Override
    public String toString() {
        return "DirectionKeys[redacted]";
    }
}
