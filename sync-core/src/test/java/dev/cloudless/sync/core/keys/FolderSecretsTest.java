package dev.cloudless.sync.core.keys;

import static dev.cloudless.sync.core.keys.KeyVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.AccessLevel;
import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.core.crypto.Ed25519;
import dev.cloudless.sync.core.crypto.Hkdf;
import dev.cloudless.sync.spi.KeyDerivation;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Pins the derivation to the known-answer vectors of docs/PROTOCOL.md, step by step. */
class FolderSecretsTest {
    private static final SyncKey W = SyncKey.fromReadWriteSecret(KeyVectors.S_RW);

    @Test
    void eachDerivationStepMatchesItsVector() {
        byte[] seed = Hkdf.derive(KeyVectors.S_RW, new byte[0], Hkdf.label("signing"), 32);
        assertEquals(KeyVectors.SIGNING_SEED, hex(seed));
        assertEquals(KeyVectors.VERIFY_KEY, hex(Ed25519.publicKey(seed)));
        byte[] ro = Hkdf.derive(KeyVectors.S_RW, new byte[0], Hkdf.label("read-only"), 32);
        assertEquals(KeyVectors.S_RO, hex(ro));
        byte[] enc = Hkdf.derive(ro, new byte[0], Hkdf.label("encrypted"), 32);
        assertEquals(KeyVectors.S_ENC, hex(enc));
        assertEquals(KeyVectors.CONTENT_KEY, hex(Hkdf.derive(ro, new byte[0], Hkdf.label("content"), 32)));
        byte[] folder = Hkdf.derive(enc, hex(KeyVectors.VERIFY_KEY), Hkdf.label("folder"), 32);
        assertEquals(KeyVectors.FOLDER_SECRET, hex(folder));
        assertEquals(KeyVectors.HANDSHAKE_SECRET, hex(Hkdf.derive(folder, new byte[0], Hkdf.label("handshake"), 32)));
        byte[] discovery = Hkdf.derive(folder, new byte[0], Hkdf.label("discovery"), 32);
        assertEquals(KeyVectors.DISCOVERY_ID, hex(sha1(discovery)));
    }

    @Test
    void syncKeyProducesTheVectorKeyStrings() {
        assertEquals(KeyVectors.W, W.toText());
        assertEquals(KeyVectors.R, W.readOnly().toText());
        assertEquals(KeyVectors.E, W.encrypted().toText());
        assertEquals(KeyVectors.DISCOVERY_ID, W.discoveryIdHex());
        // the spec's own wording of the format, implemented separately, agrees
        assertEquals(KeyVectors.W, KeyVectors.keyText(AccessLevel.READ_WRITE, KeyVectors.payload(KeyVectors.S_RW, null)));
        assertEquals(KeyVectors.R, KeyVectors.keyText(AccessLevel.READ_ONLY,
                KeyVectors.payload(hex(KeyVectors.S_RO), hex(KeyVectors.VERIFY_KEY))));
        assertEquals(KeyVectors.E, KeyVectors.keyText(AccessLevel.ENCRYPTED,
                KeyVectors.payload(hex(KeyVectors.S_ENC), hex(KeyVectors.VERIFY_KEY))));
    }

    @Test
    void folderSecretsAtEveryLevelMatchTheVectors() {
        for (String text : new String[] {KeyVectors.W, KeyVectors.R, KeyVectors.E}) {
            FolderSecrets s = FolderSecrets.of(SyncKey.parse(text));
            assertEquals(KeyVectors.DISCOVERY_ID, hex(s.discoveryId()), text);
            assertEquals(KeyVectors.HANDSHAKE_SECRET, hex(s.handshakeSecret()), text);
            assertEquals(KeyVectors.VERIFY_KEY, hex(s.verifyKey()), text);
        }
    }

    @Test
    void onlyReadWriteSignsAndEncryptedHasNoContentKey() {
        FolderSecrets w = FolderSecrets.of(SyncKey.parse(KeyVectors.W));
        FolderSecrets r = FolderSecrets.of(SyncKey.parse(KeyVectors.R));
        FolderSecrets e = FolderSecrets.of(SyncKey.parse(KeyVectors.E));
        assertEquals(AccessLevel.READ_WRITE, w.level());
        assertEquals(AccessLevel.ENCRYPTED, e.level());

        assertTrue(w.signingKey().isPresent());
        assertArrayEquals(hex(KeyVectors.VERIFY_KEY), w.signingKey().get().publicKey());
        assertFalse(r.signingKey().isPresent());
        assertFalse(e.signingKey().isPresent());

        assertEquals(KeyVectors.CONTENT_KEY, hex(w.contentKey().orElseThrow()));
        assertEquals(KeyVectors.CONTENT_KEY, hex(r.contentKey().orElseThrow()));
        assertFalse(e.contentKey().isPresent());

        byte[] record = "path=a.txt size=3".getBytes();
        byte[] sig = w.signingKey().get().sign(record);
        assertTrue(r.verify(record, sig));
        assertTrue(e.verify(record, sig));
        record[0] ^= 1;
        assertFalse(e.verify(record, sig));
    }

    /** A read-only key string whose vk was swapped (checksum recomputed) is another folder altogether. */
    @Test
    void aReplacedVerificationKeyLandsInAnotherFolder() {
        byte[] otherVk = Ed25519.publicKey(new byte[32]);
        SyncKey forged = SyncKey.parse(KeyVectors.keyText(AccessLevel.READ_ONLY,
                KeyVectors.payload(hex(KeyVectors.S_RO), otherVk)));
        FolderSecrets s = FolderSecrets.of(forged);
        assertNotEquals(KeyVectors.DISCOVERY_ID, hex(s.discoveryId()));
        assertNotEquals(KeyVectors.HANDSHAKE_SECRET, hex(s.handshakeSecret()));
        // the content key depends on s_ro only, but a peer never gets past the handshake to use it
        assertEquals(KeyVectors.CONTENT_KEY, hex(s.contentKey().orElseThrow()));
    }

    @Test
    void accessorsReturnCopies() {
        FolderSecrets s = FolderSecrets.of(W);
        s.handshakeSecret()[0] ^= 1;
        s.discoveryId()[0] ^= 1;
        s.verifyKey()[0] ^= 1;
        s.contentKey().orElseThrow()[0] ^= 1;
        assertEquals(KeyVectors.HANDSHAKE_SECRET, hex(s.handshakeSecret()));
        assertEquals(KeyVectors.DISCOVERY_ID, hex(s.discoveryId()));
        assertEquals(KeyVectors.VERIFY_KEY, hex(s.verifyKey()));
        assertEquals(KeyVectors.CONTENT_KEY, hex(s.contentKey().orElseThrow()));
    }

    @Test
    void toStringShowsNoSecret() {
        FolderSecrets s = FolderSecrets.of(W);
        assertEquals("FolderSecrets[read-write, id=d811694d…]", s.toString());
        assertEquals("SyncKey[read-write, id=d811694d…]", W.toString());
        assertEquals("SyncKey[read-only, id=d811694d…]", W.readOnly().toString());
    }

    @Test
    void theServiceLoaderFindsThisImplementation() {
        KeyDerivation d = ServiceLoader.load(KeyDerivation.class).findFirst().orElseThrow();
        assertInstanceOf(FolderKeyDerivation.class, d);
        assertEquals(KeyVectors.DISCOVERY_ID, hex(d.discoveryId(AccessLevel.ENCRYPTED, SyncKey.parse(KeyVectors.E).material())));
    }

    @Test
    void malformedMaterialIsRejected() {
        FolderKeyDerivation d = new FolderKeyDerivation();
        assertEquals("the read-write payload is 33 bytes, got 32",
                assertThrows(IllegalArgumentException.class, () -> d.readOnlyMaterial(new byte[32])).getMessage());
        byte[] v2 = KeyVectors.payload(KeyVectors.S_RW, null);
        v2[0] = 2;
        assertEquals("unsupported key version 2",
                assertThrows(IllegalArgumentException.class, () -> d.readOnlyMaterial(v2)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.encryptedMaterial(KeyVectors.payload(KeyVectors.S_RW, null)));
    }

    private static byte[] sha1(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-1").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
