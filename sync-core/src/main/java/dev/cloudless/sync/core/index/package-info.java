/**
 * Index: the per-folder persistent record of what every device believes each path is, in one
 * SQLite database per node (DESIGN.md §5).
 *
 * <p>{@link dev.cloudless.sync.core.index.FileRecord} is the record (canonical encoding, named
 * consistency errors, Ed25519 signature by the folder's read-write key);
 * {@link dev.cloudless.sync.core.index.IndexStore} opens the database and
 * {@link dev.cloudless.sync.core.index.FolderIndex} is one folder's view of it: local changes
 * with local sequences, remote records with the peers' sequences, the pull list, the scan cache
 * and the local block map. Schema, durability argument and byte diagram: {@code docs/index.md}.
 *
 * <pre>{@code
 * try (IndexStore store = IndexStore.open(dataDir.resolve(IndexStore.FILE_NAME))) {
 *     FolderIndex folder = store.folder(secrets.discoveryId());
 *     folder.applyLocal(List.of(record.sign(secrets.signingKey().orElseThrow())));
 *     folder.applyRemote(peer, recordsTheSessionVerified);
 *     folder.needed().forEach(puller::schedule);
 * }
 * }</pre>
 */
package dev.cloudless.sync.core.index;
