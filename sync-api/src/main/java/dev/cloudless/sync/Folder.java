package dev.cloudless.sync;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * A folder shared by a running {@link SyncNode}. Obtained from {@link SyncNode#folders()} or
 * {@link SyncNode#addFolder}; thread-safe; its methods never block on the network.
 */
public interface Folder {
    /** The folder's discovery id in hex, its stable identifier ({@link SyncKey#discoveryIdHex()}). */
    String id();

    /** The folder on disk. */
    Path path();

    /** What this node may do in the folder. */
    AccessLevel accessLevel();

    /** The configuration the folder was added with. */
    FolderConfig config();

    /** A snapshot of progress and counts. */
    FolderStatus status();

    /** The peers connected for this folder. */
    List<PeerInfo> peers();

    /**
     * The addresses discovery methods reported for this folder and have not yet expired, with
     * which method found each and when; excludes this node itself. Configured known hosts are
     * not listed unless a method reported them too.
     */
    List<DiscoveredPeer> discoveredPeers();

    /** Every entry the index knows (live and deleted), with its sync state, in path order. */
    List<FileInfo> files();

    /** Stops scanning, sending and receiving for this folder; connections stay up. */
    void pause();

    /** Undoes {@link #pause()}. */
    void resume();

    /** Asks for a full rescan now (it runs in the background). */
    void rescan();

    /** Lets the pending deletions of a scan that tripped the mass-delete guard go ahead. */
    void confirmDeletions();

    /** Dials an additional peer address for this folder, now and after disconnects. */
    void addPeer(InetSocketAddress address);

    /**
     * On a read-only folder, discards local changes (moving changed files to the archive) and
     * brings the folder back to the global state; no-op on a read-write folder.
     */
    void revertLocalChanges();
}
