package dev.cloudless.sync.transport.udp;

import dev.cloudless.sync.spi.StreamConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The uTP side of one UDP socket: routes packets to connections by (remote address, connection
 * id), accepts ST_SYN into a bounded half-open table, answers packets of unknown connections
 * with ST_RESET, and drives every connection's timers from one periodic tick. Runs on the
 * channel's event loop; only {@link #onLoop} and the counters may be used from elsewhere.
 */
final class UtpSocket implements DatagramProtocol {
    /** Connections that sent ST_SYN but nothing since; the oldest is dropped when a new SYN finds the table full. */
    static final int MAX_HALF_OPEN = 128;
    /** How long a half-open connection waits for the peer's first packet after our ST_STATE. */
    static final long HALF_OPEN_TIMEOUT_MICROS = 10_000_000;
    /** Established connections per socket (libutp refuses new ones above 3000 sockets). */
    static final int MAX_CONNECTIONS = 3000;
    /** Period of the timer tick: retransmission, keepalive, linger and half-open expiry. */
    static final long TICK_MILLIS = 10;
    /** ST_RESETs sent per tick at most, so forged packets cannot turn us into an amplifier. */
    static final int MAX_RESETS_PER_TICK = 20;

    record Key(InetSocketAddress remote, int recvId) {
    }

    private final Channel channel;
    private final EventLoop loop;
    private final InetSocketAddress local;
    private volatile Consumer<StreamConnection> acceptor;
    private final Runnable onEmpty;
    private final Map<Key, UtpConnection> connections = new HashMap<>();
    /** Insertion order: the eldest is evicted first. */
    private final LinkedHashMap<Key, Long> halfOpen = new LinkedHashMap<>();
    private final List<UtpConnection> acksDue = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom();
    private final ScheduledFuture<?> tick;
    private final long epochNanos = System.nanoTime();
    private boolean flushScheduled;
    private final Runnable flush = this::flushNow;
    private int resetsThisTick;
    private boolean closed;

    final AtomicLong malformed = new AtomicLong();
    final AtomicLong resetsSent = new AtomicLong();
    final AtomicLong synsDropped = new AtomicLong();

    private final boolean loopbackJumbo;

    UtpSocket(Channel channel, Consumer<StreamConnection> acceptor, Runnable onEmpty, boolean loopbackJumbo) {
        this.loopbackJumbo = loopbackJumbo;
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.local = (InetSocketAddress) channel.localAddress();
        this.acceptor = acceptor;
        this.onEmpty = onEmpty;
        this.tick = loop.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> tick.cancel(false));
    }

    InetSocketAddress localAddress() {
        return local;
    }

    Channel channel() {
        return channel;
    }

    long nowMicros() {
        return (System.nanoTime() - epochNanos) / 1000 + 1; // never 0: a zero timestamp means "none" on the wire
    }

    /** Payload per packet towards {@code remote}: 1400 bytes, or 60 KiB to loopback (MTU 64 KiB) when enabled. */
    int payloadBytesTo(InetSocketAddress remote) {
        return loopbackJumbo && remote.getAddress() != null && remote.getAddress().isLoopbackAddress()
                ? UtpConnection.LOOPBACK_PAYLOAD_BYTES : UtpConnection.MAX_PAYLOAD_BYTES;
    }

    int randomSeq() {
        return random.nextInt(0x10000);
    }

    boolean isWritable() {
        return channel.isWritable();
    }

    /** Stops accepting new connections (the listener closed); the socket closes with its last connection. */
    void stopAccepting() {
        acceptor = null;
        onLoop(() -> {
            for (Key k : new ArrayList<>(halfOpen.keySet())) {
                UtpConnection c = connections.get(k);
                if (c != null) {
                    c.abort(null, true);
                }
            }
            closeIfIdle();
        });
    }

    // ---- DatagramProtocol ----

    @Override
    public boolean claims(ByteBuf datagram) {
        return UtpPacket.looksLikeUtp(datagram);
    }

    @Override
    public void receive(ByteBuf datagram, InetSocketAddress sender) {
        if (datagram.writerIndex() >= datagram.capacity() && datagram.capacity() >= UtpTransport.MAX_DATAGRAM_BYTES) {
            malformed.incrementAndGet(); // filled the read buffer: possibly truncated, never trust it
            return;
        }
        UtpPacket p;
        try {
            p = UtpPacket.decode(datagram);
        } catch (MalformedPacketException e) {
            malformed.incrementAndGet();
            return;
        }
        int id = p.connectionId();
        if (p.type() == UtpPacket.ST_RESET) {
            // The id is our receive id, or our send id (ours +1 if we initiated, -1 if we accepted).
            UtpConnection c = connections.get(new Key(sender, id));
            if (c == null) {
                c = connections.get(new Key(sender, (id + 1) & 0xFFFF));
                if (c != null && c.sendId != id) {
                    c = null;
                }
            }
            if (c == null) {
                c = connections.get(new Key(sender, (id - 1) & 0xFFFF));
                if (c != null && c.sendId != id) {
                    c = null;
                }
            }
            if (c != null) {
                c.onReset();
            }
            return; // never answer a reset
        }
        UtpConnection c = connections.get(new Key(sender, id));
        if (c != null && p.type() != UtpPacket.ST_SYN) {
            c.onPacket(p);
            return;
        }
        if (p.type() == UtpPacket.ST_SYN) {
            onSyn(p, sender);
            return;
        }
        sendReset(sender, p);
    }

    private void onSyn(UtpPacket syn, InetSocketAddress sender) {
        Key key = new Key(sender, (syn.connectionId() + 1) & 0xFFFF);
        UtpConnection existing = connections.get(key);
        if (existing != null) {
            existing.onPacket(syn); // a repeated SYN: re-acknowledged while half-open
            return;
        }
        Consumer<StreamConnection> a = acceptor;
        if (a == null || closed || connections.size() - halfOpen.size() >= MAX_CONNECTIONS) {
            synsDropped.incrementAndGet();
            return;
        }
        if (halfOpen.size() >= MAX_HALF_OPEN) {
            Key eldest = halfOpen.keySet().iterator().next();
            UtpConnection victim = connections.get(eldest);
            synsDropped.incrementAndGet();
            if (victim != null) {
                victim.abort(null, false);
            }
            halfOpen.remove(eldest);
        }
        UtpConnection c = UtpConnection.accept(this, sender, syn);
        connections.put(key, c);
        halfOpen.put(key, nowMicros());
    }

    /** A half-open connection heard from its peer again: hand it to the acceptor. */
    void established(UtpConnection c) {
        halfOpen.remove(new Key(c.remoteAddress(), c.recvId));
        Consumer<StreamConnection> a = acceptor;
        if (a == null) {
            c.abort(null, true);
            return;
        }
        try {
            a.accept(c);
        } catch (RuntimeException e) {
            c.abort(e, true);
        }
    }

    /** A new outgoing connection from this socket. */
    void connect(InetSocketAddress remote, CompletableFuture<StreamConnection> result, long timeoutMillis) {
        onLoop(() -> {
            if (closed) {
                result.completeExceptionally(new java.io.IOException("transport closed"));
                return;
            }
            int recvId;
            int attempts = 0;
            do {
                recvId = random.nextInt(0x10000);
                if (++attempts > 1000) {
                    result.completeExceptionally(new java.io.IOException("no free uTP connection id for " + remote));
                    return;
                }
            } while (connections.containsKey(new Key(remote, recvId)) || connections.containsKey(new Key(remote, (recvId + 1) & 0xFFFF)));
            UtpConnection c = UtpConnection.connect(this, remote, recvId, result);
            connections.put(new Key(remote, recvId), c);
            loop.schedule(c::connectTimedOut, timeoutMillis, TimeUnit.MILLISECONDS);
        });
    }

    void removed(UtpConnection c) {
        Key k = new Key(c.remoteAddress(), c.recvId);
        if (connections.get(k) == c) {
            connections.remove(k);
            halfOpen.remove(k);
        }
        closeIfIdle();
    }

    private void closeIfIdle() {
        if (acceptor == null && connections.isEmpty() && onEmpty != null) {
            onEmpty.run();
        }
    }

    void ackLater(UtpConnection c) {
        acksDue.add(c);
    }

    @Override
    public void readComplete() {
        flushAcks();
    }

    private void flushAcks() {
        if (acksDue.isEmpty()) {
            return;
        }
        for (UtpConnection c : acksDue) {
            c.flushAck();
        }
        acksDue.clear();
    }

    @Override
    public void writabilityChanged(boolean writable) {
        if (writable) {
            for (UtpConnection c : new ArrayList<>(connections.values())) {
                c.trySend();
            }
        }
    }

    private void sendReset(InetSocketAddress to, UtpPacket p) {
        if (resetsThisTick >= MAX_RESETS_PER_TICK) {
            return;
        }
        resetsThisTick++;
        resetsSent.incrementAndGet();
        send(new UtpPacket(UtpPacket.ST_RESET, p.connectionId(), nowMicros() & SeqNumbers.U32_MASK, 0, 0,
                randomSeq(), p.seq(), null, UtpPacket.NO_BYTES), to);
    }

    /** Queues {@code p} for {@code to}; flushed once the current loop task ends. */
    void send(UtpPacket p, InetSocketAddress to) {
        if (!channel.isActive()) {
            return;
        }
        ByteBuf buf = channel.alloc().directBuffer(p.encodedLength());
        p.encode(buf);
        channel.write(new DatagramPacket(buf, to), channel.voidPromise());
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(flush);
        }
    }

    /**
     * Sends a packet already laid out in {@code packet} (header room, then payload), writing its
     * header now; {@code packet} stays the caller's (a retained duplicate goes to the channel).
     */
    void send(ByteBuf packet, int type, int connectionId, long timestampDiffMicros, long windowSize, int seq, int ack,
              InetSocketAddress to) {
        if (!channel.isActive()) {
            return;
        }
        UtpPacket.setHeader(packet, 0, type, 0, connectionId, nowMicros() & SeqNumbers.U32_MASK, timestampDiffMicros,
                windowSize, seq, ack);
        channel.write(new DatagramPacket(packet.retainedDuplicate(), to), channel.voidPromise());
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(flush);
        }
    }

    /** A direct buffer for one outgoing packet of {@code bytes}, from the channel's allocator. */
    ByteBuf allocatePacket(int bytes) {
        return channel.alloc().directBuffer(bytes, bytes);
    }

    private void flushNow() {
        flushScheduled = false;
        flushAcks();
        channel.flush();
    }

    private void tick() {
        resetsThisTick = 0;
        long now = nowMicros();
        if (!halfOpen.isEmpty()) {
            Iterator<Map.Entry<Key, Long>> it = halfOpen.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<Key, Long> e = it.next();
                if (now - e.getValue() < HALF_OPEN_TIMEOUT_MICROS) {
                    break; // insertion order: the rest are younger
                }
                it.remove();
                UtpConnection c = connections.get(e.getKey());
                if (c != null) {
                    c.abort(null, false);
                }
            }
        }
        for (UtpConnection c : new ArrayList<>(connections.values())) {
            c.onTick(now);
        }
    }

    /** Resets and reports every connection (the transport is closing). */
    void closeAll() {
        closed = true;
        acceptor = null;
        for (UtpConnection c : new ArrayList<>(connections.values())) {
            c.abort(null, true);
        }
        channel.flush();
    }

    int connectionCount() {
        return connections.size();
    }

    int halfOpenCount() {
        return halfOpen.size();
    }

    /** Any thread: runs {@code task} on the loop, inline if already there. */
    void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            try {
                loop.execute(task);
            } catch (RejectedExecutionException e) {
                // the transport is shut down
            }
        }
    }
}
