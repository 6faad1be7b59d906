package dev.cloudless.sync.core.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-128-GCM (NIST SP 800-38D) with a 96-bit nonce and a 128-bit tag, on the JDK's
 * {@code AES/GCM/NoPadding}: the one AEAD of the data path.
 *
 * <p>Why the JDK and not BouncyCastle: HotSpot intrinsifies the JDK's AES and GHASH (AES-NI,
 * CLMUL), several GB/s on one core; BouncyCastle's pure-Java GCM is an order of magnitude slower.
 * The SunJCE provider is asked for by name first, so that an application that inserted
 * BouncyCastle's JCA provider ahead of it does not silently move our data path onto pure Java.
 *
 * <p>One instance holds one {@link Cipher} for its whole life and re-initialises it per message
 * (GCM needs a fresh nonce per message; the JDK refuses to encrypt twice under one key and nonce).
 * Not thread-safe: one instance per direction of a connection.
 *
 * <pre>{@code
 * AesGcm gcm = new AesGcm(key);                       // 16-byte key
 * int n = gcm.encrypt(nonce, aad, 0, aad.length, in, 0, in.length, out, 0);  // n = in.length + 16
 * }</pre>
 */
public final class AesGcm {
    public static final int KEY_LENGTH = 16;
    public static final int NONCE_LENGTH = 12;
    public static final int TAG_LENGTH = 16;
    private static final int TAG_BITS = TAG_LENGTH * 8;

    /**
     * Encryption is fed to the Cipher in chunks of this many bytes (a multiple of the block size).
     * HotSpot applies the AES-CTR/GHASH intrinsics only in C2-compiled callers and compiles by call
     * count, and the JDK routes inputs over 64 KiB through a separate, rarely called path: in a
     * fresh JVM, one call per 1 MiB frame stayed at about 65 MB/s for the whole of an 8 s JMH run,
     * while 16 KiB chunks reached about 3 GB/s within a second. Once warm, 16 KiB chunks match a
     * single call (4 KiB chunks cost about 15%). Decryption cannot be chunked this way: the JDK
     * buffers GCM decryption input until doFinal, since no plaintext may be released before the
     * tag is checked.
     */
    static final int ENCRYPT_CHUNK = 16384;

    private final Cipher cipher;
    private SecretKeySpec key;

    public AesGcm(byte[] key) {
        this.cipher = newCipher();
        setKey(key);
    }

    /** Replaces the key (key update); the Cipher instance is kept. */
    public void setKey(byte[] key) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("AES-128 key must be " + KEY_LENGTH + " bytes, was " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * Encrypts {@code in[inOff, inOff+inLen)} into {@code out} at {@code outOff}, appending the tag.
     *
     * @return bytes written: {@code inLen + TAG_LENGTH}
     */
    public int encrypt(byte[] nonce, byte[] aad, int aadOff, int aadLen,
                       byte[] in, int inOff, int inLen, byte[] out, int outOff) {
        try {
            init(Cipher.ENCRYPT_MODE, nonce, aad, aadOff, aadLen);
            // Chunked, see ENCRYPT_CHUNK. Chunks are whole blocks, so GCM buffers nothing between them.
            int done = 0;
            int written = 0;
            while (inLen - done > ENCRYPT_CHUNK) {
                written += cipher.update(in, inOff + done, ENCRYPT_CHUNK, out, outOff + written);
                done += ENCRYPT_CHUNK;
            }
            return written + cipher.doFinal(in, inOff + done, inLen - done, out, outOff + written);
        } catch (GeneralSecurityException e) {
            throw unexpected(e);
        }
    }

    /**
     * Encrypts all remaining bytes of {@code in} into {@code out}, appending the tag; both
     * positions advance. Heap and direct buffers both work.
     *
     * @return bytes written: {@code in.remaining() + TAG_LENGTH}
     */
    public int encrypt(byte[] nonce, byte[] aad, int aadOff, int aadLen, ByteBuffer in, ByteBuffer out) {
        if (in.hasArray() && out.hasArray()) {
            // Heap buffers take the array path, chunking included.
            int n = encrypt(nonce, aad, aadOff, aadLen, in.array(), in.arrayOffset() + in.position(), in.remaining(),
                    out.array(), out.arrayOffset() + out.position());
            in.position(in.limit());
            out.position(out.position() + n);
            return n;
        }
        // Direct buffers: the JDK already feeds its GCM intrinsic in small pieces.
        try {
            init(Cipher.ENCRYPT_MODE, nonce, aad, aadOff, aadLen);
            return cipher.doFinal(in, out);
        } catch (GeneralSecurityException e) {
            throw unexpected(e);
        }
    }

    /**
     * Verifies and decrypts {@code in[inOff, inOff+inLen)} (ciphertext then tag). Nothing is
     * released to {@code out} unless the tag is valid.
     *
     * @return bytes written: {@code inLen - TAG_LENGTH}
     * @throws AEADBadTagException if the tag does not verify
     */
    public int decrypt(byte[] nonce, byte[] aad, int aadOff, int aadLen,
                       byte[] in, int inOff, int inLen, byte[] out, int outOff) throws AEADBadTagException {
        try {
            init(Cipher.DECRYPT_MODE, nonce, aad, aadOff, aadLen);
            return cipher.doFinal(in, inOff, inLen, out, outOff);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw unexpected(e);
        }
    }

    /**
     * Verifies and decrypts all remaining bytes of {@code in} (ciphertext then tag) into
     * {@code out}.
     *
     * @return bytes written: {@code in.remaining() - TAG_LENGTH}
     * @throws AEADBadTagException if the tag does not verify
     */
    public int decrypt(byte[] nonce, byte[] aad, int aadOff, int aadLen, ByteBuffer in, ByteBuffer out)
            throws AEADBadTagException {
        try {
            init(Cipher.DECRYPT_MODE, nonce, aad, aadOff, aadLen);
            return cipher.doFinal(in, out);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw unexpected(e);
        }
    }

    private void init(int mode, byte[] nonce, byte[] aad, int aadOff, int aadLen) throws GeneralSecurityException {
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("GCM nonce must be " + NONCE_LENGTH + " bytes, was " + nonce.length);
        }
        // Per message the JDK allocates about 0.8 KB inside init (GCM state, IV and key copies) and ~0.1 KB
        // for buffered AAD (JMH -prof gc); the JCE API offers no way to reuse them. Nothing else here allocates.
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        if (aadLen > 0) {
            cipher.updateAAD(aad, aadOff, aadLen);
        }
    }

    private static RuntimeException unexpected(GeneralSecurityException e) {
        if (e instanceof ShortBufferException) {
            return new IllegalArgumentException("output buffer too small", e);
        }
        // Key and nonce lengths are checked above and buffers sized by the callers, so any other
        // failure means the platform's GCM is broken, not that the input was bad.
        return new IllegalStateException("AES/GCM failed unexpectedly", e);
    }

    private static Cipher newCipher() {
        try {
            try {
                return Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
            } catch (NoSuchProviderException e) {
                return Cipher.getInstance("AES/GCM/NoPadding"); // a JDK without SunJCE: its default provider
            }
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is required by the Java platform", e);
        }
    }
}
