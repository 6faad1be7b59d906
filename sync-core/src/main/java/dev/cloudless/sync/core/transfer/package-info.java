/**
 * Transfer: turning a needed remote record into the entry on local disk (DESIGN.md §6-7).
 *
 * <p>{@link dev.cloudless.sync.core.transfer.Puller} takes one
 * {@link dev.cloudless.sync.core.index.Need} at a time: it downloads files into
 * {@code .sync/tmp} (resuming, reusing local blocks, fetching the rest through the
 * {@link dev.cloudless.sync.core.transfer.BlockScheduler}, which verifies every block against its
 * SHA-256 and spreads requests over the peers' {@link dev.cloudless.sync.core.transfer.PeerLink}s),
 * refuses to overwrite local changes the index has not seen, moves what it replaces or deletes
 * into the {@link dev.cloudless.sync.core.transfer.Archive}, resolves conflicts with conflict
 * copies and records the result in the index. The rules: {@code docs/index.md}, "Transfer".
 *
 * <pre>{@code
 * BlockScheduler scheduler = new BlockScheduler(16, (peer, path, block) -> node.disconnect(peer), ioPool);
 * scheduler.addPeer(sessionLink);
 * Puller puller = new Puller(root, folderIndex, scheduler, new Archive(root, clock),
 *         new Puller.PullSettings(me.shortId(), me.toString(), secrets.signingKey(), clock),
 *         listener, ioPool);
 * folderIndex.needed().forEach(need -> puller.pull(need).thenAccept(outcome -> ...));
 * }</pre>
 */
package dev.cloudless.sync.core.transfer;
