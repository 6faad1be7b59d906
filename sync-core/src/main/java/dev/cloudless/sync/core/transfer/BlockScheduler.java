package dev.cloudless.sync.core.transfer;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.core.block.Block;
import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.crypto.Digests;
import dev.cloudless.sync.core.path.FolderPath;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Spreads block requests of one folder over the connected peers and verifies every answer.
 *
 * <p>Each {@link #fetch} goes to the candidate with the fewest requests in flight, never more
 * than {@code maxInFlightPerPeer} per peer; when every candidate is busy the request waits in a
 * FIFO queue. The answer must have exactly the block's length and SHA-256: otherwise the peer
 * is reported to the {@link BadPeerListener}, removed (as by {@link #removePeer}), and the block
 * is asked from another candidate; answers to requests already sent to it are still checked
 * and may report it again. A
 * peer whose request fails is not asked for that block again; when no candidate is left the
 * fetch fails with {@link NoSourceException}.
 *
 * <pre>{@code
 * BlockScheduler s = new BlockScheduler(16, (peer, path, block) -> node.disconnect(peer));
 * s.addPeer(session);                            // a PeerLink
 * s.fetch(path, block, List.of(session.device())).thenAccept(bytes -> ...);
 * }</pre>
 *
 * <p>Thread-safe. Peer callbacks may complete on any thread (a network event loop): the hash is
 * then checked on the verifier executor given to the constructor, so nothing slow runs there.
 */
public final class BlockScheduler {
    private final int maxInFlightPerPeer;
    private final BadPeerListener onBad;
    private final Executor verifier;
    private final Map<DeviceId, PeerLink> peers = new LinkedHashMap<>();
    // Per device, not per link: a replaced link's answers still free their slots.
    private final Map<DeviceId, Integer> inFlight = new HashMap<>();
    private final Deque<Request> queue = new ArrayDeque<>();

    /** A scheduler that verifies answers on the thread that completes the peer's future. */
    public BlockScheduler(int maxInFlightPerPeer, BadPeerListener onBad) {
        this(maxInFlightPerPeer, onBad, Runnable::run);
    }

    /** A scheduler that verifies answers (one SHA-256 per block) on {@code verifier}. */
    public BlockScheduler(int maxInFlightPerPeer, BadPeerListener onBad, Executor verifier) {
        if (maxInFlightPerPeer < 1) {
            throw new IllegalArgumentException("maxInFlightPerPeer must be >= 1, was " + maxInFlightPerPeer);
        }
        this.maxInFlightPerPeer = maxInFlightPerPeer;
        this.onBad = Objects.requireNonNull(onBad, "onBad");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    /** Makes {@code peer} available for requests, replacing an earlier link of the same device. */
    public void addPeer(PeerLink peer) {
        Objects.requireNonNull(peer, "peer");
        synchronized (this) {
            peers.put(peer.device(), peer);
        }
        dispatch();
    }

    /**
     * Stops sending requests to {@code device}. Requests already sent complete as the link
     * completes them (a closed session fails them, and they move to other candidates).
     */
    public void removePeer(DeviceId device) {
        synchronized (this) {
            peers.remove(device);
        }
        dispatch(); // queued requests that only had this candidate now fail
    }

    /** The devices currently available. */
    public synchronized Set<DeviceId> peers() {
        return Set.copyOf(peers.keySet());
    }

    /**
     * Fetches and verifies one block from one of {@code candidates}.
     *
     * @return a future of a buffer holding exactly the block's bytes (position 0, limit length),
     *     or failing with {@link NoSourceException} when no candidate can serve it
     */
    public CompletableFuture<ByteBuffer> fetch(FolderPath path, Block block, Collection<DeviceId> candidates) {
        Request r = new Request(Objects.requireNonNull(path, "path"), Objects.requireNonNull(block, "block"),
                new HashSet<>(candidates));
        synchronized (this) {
            queue.addLast(r);
        }
        dispatch();
        return r.result;
    }

    /** Requests waiting for a free peer (for tests and status). */
    synchronized int queued() {
        return queue.size();
    }

    /** Requests in flight to {@code device}. */
    synchronized int inFlight(DeviceId device) {
        return inFlight.getOrDefault(device, 0);
    }

    /** Starts every queued request that has a free candidate, fails those that have none left. */
    private void dispatch() {
        List<Runnable> actions = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Request> it = queue.iterator(); it.hasNext(); ) {
                Request r = it.next();
                PeerLink best = null;
                int bestLoad = Integer.MAX_VALUE;
                boolean anyAlive = false;
                for (DeviceId d : r.candidates) {
                    PeerLink link = peers.get(d);
                    if (link == null || r.excluded.contains(d)) {
                        continue;
                    }
                    anyAlive = true;
                    int load = inFlight.getOrDefault(d, 0);
                    if (load < maxInFlightPerPeer && load < bestLoad) {
                        best = link;
                        bestLoad = load;
                    }
                }
                if (!anyAlive) {
                    it.remove();
                    String why = r.candidates.isEmpty() ? "no candidate peers"
                            : "all " + r.candidates.size() + " candidates disconnected or failed";
                    actions.add(() -> r.result.completeExceptionally(new NoSourceException(r.path, r.block, why)));
                } else if (best != null) {
                    it.remove();
                    inFlight.merge(best.device(), 1, Integer::sum);
                    PeerLink chosen = best;
                    actions.add(() -> send(r, chosen));
                }
            }
        }
        actions.forEach(Runnable::run); // outside the lock: they call into the link and user code
    }

    private void send(Request r, PeerLink peer) {
        CompletableFuture<ByteBuffer> answer;
        try {
            answer = peer.requestBlock(r.path, r.block.offset(), r.block.length(), r.block.hash());
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((buf, err) -> {
            if (err != null) {
                retry(r, peer);
                return;
            }
            try {
                verifier.execute(() -> verify(r, peer, buf));
            } catch (RuntimeException e) {
                retry(r, peer); // verifier rejected the task (shut down)
            }
        });
    }

    private void verify(Request r, PeerLink peer, ByteBuffer buf) {
        boolean good = buf != null && buf.remaining() == r.block.length()
                && hash(buf.duplicate()).equals(r.block.hash());
        if (!good) {
            synchronized (this) {
                // Stop asking it at once; the listener disconnects it. Only this link: a
                // reconnected session of the same device (a new link) stays.
                peers.remove(peer.device(), peer);
            }
            try {
                onBad.badBlock(peer.device(), r.path, r.block);
            } finally {
                retry(r, peer);
            }
            return;
        }
        finish(peer);
        ByteBuffer out = buf.slice();
        r.result.complete(out);
    }

    private void retry(Request r, PeerLink peer) {
        r.excluded.add(peer.device());
        finish(peer);
        synchronized (this) {
            queue.addFirst(r); // it has waited longest
        }
        dispatch();
    }

    private void finish(PeerLink peer) {
        synchronized (this) {
            inFlight.computeIfPresent(peer.device(), (d, n) -> n == 1 ? null : n - 1);
        }
        dispatch();
    }

    static Sha256 hash(ByteBuffer buf) {
        MessageDigest sha = Digests.sha256();
        sha.update(buf);
        return Sha256.of(sha.digest());
    }

    private static final class Request {
        final FolderPath path;
        final Block block;
        final Set<DeviceId> candidates;
        final Set<DeviceId> excluded = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final CompletableFuture<ByteBuffer> result = new CompletableFuture<>();

        Request(FolderPath path, Block block, Set<DeviceId> candidates) {
            this.path = path;
            this.block = block;
            this.candidates = candidates;
        }
    }
}
