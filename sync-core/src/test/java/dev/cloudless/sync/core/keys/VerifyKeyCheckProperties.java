package dev.cloudless.sync.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cloudless.sync.AccessLevel;
import dev.cloudless.sync.SyncKey;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * sync-api checks the verification key inside read-only and encrypted key strings with JDK
 * arithmetic alone; BouncyCastle's own public key validation (decodes canonically, not of small
 * order) must agree on every input. About half of all random 32-byte strings are valid points, so
 * both outcomes are exercised.
 */
class VerifyKeyCheckProperties {
    @Property(tries = 500)
    void syncKeyAcceptsExactlyTheKeysBouncyCastleAccepts(@ForAll @Size(32) byte[] vk, @ForAll boolean encrypted) {
        AccessLevel level = encrypted ? AccessLevel.ENCRYPTED : AccessLevel.READ_ONLY;
        String text = KeyVectors.keyText(level, KeyVectors.payload(new byte[32], vk));
        boolean bouncyCastle = org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyPartial(vk, 0);
        boolean accepted;
        try {
            SyncKey.parse(text);
            accepted = true;
        } catch (IllegalArgumentException e) {
            assertEquals("the verification key inside this " + level.description()
                    + " key is not a valid Ed25519 public key", e.getMessage());
            accepted = false;
        }
        assertEquals(bouncyCastle, accepted);
    }
}
