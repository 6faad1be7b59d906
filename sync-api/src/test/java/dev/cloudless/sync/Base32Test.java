package dev.cloudless.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class Base32Test {
    /** RFC 4648 §10, without the padding this project never writes. */
    @Test
    void encodesTheRfc4648TestVectors() {
        String[][] vectors = {{"", ""}, {"f", "MY"}, {"fo", "MZXQ"}, {"foo", "MZXW6"}, {"foob", "MZXW6YQ"},
                {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"}};
        for (String[] v : vectors) {
            byte[] raw = v[0].getBytes(StandardCharsets.US_ASCII);
            assertEquals(v[1], Base32.encode(raw), v[0]);
            assertArrayEquals(raw, Base32.decode(v[1]), v[1]);
            assertArrayEquals(raw, Base32.decode(v[1].toLowerCase()), "lower case " + v[1]);
        }
    }

    @Test
    void rejectsNonZeroUnusedBits() {
        // "f" = 01100 110|00: the last two bits of 'Y' (11000) are unused; 'Z' (11001) sets one.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Base32.decode("MZ"));
        assertTrue(e.getMessage().contains("unused bits"), e.getMessage());
    }

    @Test
    void rejectsLengthsNoByteCountEncodesTo() {
        for (int n = 0; n < 40; n++) {
            boolean valid = n % 8 != 1 && n % 8 != 3 && n % 8 != 6;
            assertEquals(valid, Base32.isValidLength(n), "length " + n);
        }
        assertThrows(IllegalArgumentException.class, () -> Base32.decode("MZX"));
    }

    @Test
    void rejectsCharactersOutsideTheAlphabetNamingThemAndTheirPosition() {
        for (char c : "0189=!é ".toCharArray()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Base32.decode("MZX" + c));
            assertTrue(e.getMessage().contains("position 4"), e.getMessage());
        }
        assertEquals(-1, Base32.value('\u0130')); // dotted capital I: not an ASCII letter
        assertEquals("character '1' at position 7 is not Base32 (letters A-Z and digits 2-7; 0, 1, 8 and 9 never occur)",
                Base32.notBase32('1', 7));
        assertTrue(Base32.notBase32('\u00e9', 1).contains("U+00E9"));
    }

    @Property(tries = 500)
    void decodeInvertsEncode(@ForAll @Size(max = 80) byte[] data) {
        String text = Base32.encode(data);
        assertEquals(Base32.encodedLength(data.length), text.length());
        assertTrue(Base32.isValidLength(text.length()));
        assertTrue(Base32.hasZeroTail(text));
        assertArrayEquals(data, Base32.decode(text));
    }

    @Property(tries = 300)
    void onlyTheCanonicalTextDecodes(@ForAll @Size(min = 1, max = 40) byte[] data) {
        String text = Base32.encode(data);
        int unused = text.length() * 5 % 8;
        if (unused == 0) {
            return;
        }
        char last = text.charAt(text.length() - 1);
        for (int bit = 0; bit < unused; bit++) {
            String altered = text.substring(0, text.length() - 1) + Base32.digit(Base32.value(last) ^ (1 << bit));
            assertFalse(Base32.hasZeroTail(altered));
            assertThrows(IllegalArgumentException.class, () -> Base32.decode(altered));
        }
    }
}
