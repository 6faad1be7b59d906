package dev.cloudless.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AccessLevelTest {
    @Test
    void prefixesAreTheDocumentedLetters() {
        assertEquals('W', AccessLevel.READ_WRITE.prefix());
        assertEquals('R', AccessLevel.READ_ONLY.prefix());
        assertEquals('E', AccessLevel.ENCRYPTED.prefix());
    }

    @Test
    void onlyReadWriteWritesAndEncryptedReadsNothing() {
        assertTrue(AccessLevel.READ_WRITE.canWrite());
        assertTrue(AccessLevel.READ_WRITE.canRead());
        assertFalse(AccessLevel.READ_ONLY.canWrite());
        assertTrue(AccessLevel.READ_ONLY.canRead());
        assertFalse(AccessLevel.ENCRYPTED.canWrite());
        assertFalse(AccessLevel.ENCRYPTED.canRead());
    }

    @Test
    void ofPrefixAcceptsEitherCaseAndNamesAnUnknownPrefix() {
        for (AccessLevel level : AccessLevel.values()) {
            assertEquals(level, AccessLevel.ofPrefix(level.prefix()));
            assertEquals(level, AccessLevel.ofPrefix(Character.toLowerCase(level.prefix())));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AccessLevel.ofPrefix('X'));
        assertEquals("unknown access level prefix 'X': a sync key starts with W (read-write), R (read-only) "
                + "or E (encrypted)", e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AccessLevel.ofPrefix('\n'))
                .getMessage().contains("U+000A"));
    }
}
