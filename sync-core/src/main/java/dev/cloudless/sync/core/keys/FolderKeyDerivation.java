package dev.cloudless.sync.core.keys;

import dev.cloudless.sync.AccessLevel;
import dev.cloudless.sync.core.crypto.Ed25519;
import dev.cloudless.sync.spi.KeyDerivation;
import java.util.Arrays;

/**
 * sync-core's {@link KeyDerivation}, registered in {@code META-INF/services} so that
 * {@link dev.cloudless.sync.SyncKey} finds it; the derivation itself is documented on
 * {@link FolderSecrets}. Public only because {@link java.util.ServiceLoader} needs a public class
 * with a public no-argument constructor.
 */
public final class FolderKeyDerivation implements KeyDerivation {
    /** Called by {@link java.util.ServiceLoader}. */
    public FolderKeyDerivation() {}

    @Override
    public byte[] readOnlyMaterial(byte[] readWriteMaterial) {
        FolderSecrets.Payload rw = FolderSecrets.Payload.of(AccessLevel.READ_WRITE, readWriteMaterial);
        byte[] seed = FolderSecrets.signingSeed(rw.secret);
        byte[] ro = FolderSecrets.readOnlySecret(rw.secret);
        try {
            return FolderSecrets.Payload.encode(ro, Ed25519.publicKey(seed));
        } finally {
            Arrays.fill(seed, (byte) 0);
            Arrays.fill(ro, (byte) 0);
            Arrays.fill(rw.secret, (byte) 0);
        }
    }

    @Override
    public byte[] encryptedMaterial(byte[] readOnlyMaterial) {
        FolderSecrets.Payload ro = FolderSecrets.Payload.of(AccessLevel.READ_ONLY, readOnlyMaterial);
        byte[] enc = FolderSecrets.encryptedSecret(ro.secret);
        try {
            return FolderSecrets.Payload.encode(enc, ro.verifyKey);
        } finally {
            Arrays.fill(enc, (byte) 0);
            Arrays.fill(ro.secret, (byte) 0);
        }
    }

    @Override
    public byte[] discoveryId(AccessLevel level, byte[] material) {
        return FolderSecrets.of(level, material).discoveryId();
    }
}
