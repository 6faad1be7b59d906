package dev.cloudless.sync.core.node;

import dev.cloudless.sync.AccessLevel;
import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.PeerInfo;
import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.protocol.BlockRequest;
import dev.cloudless.sync.core.protocol.BlockResponse;
import dev.cloudless.sync.core.protocol.Close;
import dev.cloudless.sync.core.protocol.Hello;
import dev.cloudless.sync.core.protocol.IndexDelta;
import dev.cloudless.sync.core.protocol.IndexResend;
import dev.cloudless.sync.core.protocol.IndexUpdate;
import dev.cloudless.sync.core.protocol.Message;
import dev.cloudless.sync.core.protocol.MessageDecoder;
import dev.cloudless.sync.core.protocol.MessageEncoder;
import dev.cloudless.sync.core.protocol.PeerExchange;
import dev.cloudless.sync.core.protocol.Ping;
import dev.cloudless.sync.core.protocol.Progress;
import dev.cloudless.sync.core.protocol.ProtocolException;
import dev.cloudless.sync.core.session.SecureChannel;
import dev.cloudless.sync.core.transfer.PeerLink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One authenticated session with a peer for one folder: decodes the peer's messages, hands
 * index updates to the folder, serves block requests and implements {@link PeerLink} for the
 * puller. Network callbacks arrive on a transport thread and return at once; disk and index
 * work goes to the node's executor.
 */
final class PeerSession implements SecureChannel.Listener<FolderRunner>, PeerLink {
    /** Requests of the peer served concurrently; more are answered BUSY. */
    static final int MAX_SERVING = 64;
    /** A block request unanswered for this long fails (and is retried elsewhere). */
    static final long REQUEST_TIMEOUT_SECONDS = 60;
    /** Messages kept from a peer before its session is admitted; more is a protocol violation. */
    static final int MAX_EARLY_MESSAGES = 1024;
    /** Responses held for a slow connection; beyond this, requests are answered BUSY. */
    static final long MAX_OUTBOX_BYTES = 32L << 20;

    private final EngineNode node;
    private final InetSocketAddress dialed;
    private final MessageDecoder decoder = new MessageDecoder();
    private final Map<Integer, CompletableFuture<ByteBuffer>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger nextRequest = new AtomicInteger();
    private final AtomicInteger serving = new AtomicInteger();
    private final AtomicLong outboxBytes = new AtomicLong();
    private final AtomicLong blockBytesIn = new AtomicLong();
    private final AtomicLong blockBytesOut = new AtomicLong();
    private final RateMeter rateIn = new RateMeter();
    private final RateMeter rateOut = new RateMeter();
    /** Responses waiting for the connection to drain; touched only under {@code this}. */
    private final ArrayDeque<ByteBuffer> outbox = new ArrayDeque<>();
    /** Messages received before the folder admitted the session; touched only under {@code this}. */
    private final java.util.List<Message> early = new java.util.ArrayList<>();
    private volatile SecureChannel<FolderRunner> channel;
    private volatile FolderRunner folder;
    private volatile Hello hello;
    private volatile Instant connectedAt;
    private volatile long lastReceivedNanos = System.nanoTime();
    private volatile long lastSentNanos = System.nanoTime();
    private volatile boolean attached;
    private volatile String closeReason;
    /** Highest local sequence sent to this peer; touched only on the folder's serial executor. */
    long sentUpTo;
    /** Records at or below this local sequence go whole (an answered resend); folder's serial executor only. */
    long wholeUpTo;
    /** We asked the peer to resend and ignore its index until the answer; folder's serial executor only. */
    boolean awaitingResend;
    /** Start of the current resend-rate window and the peer's resend requests in it; folder's serial executor only. */
    long resendWindowStart = System.nanoTime();
    int resendsInWindow;
    /** Whether PeerConnected was published (so PeerDisconnected must be); folder's serial executor only. */
    boolean announced;

    /**
     * A session for an accepted connection ({@code dialed} and {@code folder} null: the handshake
     * tells the folder) or for one dialled for {@code folder} at {@code dialed}. A dialled session
     * knows its folder from the start, so a handshake that fails still reaches the folder's
     * dialer, which then tries again.
     */
    PeerSession(EngineNode node, InetSocketAddress dialed, FolderRunner folder) {
        this.node = node;
        this.dialed = dialed;
        this.folder = folder;
    }

    /** The address this session was dialled at, or null for an accepted connection. */
    InetSocketAddress dialed() {
        return dialed;
    }

    @Override
    public DeviceId device() {
        return channel.peerDevice();
    }

    FolderRunner folder() {
        return folder;
    }

    SecureChannel<FolderRunner> channel() {
        return channel;
    }

    Hello hello() {
        return hello;
    }

    boolean isClient() {
        return channel.isClient();
    }

    /** Whether the peer may announce changes: only read-write peers can sign records. */
    boolean peerCanWrite() {
        Hello h = hello;
        return h != null && h.level() == AccessLevel.READ_WRITE;
    }

    // ---- SecureChannel.Listener ----

    @Override
    public void onEstablished(SecureChannel<FolderRunner> ch) {
        this.channel = ch;
        this.folder = ch.folder();
        this.connectedAt = Instant.now();
        node.onEstablished(this);
    }

    /** Called by the node once the session is accepted for its folder. */
    void attached() {
        send(folder.helloFor(this));
        synchronized (this) {
            // Under the lock, so a message arriving now waits and keeps its place after these.
            for (Message m : early) {
                dispatch(m);
            }
            early.clear();
            attached = true;
        }
    }

    @Override
    public void onPlaintext(SecureChannel<FolderRunner> ch, ByteBuffer data) {
        this.channel = ch;
        lastReceivedNanos = System.nanoTime();
        try {
            decoder.feed(data, this::onMessage);
        } catch (ProtocolException e) {
            reject("protocol violation: " + e.getMessage());
        }
    }

    @Override
    public void onWritabilityChanged(SecureChannel<FolderRunner> ch, boolean writable) {
        if (writable) {
            flushOutbox();
        }
    }

    @Override
    public void onClosed(SecureChannel<FolderRunner> ch, SecureChannel.SessionCloseReason reason) {
        IOException failure = new IOException("session closed: " + reason.kind() + " " + reason.detail());
        for (CompletableFuture<ByteBuffer> f : pending.values()) {
            f.completeExceptionally(failure);
        }
        pending.clear();
        synchronized (this) {
            outbox.clear();
            outboxBytes.set(0);
        }
        node.onClosed(this, ch, reason, closeReason);
    }

    // ---- messages ----

    private void onMessage(Message m) {
        if (!attached) {
            synchronized (this) {
                if (!attached) {
                    // The peer may speak before its folder has admitted the session: keep its
                    // first messages (a hello and some index) until then, within bounds.
                    if (early.size() >= MAX_EARLY_MESSAGES) {
                        reject("too many messages before the session was admitted");
                    } else {
                        early.add(m);
                    }
                    return;
                }
            }
        }
        dispatch(m);
    }

    private void dispatch(Message m) {
        if (hello == null && !(m instanceof Hello)) {
            reject(m.getClass().getSimpleName() + " before hello");
            return;
        }
        if (m instanceof BlockResponse r) {
            onBlockResponse(r);
        } else if (m instanceof BlockRequest r) {
            onBlockRequest(r);
        } else if (m instanceof IndexUpdate u) {
            folder.onIndexUpdate(this, u);
        } else if (m instanceof IndexDelta d) {
            folder.onIndexDelta(this, d);
        } else if (m instanceof IndexResend r) {
            folder.onIndexResend(this, r);
        } else if (m instanceof PeerExchange x) {
            folder.onPeerExchange(this, x);
        } else if (m instanceof Hello h) {
            if (hello != null) {
                reject("second hello");
                return;
            }
            hello = h;
            folder.onHello(this, h);
        } else if (m instanceof Close c) {
            closeReason = "peer closed: " + c.reason();
            channel.close("bye");
        } else if (m instanceof Ping || m instanceof Progress) {
            // Ping only proves liveness (lastReceivedNanos). Progress (partial files on the peer)
            // is accepted; this version fetches only from complete copies.
            return;
        }
    }

    private void onBlockRequest(BlockRequest r) {
        if (serving.incrementAndGet() > MAX_SERVING || outboxBytes.get() > MAX_OUTBOX_BYTES) {
            serving.decrementAndGet();
            send(BlockResponse.failed(r.requestId(), BlockResponse.Status.BUSY));
            return;
        }
        try {
            node.io().execute(() -> {
                try {
                    FolderRunner.BlockAnswer answer = folder.serveBlock(r);
                    long delay = node.uploadLimit().take(answer.dataBytes());
                    if (delay > 0) {
                        node.timer().schedule(() -> sendAnswer(answer), delay, TimeUnit.NANOSECONDS);
                    } else {
                        sendAnswer(answer);
                    }
                } finally {
                    serving.decrementAndGet();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            serving.decrementAndGet();
        }
    }

    private void sendAnswer(FolderRunner.BlockAnswer answer) {
        int n = answer.dataBytes();
        blockBytesOut.addAndGet(n);
        rateOut.add(n);
        sendBlockResponse(answer.wire());
    }

    private void onBlockResponse(BlockResponse r) {
        CompletableFuture<ByteBuffer> f = pending.remove(r.requestId());
        if (f == null) {
            return; // timed out earlier; the late answer is harmless
        }
        if (r.status() != BlockResponse.Status.OK) {
            f.completeExceptionally(new IOException("peer answered " + r.status()));
            return;
        }
        // The decoder gives every OK response its own buffer (MessageDecoder.blockResponse), so
        // the data is handed on without another 64 KiB copy per block.
        ByteBuffer copy = r.data().slice();
        int n = copy.remaining();
        blockBytesIn.addAndGet(n);
        rateIn.add(n);
        long delay = node.downloadLimit().take(n);
        if (delay > 0) {
            // Stop reading so the peer's sends back up instead of our memory.
            channel.setReadable(false);
            node.timer().schedule(this::resumeReading, delay, TimeUnit.NANOSECONDS);
        }
        f.complete(copy);
    }

    /**
     * Reads again once the download bucket is out of debt. Each response schedules its own
     * timer, and the one of an early response used to switch reading back on while later
     * responses were still unpaid, so the node-wide download limit was not enforced.
     */
    private void resumeReading() {
        long delay = node.downloadLimit().take(0);
        if (delay > 0) {
            node.timer().schedule(this::resumeReading, delay, TimeUnit.NANOSECONDS);
        } else {
            channel.setReadable(true);
        }
    }

    // ---- PeerLink ----

    @Override
    public CompletableFuture<ByteBuffer> requestBlock(FolderPath path, long offset, int length, Sha256 expectedHash) {
        CompletableFuture<ByteBuffer> f = new CompletableFuture<>();
        SecureChannel<FolderRunner> ch = channel;
        if (ch == null || !ch.connection().isOpen()) {
            f.completeExceptionally(new IOException("session closed"));
            return f;
        }
        int id = nextRequest.incrementAndGet();
        pending.put(id, f);
        send(new BlockRequest(id, path, offset, length, expectedHash));
        node.timer().schedule(() -> {
            CompletableFuture<ByteBuffer> late = pending.remove(id);
            if (late != null) {
                late.completeExceptionally(new TimeoutException("no answer from " + device() + " within "
                        + REQUEST_TIMEOUT_SECONDS + " s"));
            }
        }, REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return f;
    }

    // ---- sending ----

    void send(Message m) {
        SecureChannel<FolderRunner> ch = channel;
        if (ch == null) {
            return;
        }
        ByteBuffer bytes = MessageEncoder.encode(m);
        if (m instanceof BlockResponse) {
            sendBlockResponse(bytes);
            return;
        }
        lastSentNanos = System.nanoTime();
        ch.send(bytes);
    }

    /**
     * Sends an encoded BlockResponse, or queues it behind earlier ones while the connection is
     * backed up: block data waits here, bounded by {@link #MAX_OUTBOX_BYTES}, rather than in the
     * transport.
     */
    private void sendBlockResponse(ByteBuffer bytes) {
        SecureChannel<FolderRunner> ch = channel;
        if (ch == null) {
            return;
        }
        synchronized (this) {
            if (!outbox.isEmpty() || !ch.isWritable()) {
                outbox.add(bytes);
                outboxBytes.addAndGet(bytes.remaining());
                return;
            }
        }
        lastSentNanos = System.nanoTime();
        ch.send(bytes);
    }

    private void flushOutbox() {
        SecureChannel<FolderRunner> ch = channel;
        while (true) {
            ByteBuffer next;
            synchronized (this) {
                if (!ch.isWritable()) {
                    return;
                }
                next = outbox.poll();
            }
            if (next == null) {
                return;
            }
            outboxBytes.addAndGet(-next.remaining());
            lastSentNanos = System.nanoTime();
            ch.send(next);
        }
    }

    /** Pings after {@code pingNanos} of our silence; drops the peer after {@code deadNanos} of its silence. */
    void keepAlive(long pingNanos, long deadNanos) {
        long now = System.nanoTime();
        if (now - lastReceivedNanos > deadNanos) {
            closeReason = "peer silent for " + TimeUnit.NANOSECONDS.toSeconds(now - lastReceivedNanos) + " s";
            channel.close("timeout");
        } else if (now - lastSentNanos > pingNanos) {
            send(new Ping());
        }
    }

    /** Disconnects a misbehaving peer, reporting why. */
    void reject(String reason) {
        closeReason = reason;
        node.reportRejected(this, reason);
        SecureChannel<FolderRunner> ch = channel;
        if (ch != null) {
            ch.close(reason.length() > 200 ? reason.substring(0, 200) : reason);
        }
    }

    /** Closes politely with a reason the peer sees. */
    void close(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        SecureChannel<FolderRunner> ch = channel;
        if (ch != null) {
            send(new Close(reason));
            ch.close(reason);
        }
    }

    PeerInfo info() {
        Hello h = hello;
        SecureChannel<FolderRunner> ch = channel;
        return new PeerInfo(ch.peerDevice(), h == null ? "" : h.deviceName(), ch.connection().remoteAddress(),
                ch.connection().transport(), h != null && h.level() != AccessLevel.READ_WRITE, connectedAt,
                blockBytesIn.get(), blockBytesOut.get(), rateIn.rate(), rateOut.rate());
    }

    @Override
    public String toString() {
        SecureChannel<FolderRunner> ch = channel;
        return "PeerSession[" + (ch == null ? dialed : ch.peerDevice() + "@" + ch.connection().remoteAddress()) + "]";
    }
}
