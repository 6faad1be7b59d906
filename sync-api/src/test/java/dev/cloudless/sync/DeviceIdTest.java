package dev.cloudless.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class DeviceIdTest {
    /** RFC 8032 §7.1 TEST 1 public key. */
    private static final byte[] PUBLIC_KEY = HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    private static final String PUBLIC_KEY_ID = "EH7DD-X5BKS-RGCYT-L7BKA-I36SV";
    private static final String ALPHABET = Base32.ALPHABET;

    @Test
    void knownAnswer() {
        DeviceId id = DeviceId.fromPublicKey(PUBLIC_KEY);
        // first 15 bytes of SHA-256(public key)
        assertArrayEquals(HexFormat.of().parseHex("21fe31dfa154a261626bf854046fd2"), id.toBytes());
        assertEquals(PUBLIC_KEY_ID, id.toString());
        assertEquals(0x21fe31dfa154a261L, id.shortId());
        assertEquals(id, DeviceId.parse(PUBLIC_KEY_ID));
    }

    @Test
    void parseIgnoresCaseDashesAndWhiteSpace() {
        DeviceId id = DeviceId.fromPublicKey(PUBLIC_KEY);
        assertEquals(id, DeviceId.parse("eh7dd x5bks rgcyt l7bka i36sv"));
        assertEquals(id, DeviceId.parse(" EH7DDX5BKSRGCYTL7BKAI36SV\n"));
        assertEquals(id, DeviceId.parse("eh7-ddx5-bksrgc-ytl7bkai36sv"));
    }

    @Test
    void parseErrorsSayWhatIsWrong() {
        assertEquals("device id: character '0' at position 2 is not Base32 (letters A-Z and digits 2-7; 0, 1, 8 and 9 never occur)",
                assertThrows(IllegalArgumentException.class, () -> DeviceId.parse("E07DD-X5BKS-RGCYT-L7BKA-I36SV")).getMessage());
        assertEquals("a device id has 25 characters (24 and a check character), got 24",
                assertThrows(IllegalArgumentException.class, () -> DeviceId.parse("EH7DD-X5BKS-RGCYT-L7BKA-I36S")).getMessage());
        assertEquals("device id check character mismatch: a character is mistyped or two are swapped",
                assertThrows(IllegalArgumentException.class, () -> DeviceId.parse("EH7DD-X5BKS-RGCYT-L7BKA-I36SA")).getMessage());
        assertThrows(NullPointerException.class, () -> DeviceId.parse(null));
    }

    @Test
    void lengthsAreChecked() {
        assertEquals("an Ed25519 public key is 32 bytes, got 31",
                assertThrows(IllegalArgumentException.class, () -> DeviceId.fromPublicKey(new byte[31])).getMessage());
        assertEquals("a device id is 15 bytes, got 16",
                assertThrows(IllegalArgumentException.class, () -> DeviceId.fromBytes(new byte[16])).getMessage());
    }

    @Test
    void equalityAndOrderFollowTheBytes() {
        byte[] low = new byte[15];
        byte[] high = new byte[15];
        high[0] = (byte) 0x80; // unsigned: 0x80 sorts after 0x00
        assertTrue(DeviceId.fromBytes(low).compareTo(DeviceId.fromBytes(high)) < 0);
        assertEquals(DeviceId.fromBytes(high), DeviceId.fromBytes(high.clone()));
        assertEquals(DeviceId.fromBytes(high).hashCode(), DeviceId.fromBytes(high.clone()).hashCode());
        assertNotEquals(DeviceId.fromBytes(low), DeviceId.fromBytes(high));
        assertEquals(0x8000000000000000L, DeviceId.fromBytes(high).shortId());
    }

    /**
     * The algebra behind the check character, exhaustively over GF(32): the quasigroup is weakly
     * totally anti-symmetric ((c∘x)∘y = (c∘y)∘x only if x = y), and each row is a permutation. Those
     * two facts are exactly what makes a Damm check catch every substitution and adjacent swap.
     */
    @Test
    void theDammQuasigroupIsWeaklyTotallyAntiSymmetric() {
        for (int c = 0; c < 32; c++) {
            boolean[] seen = new boolean[32];
            for (int x = 0; x < 32; x++) {
                int r = DeviceId.dammStep(c, x);
                assertTrue(r >= 0 && r < 32 && !seen[r], "row " + c + " is not a permutation");
                seen[r] = true;
                for (int y = 0; y < 32; y++) {
                    if (x != y && DeviceId.dammStep(DeviceId.dammStep(c, x), y) == DeviceId.dammStep(DeviceId.dammStep(c, y), x)) {
                        fail("(c∘x)∘y = (c∘y)∘x for c=" + c + " x=" + x + " y=" + y);
                    }
                }
            }
        }
        // multiplication by x in GF(2)[x]/(x^5+x^2+1): x^5 = x^2 + 1
        assertEquals(0b00101, DeviceId.times2(0b10000));
        assertEquals(0b00010, DeviceId.times2(0b00001));
    }

    @Property(tries = 200)
    void textRoundTripsInFiveGroupsOfFive(@ForAll @Size(15) byte[] bytes) {
        DeviceId id = DeviceId.fromBytes(bytes);
        String text = id.toString();
        assertTrue(text.matches("[A-Z2-7]{5}(-[A-Z2-7]{5}){4}"), text);
        assertEquals(id, DeviceId.parse(text));
        assertEquals(id, DeviceId.parse(text.toLowerCase().replace("-", "")));
        assertArrayEquals(bytes, id.toBytes());
    }

    /** Exhaustive per id: all 25 positions x 31 other characters, and all 24 adjacent swaps. */
    @Property(tries = 100)
    void everySubstitutionAndAdjacentTranspositionIsRejected(@ForAll @Size(15) byte[] bytes) {
        String text = DeviceId.fromBytes(bytes).toString().replace("-", "");
        for (int i = 0; i < text.length(); i++) {
            for (int a = 0; a < 32; a++) {
                char c = ALPHABET.charAt(a);
                if (c != text.charAt(i)) {
                    assertRejected(text.substring(0, i) + c + text.substring(i + 1));
                }
            }
            if (i + 1 < text.length() && text.charAt(i) != text.charAt(i + 1)) {
                assertRejected(text.substring(0, i) + text.charAt(i + 1) + text.charAt(i) + text.substring(i + 2));
            }
        }
    }

    private static void assertRejected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceId.parse(text), text);
        assertTrue(e.getMessage().contains("check character mismatch"), e.getMessage());
    }
}
