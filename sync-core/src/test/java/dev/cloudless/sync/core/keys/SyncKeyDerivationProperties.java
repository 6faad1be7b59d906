package dev.cloudless.sync.core.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.cloudless.sync.AccessLevel;
import dev.cloudless.sync.SyncKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** The derivation chain's promises, for random read-write secrets. */
class SyncKeyDerivationProperties {
    @Property(tries = 200)
    void allLevelsMeetInTheSameFolder(@ForAll @Size(32) byte[] secret) {
        SyncKey rw = SyncKey.fromReadWriteSecret(secret);
        SyncKey ro = rw.readOnly();
        SyncKey enc = rw.encrypted();
        assertEquals(enc, ro.encrypted());
        assertEquals(AccessLevel.READ_ONLY, ro.level());
        assertEquals(AccessLevel.ENCRYPTED, enc.level());

        FolderSecrets expected = FolderSecrets.of(rw);
        for (SyncKey k : List.of(rw, ro, enc, ro.encrypted())) {
            FolderSecrets s = FolderSecrets.of(k);
            assertArrayEquals(expected.discoveryId(), k.discoveryId());
            assertArrayEquals(expected.discoveryId(), s.discoveryId());
            assertArrayEquals(expected.handshakeSecret(), s.handshakeSecret());
            assertArrayEquals(expected.verifyKey(), s.verifyKey());
        }
        assertArrayEquals(expected.contentKey().orElseThrow(), FolderSecrets.of(ro).contentKey().orElseThrow());
        // no level reveals the secret of the level above it
        assertFalse(Arrays.equals(Arrays.copyOfRange(rw.material(), 1, 33), Arrays.copyOfRange(ro.material(), 1, 33)));
        assertFalse(Arrays.equals(Arrays.copyOfRange(ro.material(), 1, 33), Arrays.copyOfRange(enc.material(), 1, 33)));
    }

    @Property(tries = 200)
    void derivedKeysRoundTripThroughText(@ForAll @Size(32) byte[] secret) {
        SyncKey rw = SyncKey.fromReadWriteSecret(secret);
        for (SyncKey k : List.of(rw, rw.readOnly(), rw.encrypted())) {
            assertEquals(k, SyncKey.parse(k.toText()));
            assertEquals(KeyVectors.keyText(k.level(), k.material()), k.toText());
        }
    }

    @Property(tries = 100)
    void differentSecretsAreDifferentFolders(@ForAll @Size(32) byte[] a, @ForAll @Size(32) byte[] b) {
        if (Arrays.equals(a, b)) {
            return;
        }
        assertNotEquals(SyncKey.fromReadWriteSecret(a).encrypted().discoveryIdHex(),
                SyncKey.fromReadWriteSecret(b).encrypted().discoveryIdHex());
    }

    @Property(tries = 200)
    void toStringNeverRevealsTheKey(@ForAll @Size(32) byte[] secret) {
        SyncKey rw = SyncKey.fromReadWriteSecret(secret);
        for (SyncKey k : List.of(rw, rw.readOnly(), rw.encrypted())) {
            String shown = k.toString() + " " + FolderSecrets.of(k);
            String text = k.toText();
            byte[] s = Arrays.copyOfRange(k.material(), 1, 33);
            String secretBase32 = KeyVectors.keyText(k.level(), s).substring(1, 8); // first 35 bits of the secret
            assertFalse(shown.contains(text.substring(1, 9)), shown);
            assertFalse(shown.toUpperCase(Locale.ROOT).contains(secretBase32), shown);
            assertFalse(shown.contains(HexFormat.of().formatHex(s, 0, 4)), shown);
            assertEquals(true, shown.startsWith("SyncKey[" + k.level().description() + ", id="), shown);
        }
    }
}
