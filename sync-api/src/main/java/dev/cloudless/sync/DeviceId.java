package dev.cloudless.sync;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The identity of a device (one node), derived from its persistent Ed25519 public key. Peers are
 * approved, refused and revoked by device id, and people compare ids by reading them aloud, so the
 * text form is short and carries a check character that catches typos.
 *
 * <pre>{@code
 * DeviceId id = DeviceId.parse("eh7dd x5bks rgcyt l7bka i36sv"); // case, '-' and spaces do not matter
 * System.out.println(id);                                        // EH7DD-X5BKS-RGCYT-L7BKA-I36SV
 * boolean same = id.equals(DeviceId.fromPublicKey(peerPublicKey));
 * }</pre>
 *
 * <h2>Format</h2>
 *
 * <p>The id is the first 15 bytes of SHA-256 of the 32-byte Ed25519 public key. Its text is those
 * 120 bits as 24 RFC 4648 Base32 characters ({@code A-Z2-7}, most significant bit first) followed
 * by one check character, printed in five groups of five joined by {@code '-'}.
 *
 * <p>The check character is a Damm check over GF(32) = GF(2)[x]/(x^5 + x^2 + 1), each character
 * standing for its 5-bit Base32 value. With the quasigroup {@code i ∘ d = a·i XOR d}, where
 * {@code a = x} (the element 2): start from {@code i = 0}, fold all 24 data digits with
 * {@code i = a·i XOR d}, and append {@code check = a·i}. A text is valid iff folding all 25 digits
 * ends at 0. Because multiplying by {@code a} is a bijection, every single substitution changes the
 * result, and because {@code (i∘x)∘y = (i∘y)∘x} forces {@code (a+1)(x+y) = 0}, that is
 * {@code x = y} ({@code a ≠ 1}), every transposition of two adjacent different characters,
 * including with the check character, changes it too.
 *
 * <p>Instances are immutable and thread-safe; equal when their bytes are equal; ordered by their
 * bytes, unsigned.
 */
public final class DeviceId implements Comparable<DeviceId> {
    /** Length of a device id in bytes. */
    public static final int LENGTH = 15;
    /** Length of an Ed25519 public key in bytes. */
    public static final int PUBLIC_KEY_LENGTH = 32;
    private static final int DATA_CHARS = 24;
    private static final int TEXT_CHARS = DATA_CHARS + 1;
    private static final int GROUP = 5;
    /** x^5 + x^2 + 1: reduction after a multiplication by x overflows into bit 5. */
    private static final int MODULUS = 0b100101;

    private final byte[] bytes;

    private DeviceId(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * The id of the device whose Ed25519 public key is {@code publicKey}.
     *
     * @throws IllegalArgumentException if the key is not 32 bytes
     */
    public static DeviceId fromPublicKey(byte[] publicKey) {
        if (publicKey.length != PUBLIC_KEY_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 public key is " + PUBLIC_KEY_LENGTH
                    + " bytes, got " + publicKey.length);
        }
        try {
            return new DeviceId(Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(publicKey), LENGTH));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /**
     * The id with the given 15 bytes, e.g. as read from the wire.
     *
     * @throws IllegalArgumentException if {@code bytes} is not 15 bytes long
     */
    public static DeviceId fromBytes(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a device id is " + LENGTH + " bytes, got " + bytes.length);
        }
        return new DeviceId(bytes.clone());
    }

    /**
     * Reads the text form, ignoring case, {@code '-'} and white space.
     *
     * @throws IllegalArgumentException if a character is not Base32 (which and where), the number
     *     of characters is not 25, or the check character does not match
     */
    public static DeviceId parse(String text) {
        Objects.requireNonNull(text, "text");
        StringBuilder digits = new StringBuilder(TEXT_CHARS);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '-' || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                continue;
            }
            if (Base32.value(c) < 0) {
                throw new IllegalArgumentException("device id: " + Base32.notBase32(c, i + 1));
            }
            digits.append(c);
        }
        if (digits.length() != TEXT_CHARS) {
            throw new IllegalArgumentException("a device id has " + TEXT_CHARS + " characters (" + DATA_CHARS
                    + " and a check character), got " + digits.length());
        }
        int check = 0;
        for (int i = 0; i < TEXT_CHARS; i++) {
            check = dammStep(check, Base32.value(digits.charAt(i)));
        }
        if (check != 0) {
            throw new IllegalArgumentException("device id check character mismatch: a character is mistyped or two are swapped");
        }
        // 24 characters are exactly 120 bits: no unused bits to check.
        return new DeviceId(Base32.decodeBits(digits.subSequence(0, DATA_CHARS)));
    }

    /** A copy of the 15 bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The first 8 bytes as a big-endian long: a compact key for version vectors, unique in practice. */
    public long shortId() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (bytes[i] & 0xff);
        }
        return v;
    }

    /** The text form, e.g. {@code EH7DD-X5BKS-RGCYT-L7BKA-I36SV}. */
    @Override
    public String toString() {
        String data = Base32.encode(bytes);
        int check = 0;
        for (int i = 0; i < DATA_CHARS; i++) {
            check = dammStep(check, Base32.value(data.charAt(i)));
        }
        String all = data + Base32.digit(times2(check));
        StringBuilder sb = new StringBuilder(TEXT_CHARS + TEXT_CHARS / GROUP - 1);
        for (int i = 0; i < TEXT_CHARS; i += GROUP) {
            if (i > 0) {
                sb.append('-');
            }
            sb.append(all, i, i + GROUP);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(DeviceId other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    /** The Damm quasigroup over GF(32): {@code interim ∘ digit = x·interim XOR digit}. */
    static int dammStep(int interim, int digit) {
        return times2(interim) ^ digit;
    }

    /** Multiplication by x in GF(2)[x]/(x^5 + x^2 + 1). */
    static int times2(int v) {
        int r = v << 1;
        return (r & 0x20) != 0 ? r ^ MODULUS : r;
    }
}
