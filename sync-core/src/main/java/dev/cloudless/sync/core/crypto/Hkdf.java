package dev.cloudless.sync.core.crypto;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA-256 (RFC 5869): the one key-derivation function of the project.
 *
 * <p>Every secret derived anywhere (key levels, discovery id, handshake secret, session keys)
 * goes through {@link #derive}, each with its own {@code info} label, so that no two uses of
 * one input key can ever produce related outputs.
 *
 * <pre>{@code
 * byte[] roSecret = Hkdf.derive(rwSecret, null, Hkdf.label("read-only"), 32);
 * }</pre>
 */
public final class Hkdf {
    /** Output length of the underlying hash, in bytes. */
    public static final int HASH_LEN = 32;
    /** RFC 5869 §2.3: L &lt;= 255 * HashLen. */
    public static final int MAX_OUTPUT_LEN = 255 * HASH_LEN;
    private static final String HMAC = "HmacSHA256";
    private static final String LABEL_PREFIX = "cloudless-sync v1 ";

    private Hkdf() {}

    /** The project's domain-separated {@code info} for {@code purpose}: {@code "cloudless-sync v1 " + purpose}. */
    public static byte[] label(String purpose) {
        return (LABEL_PREFIX + purpose).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** HKDF-Extract: PRK = HMAC-Hash(salt, IKM); an absent or empty salt means HashLen zero bytes. */
    public static byte[] extract(byte[] salt, byte[] ikm) {
        byte[] s = salt == null || salt.length == 0 ? new byte[HASH_LEN] : salt;
        Mac mac = mac(s);
        return mac.doFinal(ikm);
    }

    /** HKDF-Expand: T(1) | T(2) | ... truncated to {@code length} bytes. */
    public static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length < 0 || length > MAX_OUTPUT_LEN) {
            throw new IllegalArgumentException("HKDF output length must be 0.." + MAX_OUTPUT_LEN + ", was " + length);
        }
        if (prk.length < HASH_LEN) {
            throw new IllegalArgumentException("HKDF PRK must be at least " + HASH_LEN + " bytes, was " + prk.length);
        }
        Mac mac = mac(prk);
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        int done = 0;
        for (int i = 1; done < length; i++) {
            mac.update(t);
            if (info != null) {
                mac.update(info);
            }
            mac.update((byte) i);
            t = mac.doFinal();
            int n = Math.min(t.length, length - done);
            System.arraycopy(t, 0, out, done, n);
            done += n;
        }
        return out;
    }

    /** Extract then expand. */
    public static byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length) {
        return expand(extract(salt, ikm), info, length);
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
        }
    }

}
