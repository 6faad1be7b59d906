package dev.cloudless.sync.spi;

import dev.cloudless.sync.AccessLevel;

/**
 * The cryptography behind {@link dev.cloudless.sync.SyncKey}: derives the lower key levels and the
 * discovery id from key material.
 *
 * <p>Applications neither call nor implement this. sync-api holds only the JDK, so the HKDF and
 * Ed25519 computations live in sync-core, which registers its implementation in
 * {@code META-INF/services/dev.cloudless.sync.spi.KeyDerivation}; {@code SyncKey} finds it once
 * with {@link java.util.ServiceLoader} on first use. With sync-core missing from the class path,
 * parsing and printing keys still work, but {@code readOnly()}, {@code encrypted()} and
 * {@code discoveryId()} throw {@link IllegalStateException}.
 *
 * <p>All materials are key payloads exactly as in the key's text form (see
 * {@link dev.cloudless.sync.SyncKey#material()}): a version byte, the level's 32-byte secret and,
 * for the read-only and encrypted levels, the 32-byte Ed25519 verification key. Implementations
 * must be deterministic, thread-safe and must not retain the arrays they are given.
 *
 * <pre>{@code
 * // what SyncKey.readOnly() does, in essence:
 * byte[] ro = ServiceLoader.load(KeyDerivation.class).findFirst().orElseThrow()
 *         .readOnlyMaterial(readWriteKey.material());
 * }</pre>
 */
public interface KeyDerivation {
    /** From a read-write payload {@code 0x01 || s_rw}, the read-only payload {@code 0x01 || s_ro || vk}. */
    byte[] readOnlyMaterial(byte[] readWriteMaterial);

    /** From a read-only payload {@code 0x01 || s_ro || vk}, the encrypted payload {@code 0x01 || s_enc || vk}. */
    byte[] encryptedMaterial(byte[] readOnlyMaterial);

    /** The folder's 20-byte discovery id from a payload of the given level; equal for all three levels of one folder. */
    byte[] discoveryId(AccessLevel level, byte[] material);
}
