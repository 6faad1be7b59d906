package dev.cloudless.sync.core.scan;

import dev.cloudless.sync.core.block.ChunkerParams;
import dev.cloudless.sync.core.crypto.Ed25519;
import dev.cloudless.sync.core.ignore.IgnoreRules;
import dev.cloudless.sync.core.index.IndexStore;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a {@link FolderScanner} needs besides the root and the index.
 *
 * @param folderId the folder's id, as written in its {@link FolderMarker} (1 to
 *     {@link IndexStore#MAX_FOLDER_ID_BYTES} bytes); copied
 * @param localShortId {@code DeviceId.shortId()} of this node: the counter incremented in
 *     versions and the {@code modifiedBy} of every emitted record
 * @param signer the folder's read-write key, present for read-write folders: every emitted
 *     record is signed with it
 * @param chunker block parameters of the folder
 * @param ignores the current ignore rules, asked once at the start of each scan
 * @param clock the time of tombstones and of the racy-file check
 */
public record ScanSettings(byte[] folderId, long localShortId, Optional<Ed25519.SigningKey> signer,
                           ChunkerParams chunker, Supplier<IgnoreRules> ignores, Clock clock) {
    public ScanSettings {
        Objects.requireNonNull(folderId, "ScanSettings.folderId");
        if (folderId.length == 0 || folderId.length > IndexStore.MAX_FOLDER_ID_BYTES) {
            throw new IllegalArgumentException("ScanSettings.folderId must be 1.." + IndexStore.MAX_FOLDER_ID_BYTES
                    + " bytes, was " + folderId.length);
        }
        folderId = folderId.clone();
        Objects.requireNonNull(signer, "ScanSettings.signer");
        Objects.requireNonNull(chunker, "ScanSettings.chunker");
        Objects.requireNonNull(ignores, "ScanSettings.ignores");
        Objects.requireNonNull(clock, "ScanSettings.clock");
    }

    /** A copy of the folder id. */
    @Override
    public byte[] folderId() {
        return folderId.clone();
    }
}
