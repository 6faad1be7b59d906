package dev.cloudless.sync;

import static dev.cloudless.sync.KeyTexts.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * SyncKey with sync-api alone: parsing, printing and every parse error. The derivations need
 * sync-core and are tested there (FolderSecretsTest, SyncKeyDerivationProperties).
 */
class SyncKeyTest {
    private static String parseError(String text) {
        return assertThrows(IllegalArgumentException.class, () -> SyncKey.parse(text)).getMessage();
    }

    private static void assertNeedsSyncCore(Executable call) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        assertTrue(e.getMessage().startsWith("sync-core is not on the class path"), e.getMessage());
    }

    @Test
    void parsesTheKnownAnswerKeys() {
        SyncKey w = SyncKey.parse(KeyTexts.W);
        assertEquals(AccessLevel.READ_WRITE, w.level());
        assertArrayEquals(hex(KeyTexts.W_MATERIAL), w.material());
        assertEquals(KeyTexts.W, w.toText());
        assertEquals(61, KeyTexts.W.length());

        SyncKey r = SyncKey.parse(KeyTexts.R);
        assertEquals(AccessLevel.READ_ONLY, r.level());
        assertArrayEquals(hex(KeyTexts.R_MATERIAL), r.material());
        assertEquals(KeyTexts.R, r.toText());
        assertEquals(112, KeyTexts.R.length());

        SyncKey e = SyncKey.parse(KeyTexts.E);
        assertEquals(AccessLevel.ENCRYPTED, e.level());
        assertArrayEquals(hex(KeyTexts.E_MATERIAL), e.material());
        assertEquals(KeyTexts.E, e.toText());
    }

    @Test
    void fromReadWriteSecretBuildsTheReadWriteKeyOfThatSecret() {
        byte[] secret = new byte[32];
        for (int i = 0; i < 32; i++) {
            secret[i] = (byte) i;
        }
        assertEquals(KeyTexts.W, SyncKey.fromReadWriteSecret(secret).toText());
        assertEquals("a read-write secret is 32 bytes, got 31",
                assertThrows(IllegalArgumentException.class, () -> SyncKey.fromReadWriteSecret(new byte[31])).getMessage());
    }

    @Test
    void parseIgnoresCaseDashesAndWhiteSpace() {
        StringBuilder grouped = new StringBuilder();
        String lower = KeyTexts.R.toLowerCase();
        for (int i = 0; i < lower.length(); i++) {
            grouped.append(lower.charAt(i));
            if (i % 5 == 4) {
                grouped.append(i % 20 == 19 ? "\r\n" : i % 10 == 9 ? "\u00a0" : "-");
            }
        }
        assertEquals(SyncKey.parse(KeyTexts.R), SyncKey.parse("  \t" + grouped + " \n"));
    }

    @Test
    void generateMakesNewReadWriteKeys() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            SyncKey key = SyncKey.generate();
            assertEquals(AccessLevel.READ_WRITE, key.level());
            assertEquals(key, SyncKey.parse(key.toText()));
            assertTrue(seen.add(key.toText()), "a repeated key");
        }
    }

    @Test
    void emptyTextIsRejected() {
        assertEquals("a sync key must not be empty", parseError(""));
        assertEquals("a sync key must not be empty", parseError(" -- \n"));
        assertThrows(NullPointerException.class, () -> SyncKey.parse(null));
    }

    @Test
    void unknownPrefixIsNamed() {
        assertEquals("unknown access level prefix 'A': a sync key starts with W (read-write), R (read-only) "
                + "or E (encrypted)", parseError(KeyTexts.W.substring(1)));
        assertTrue(parseError("X" + KeyTexts.W.substring(1)).startsWith("unknown access level prefix 'X'"));
    }

    @Test
    void aCharacterOutsideBase32IsNamedWithItsPositionInTheInput() {
        String typo = KeyTexts.W.substring(0, 10) + "1" + KeyTexts.W.substring(11);
        assertEquals("character '1' at position 11 is not Base32 (letters A-Z and digits 2-7; 0, 1, 8 and 9 never occur)",
                parseError(typo));
        // positions count the characters as typed, separators included
        assertTrue(parseError("W-AE-0" + KeyTexts.W.substring(4)).startsWith("character '0' at position 6 "));
    }

    @Test
    void wrongLengthSaysExpectedAndGot() {
        assertEquals("wrong length for a read-write key: expected 60 Base32 characters after the prefix W, got 59",
                parseError(KeyTexts.W.substring(0, 60)));
        assertEquals("wrong length for a read-only key: expected 111 Base32 characters after the prefix R, got 112",
                parseError(KeyTexts.R + "A"));
        assertEquals("wrong length for a read-only key: expected 111 Base32 characters after the prefix R, got 60 "
                + "(the length of a read-write key: is the prefix mistyped?)", parseError("R" + KeyTexts.W.substring(1)));
        assertEquals("wrong length for a read-write key: expected 60 Base32 characters after the prefix W, got 111 "
                + "(the length of a read-only or encrypted key: is the prefix mistyped?)", parseError("W" + KeyTexts.E.substring(1)));
        assertTrue(parseError("E" + KeyTexts.W.substring(1)).startsWith("wrong length for an encrypted key: expected 111"));
    }

    @Test
    void hugeInputIsALengthError() {
        String huge = "R" + "A".repeat(5_000_000);
        assertEquals("wrong length for a read-only key: expected 111 Base32 characters after the prefix R, got 5000000",
                parseError(huge));
    }

    @Test
    void checksumMismatchSaysTypoOrTransposition() {
        String typo = KeyTexts.W.substring(0, 20) + (KeyTexts.W.charAt(20) == 'A' ? 'B' : 'A') + KeyTexts.W.substring(21);
        assertEquals("checksum mismatch: a character is mistyped or two are swapped", parseError(typo));
        // the prefix letter is covered too: the same body under another prefix of the same length
        assertEquals("checksum mismatch: a character is mistyped or two are swapped", parseError("E" + KeyTexts.R.substring(1)));
    }

    @Test
    void nonZeroUnusedBitsAreRejected() {
        // 37 bytes = 296 bits in 60 characters: the last character's 4 low bits are unused. Setting one
        // leaves every data bit, hence the checksum, intact.
        char last = KeyTexts.W.charAt(60);
        String altered = KeyTexts.W.substring(0, 60) + Base32.digit(Base32.value(last) | 1);
        assertNotEquals(KeyTexts.W, altered);
        assertEquals("the last character has non-zero unused bits, so it is mistyped", parseError(altered));
    }

    @Test
    void unsupportedVersionIsNamed() {
        byte[] payload = hex(KeyTexts.W_MATERIAL);
        payload[0] = 2;
        assertEquals("unsupported key version 2: this library reads version 1",
                parseError(KeyTexts.text(AccessLevel.READ_WRITE, payload)));
    }

    @Test
    void aVerificationKeyThatIsNoCurvePointIsRejected() {
        byte[] payload = hex(KeyTexts.R_MATERIAL);
        // y = 2 is not the y of any point on edwards25519
        byte[] notAPoint = new byte[32];
        notAPoint[0] = 2;
        System.arraycopy(notAPoint, 0, payload, 33, 32);
        assertEquals("the verification key inside this read-only key is not a valid Ed25519 public key",
                parseError(KeyTexts.text(AccessLevel.READ_ONLY, payload)));
        // the identity point decodes but has order 1: anyone could "sign" for it
        byte[] identity = new byte[32];
        identity[0] = 1;
        System.arraycopy(identity, 0, payload, 33, 32);
        assertEquals("the verification key inside this encrypted key is not a valid Ed25519 public key",
                parseError(KeyTexts.text(AccessLevel.ENCRYPTED, payload)));
    }

    @Test
    void withoutSyncCoreOnlyTheDerivationsFail() {
        SyncKey w = SyncKey.parse(KeyTexts.W);
        SyncKey r = SyncKey.parse(KeyTexts.R);
        SyncKey e = SyncKey.parse(KeyTexts.E);
        assertNeedsSyncCore(w::discoveryId);
        assertNeedsSyncCore(e::discoveryIdHex);
        assertNeedsSyncCore(w::readOnly);
        assertNeedsSyncCore(w::encrypted);
        assertNeedsSyncCore(r::encrypted);
        assertSame(r, r.readOnly());
        assertSame(e, e.encrypted());
        assertEquals("SyncKey[read-write]", w.toString());
        assertEquals("SyncKey[encrypted]", e.toString());
    }

    @Test
    void anEncryptedKeyCannotGoBackToReadOnly() {
        IllegalStateException ex = assertThrows(IllegalStateException.class, () -> SyncKey.parse(KeyTexts.E).readOnly());
        assertEquals("an encrypted key cannot be turned into a read-only key: the levels are one-way "
                + "(read-write -> read-only -> encrypted)", ex.getMessage());
    }

    @Test
    void equalityIsLevelAndMaterial() {
        SyncKey r = SyncKey.parse(KeyTexts.R);
        assertEquals(r, SyncKey.parse(KeyTexts.R.toLowerCase()));
        assertEquals(r.hashCode(), SyncKey.parse(KeyTexts.R).hashCode());
        assertNotEquals(r, SyncKey.parse(KeyTexts.E));
        // same bytes, different level: different keys
        SyncKey sameBytesAsE = SyncKey.parse(KeyTexts.text(AccessLevel.ENCRYPTED, hex(KeyTexts.R_MATERIAL)));
        assertArrayEquals(r.material(), sameBytesAsE.material());
        assertNotEquals(r, sameBytesAsE);
        assertFalse(r.equals(KeyTexts.R));
    }

    @Test
    void materialIsACopy() {
        SyncKey w = SyncKey.parse(KeyTexts.W);
        w.material()[5] ^= 1;
        assertArrayEquals(hex(KeyTexts.W_MATERIAL), w.material());
        assertEquals(KeyTexts.W, w.toText());
    }
}
