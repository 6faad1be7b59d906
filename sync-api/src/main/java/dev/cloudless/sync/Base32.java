package dev.cloudless.sync;

/**
 * Strict RFC 4648 Base32 (alphabet {@code A-Z2-7}) without padding, as used by key strings and
 * device ids.
 *
 * <p>Bits are taken most significant first: each character carries the next 5 bits of the byte
 * stream; the last character is filled with zero bits. "Strict" means exactly one text decodes to
 * given bytes: the character count must be the one {@link #encode} produces, and the unused
 * trailing bits must be zero. Decoding is case-insensitive; callers strip separators first.
 */
final class Base32 {
    static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final byte[] VALUES = new byte[128];

    static {
        java.util.Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            char c = ALPHABET.charAt(i);
            VALUES[c] = (byte) i;
            VALUES[Character.toLowerCase(c)] = (byte) i;
        }
    }

    private Base32() {}

    /** The 5-bit value of {@code c} (either case), or -1 if {@code c} is not a Base32 character. */
    static int value(char c) {
        return c < VALUES.length ? VALUES[c] : -1;
    }

    /** The character for a 5-bit value. */
    static char digit(int value) {
        return ALPHABET.charAt(value);
    }

    /** Characters needed for {@code bytes} bytes: ceil(8 * bytes / 5). */
    static int encodedLength(int bytes) {
        return (bytes * 8 + 4) / 5;
    }

    /** Whether some byte count encodes to exactly {@code chars} characters (not 1, 3 or 6 modulo 8). */
    static boolean isValidLength(int chars) {
        return encodedLength(chars * 5 / 8) == chars;
    }

    static String encode(byte[] data) {
        StringBuilder sb = new StringBuilder(encodedLength(data.length));
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                sb.append(digit((buffer >>> bits) & 0x1f));
            }
        }
        if (bits > 0) {
            sb.append(digit((buffer << (5 - bits)) & 0x1f));
        }
        return sb.toString();
    }

    /**
     * Decodes strictly.
     *
     * @throws IllegalArgumentException on a character outside the alphabet, a length no byte count
     *     encodes to, or non-zero unused trailing bits
     */
    static byte[] decode(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (value(text.charAt(i)) < 0) {
                throw new IllegalArgumentException(notBase32(text.charAt(i), i + 1));
            }
        }
        if (!isValidLength(text.length())) {
            throw new IllegalArgumentException(text.length() + " characters is not a valid Base32 length");
        }
        if (!hasZeroTail(text)) {
            throw new IllegalArgumentException("non-zero unused bits in the last Base32 character");
        }
        return decodeBits(text);
    }

    /**
     * Decodes a text whose characters and length were already checked, ignoring the unused
     * trailing bits (see {@link #hasZeroTail}); lets a caller check a checksum first.
     */
    static byte[] decodeBits(CharSequence text) {
        byte[] out = new byte[text.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            buffer = (buffer << 5) | value(text.charAt(i));
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                if (n < out.length) {
                    out[n++] = (byte) (buffer >>> bits);
                }
            }
        }
        return out;
    }

    /** Whether the bits of the last character beyond the last whole byte are zero (length already checked). */
    static boolean hasZeroTail(CharSequence text) {
        int unused = text.length() * 5 % 8;
        if (unused == 0) {
            return true;
        }
        int last = value(text.charAt(text.length() - 1));
        return (last & ((1 << unused) - 1)) == 0;
    }

    /** The message for a character outside the alphabet; {@code position} counts from 1. */
    static String notBase32(char c, int position) {
        String shown = c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
        return "character " + shown + " at position " + position
                + " is not Base32 (letters A-Z and digits 2-7; 0, 1, 8 and 9 never occur)";
    }
}
