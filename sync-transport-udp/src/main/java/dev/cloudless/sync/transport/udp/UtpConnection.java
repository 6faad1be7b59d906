package dev.cloudless.sync.transport.udp;

import static dev.cloudless.sync.transport.udp.SeqNumbers.add;
import static dev.cloudless.sync.transport.udp.SeqNumbers.before;
import static dev.cloudless.sync.transport.udp.SeqNumbers.distance;
import static dev.cloudless.sync.transport.udp.UtpPacket.HEADER_BYTES;

import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.StreamHandler;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One uTP connection (BEP 29): the state machine, the send ring with retransmission, the
 * reorder buffer, and the {@link StreamConnection} the engine sees.
 *
 * <p>Everything except the {@code StreamConnection} methods runs on the event loop of the
 * {@link UtpSocket} that owns the connection, so there is no locking: the public methods hand
 * work to that loop, as {@code TcpConnection} does.
 */
final class UtpConnection implements StreamConnection {
    /** Payload bytes per packet: 1500-byte path MTU - 20 (IPv4) - 8 (UDP) - 20 (uTP header) - 52 spare for extensions and tunnels. */
    static final int MAX_PAYLOAD_BYTES = 1400;
    /**
     * Payload bytes per packet to a loopback address when the transport allows it: the loopback
     * interface's MTU is 64 KiB, so 60 KiB datagrams (plus headers, below our 64 KiB read buffer)
     * are never fragmented there, and on a kernel where each datagram costs a system call on both
     * ends this is what lets uTP keep up with TCP (which sends 64 KiB segments on loopback):
     * 16 KiB gave 33-37% of TCP's throughput, 60 KiB about 60% (sync-bench/RESULTS.md).
     */
    static final int LOOPBACK_PAYLOAD_BYTES = 60 << 10;
    /** The largest datagram payload any peer may send us: our receive buffer admits one beyond the window. */
    static final int MAX_RECEIVED_PAYLOAD_BYTES = 64 << 10;
    /** Packets in flight at most; a power of two so a slot is {@code seq & (OUT_RING - 1)}. */
    static final int OUT_RING = 1024;
    /** Out-of-order packets kept at most (and the reach of our selective acks); a power of two. */
    static final int REORDER_RING = 1024;
    /** Receive buffer we advertise: bytes received but not yet delivered (held while reads are paused or out of order). */
    static final int RECV_BUFFER_BYTES = 2 << 20;
    /** Queued outbound bytes (written, not yet acknowledged) above which the connection reports unwritable. */
    static final int HIGH_WATER_MARK_BYTES = 4 << 20;
    /** ... and below which it reports writable again. */
    static final int LOW_WATER_MARK_BYTES = 1 << 20;
    /** Initial congestion window: a few packets, as libutp starts. */
    static final int INITIAL_WINDOW_PACKETS = 4;
    /** Retransmission timeout bounds (BEP 29: at least 500 ms, 1 s before any RTT sample). */
    static final long MIN_RTO_MICROS = 500_000;
    static final long INITIAL_RTO_MICROS = 1_000_000;
    static final long MAX_RTO_MICROS = 30_000_000;
    /** Consecutive timeouts of one packet after which the connection is given up. */
    static final int MAX_CONSECUTIVE_TIMEOUTS = 7;
    /** Duplicate acks that trigger a fast retransmit, and packets selectively acked past a hole that declare it lost. */
    static final int DUPLICATE_ACKS_BEFORE_RESEND = 3;
    /**
     * A packet counts as lost only once it is older than one RTT plus a quarter RTT (at least this)
     * (RFC 8985's reordering window; libutp has none): jitter reorders packets, and three
     * selective acks alone would halve the window for every reordered packet.
     */
    static final long MIN_REORDER_WINDOW_MICROS = 1_000;
    /** An ack may name a packet at most this many before our oldest unacked one (libutp's allowance); older is spoofed or stale. */
    static final int ACK_NR_ALLOWED_WINDOW = 1024;
    /** Silence after which we send an ST_STATE so NATs keep the mapping and the peer sees us alive (libutp: 29 s). */
    static final long KEEPALIVE_MICROS = 29_000_000;
    /** Nothing received for this long (about three missed keepalives) ends the connection. */
    static final long IDLE_TIMEOUT_MICROS = 90_000_000;
    /** How long {@link #close()} lets queued bytes drain before resetting the connection anyway (as TCP). */
    static final long CLOSE_DRAIN_MICROS = 5_000_000;
    /** After our FIN is acked, how long we stay to acknowledge the peer's FIN (and its retransmissions). */
    static final long LINGER_MICROS = 10_000_000;
    static final long LINGER_AFTER_BOTH_FINS_MICROS = 2_000_000;
    /** An advertised window that grew by this much since the last packet is worth an ST_STATE of its own. */
    static final int WINDOW_UPDATE_BYTES = RECV_BUFFER_BYTES / 4;

    enum State { SYN_SENT, SYN_RECV, CONNECTED, CLOSED }

    /**
     * One sent packet, kept until acknowledged: its bytes live in one direct buffer, header room
     * first, so sending (and resending) copies nothing but the 20-byte header.
     */
    private static final class OutPacket {
        final int type;
        final int seq;
        /** Header room and payload; released when the packet leaves the ring. */
        final ByteBuf wire;
        long sentMicros;
        int transmissions;
        boolean inFlight;
        boolean needResend;
        boolean fastResent;

        OutPacket(int type, int seq, ByteBuf wire) {
            this.type = type;
            this.seq = seq;
            this.wire = wire;
        }

        int wireBytes() {
            return wire.readableBytes();
        }

        int payloadBytes() {
            return wire.readableBytes() - HEADER_BYTES;
        }
    }

    private final UtpSocket socket;
    private final InetSocketAddress remote;
    final int recvId;
    final int sendId;
    private State state;
    private CompletableFuture<StreamConnection> connecting;

    // ---- send side (loop) ----
    private int seqNr;
    private int peerAck;
    private final OutPacket[] ring = new OutPacket[OUT_RING];
    private long bytesInFlight;
    private long peerWindow = RECV_BUFFER_BYTES;
    /** Payload bytes per packet on this connection's path. */
    private final int payloadBytes;
    private final Ledbat cc;
    private long rttMicros;
    private long rttVarMicros;
    private long rtoMicros = INITIAL_RTO_MICROS;
    private long rtoDeadline;
    private int consecutiveTimeouts;
    private int duplicateAcks;
    /** Loss reduces the window once per round trip: only for packets sent after the last cut. */
    private int lossCutSeq;
    private boolean lossCutValid;
    private ByteBuffer partial;
    private boolean finSent;
    private boolean finAcked;
    private int finSeq;
    private long lastSendMicros;
    private long lastRecvMicros;
    private long closeDeadline;
    private long lingerDeadline;
    private long zeroWindowProbeAt;

    // ---- send side (any thread) ----
    private final Queue<ByteBuffer> outbox = new ConcurrentLinkedQueue<>();
    /** Written bytes not yet acknowledged: the outbox, the partial buffer and the ring. */
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile boolean writable = true;

    // ---- receive side (loop) ----
    private int ackNr;
    private final byte[][] reorder = new byte[REORDER_RING][];
    private int reorderCount;
    private long reorderBytes;
    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    private long inboundBytes;
    private int eofSeq = -1;
    private boolean gotFin;
    private long replyMicros;
    private boolean ackPending;
    private long lastAdvertisedWindow;

    // ---- engine side ----
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile StreamHandler handler;
    private volatile boolean readable = true;
    private volatile boolean closeRequested;
    private boolean delivering;
    private boolean closedReported;
    private boolean closeReportPending;
    private Throwable failure;
    private boolean removed;

    private UtpConnection(UtpSocket socket, InetSocketAddress remote, int recvId, int sendId, State state) {
        this.socket = socket;
        this.remote = remote;
        this.recvId = recvId;
        this.sendId = sendId;
        this.state = state;
        this.payloadBytes = socket.payloadBytesTo(remote);
        int packet = payloadBytes + HEADER_BYTES;
        this.cc = new Ledbat(packet, INITIAL_WINDOW_PACKETS * packet, (OUT_RING / 2) * packet);
        long now = socket.nowMicros();
        this.lastRecvMicros = now;
        this.lastSendMicros = now;
    }

    /** An outgoing connection: sends ST_SYN; {@code result} completes when the peer's ST_STATE arrives. */
    static UtpConnection connect(UtpSocket socket, InetSocketAddress remote, int recvId,
                                 CompletableFuture<StreamConnection> result) {
        UtpConnection c = new UtpConnection(socket, remote, recvId, (recvId + 1) & 0xFFFF, State.SYN_SENT);
        c.connecting = result;
        c.seqNr = socket.randomSeq();
        c.peerAck = add(c.seqNr, -1);
        OutPacket syn = new OutPacket(UtpPacket.ST_SYN, c.seqNr, c.emptyPacket());
        c.ring[syn.seq & (OUT_RING - 1)] = syn;
        c.seqNr = add(c.seqNr, 1);
        c.transmit(syn, socket.nowMicros());
        return c;
    }

    /** An incoming connection from {@code syn}: replies ST_STATE and waits (half-open) for the peer's next packet. */
    static UtpConnection accept(UtpSocket socket, InetSocketAddress remote, UtpPacket syn) {
        UtpConnection c = new UtpConnection(socket, remote, (syn.connectionId() + 1) & 0xFFFF, syn.connectionId(), State.SYN_RECV);
        c.ackNr = syn.seq();
        c.seqNr = socket.randomSeq();
        c.peerAck = add(c.seqNr, -1);
        c.peerWindow = syn.windowSize();
        c.noteTimestamp(syn, socket.nowMicros());
        c.sendState();
        return c;
    }

    // ---- counters (loop writes, tests read) ----
    volatile long packetsSent;
    volatile long retransmits;
    volatile long fastRetransmits;
    volatile long timeouts;

    /** A one-line summary of the counters and the congestion state, for tests and benchmarks. */
    String stats() {
        return "state=" + state + " seq=" + seqNr + " peerAck=" + peerAck + " ackNr=" + ackNr + " inflight=" + bytesInFlight
                + " peerWnd=" + peerWindow + " reorder=" + reorderCount + " inbound=" + inboundBytes + " queued=" + queuedBytes.get()
                + " sent=" + packetsSent + " retransmits=" + retransmits + " fast=" + fastRetransmits + " timeouts=" + timeouts
                + " cwnd=" + cc.window() + " rtt=" + rttMicros + "us rto=" + rtoMicros + "us qdelay=" + cc.queuingDelayMicros() + "us";
    }

    State state() {
        return state;
    }

    /** Congestion state as the sender sees it (RTT, LEDBAT's queuing delay, window), for tests and benchmarks. */
    record CongestionSnapshot(long rttMicros, long queuingDelayMicros, int windowBytes, long bytesInFlight) {
    }

    /** Reads the loop's congestion state racily (each field is one plain read): good enough for a report. */
    CongestionSnapshot congestionSnapshot() {
        return new CongestionSnapshot(rttMicros, cc.queuingDelayMicros(), cc.window(), bytesInFlight);
    }

    /** Written bytes not yet acknowledged, for tests. */
    long queuedBytesForTest() {
        return queuedBytes.get();
    }

    /** Received bytes not yet delivered (in order or not), for tests; loop state read racily. */
    long bufferedBytesForTest() {
        return inboundBytes + reorderBytes;
    }

    // ======================= StreamConnection (any thread) =======================

    @Override
    public String transport() {
        return UtpTransportProvider.NAME;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return socket.localAddress();
    }

    @Override
    public void start(StreamHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("connection already started");
        }
        this.handler = handler;
        socket.onLoop(() -> {
            deliverInbound();
            if (closeReportPending) {
                reportClosed();
            }
        });
    }

    @Override
    public void write(ByteBuffer data) {
        if (closeRequested || state == State.CLOSED) {
            return; // dropped, as the SPI says
        }
        int n = data.remaining();
        if (n == 0) {
            return;
        }
        outbox.add(data);
        if (queuedBytes.addAndGet(n) >= HIGH_WATER_MARK_BYTES) {
            writable = false; // the handler hears it on the loop
        }
        if (drainScheduled.compareAndSet(false, true)) {
            socket.onLoop(() -> {
                drainScheduled.set(false);
                trySend();
                checkWritability();
            });
        }
    }

    @Override
    public boolean isWritable() {
        return writable && queuedBytes.get() < HIGH_WATER_MARK_BYTES;
    }

    @Override
    public void setReadable(boolean readable) {
        this.readable = readable;
        if (readable && started.get()) {
            socket.onLoop(this::deliverInbound);
        }
    }

    @Override
    public boolean isOpen() {
        return !closeRequested && state != State.CLOSED;
    }

    @Override
    public void close() {
        if (closeRequested) {
            return;
        }
        closeRequested = true;
        socket.onLoop(() -> {
            if (state == State.CLOSED) {
                return;
            }
            closeDeadline = socket.nowMicros() + CLOSE_DRAIN_MICROS;
            if (state != State.CONNECTED) {
                abort(null, true); // nothing was exchanged yet: a reset is the whole goodbye
                return;
            }
            trySend();
        });
    }

    @Override
    public String toString() {
        return "UtpConnection[" + localAddress() + " -> " + remote + " id " + recvId + "/" + sendId + ", " + state + "]";
    }

    // ======================= incoming packets (loop) =======================

    void onPacket(UtpPacket p) {
        long now = socket.nowMicros();
        if (state == State.CLOSED) {
            return;
        }
        lastRecvMicros = now;
        noteTimestamp(p, now);
        if (p.type() == UtpPacket.ST_SYN) {
            if (state == State.SYN_RECV) {
                sendState(); // our ST_STATE was lost: the peer repeats its SYN
            }
            return;
        }
        if (state == State.SYN_SENT) {
            if (p.type() == UtpPacket.ST_STATE && p.ack() == add(peerAck, 1)) {
                ackNr = add(p.seq(), -1);
                state = State.CONNECTED;
                processAcks(p, now);
                // An ST_STATE of our own completes the handshake at once, so a server of ours can
                // send first (a libutp server still waits for our first ST_DATA).
                sendState();
                CompletableFuture<StreamConnection> f = connecting;
                connecting = null;
                if (f != null && !f.complete(this)) {
                    abort(null, true); // the caller gave up (timeout) meanwhile
                }
            }
            return;
        }
        if (state == State.SYN_RECV) {
            state = State.CONNECTED;
            socket.established(this);
            if (state == State.CLOSED) {
                return; // the acceptor refused it
            }
        }
        if (!ackInRange(p.ack())) {
            return; // acks something never sent: spoofed or from an old connection
        }
        processAcks(p, now);
        if (p.type() == UtpPacket.ST_DATA || p.type() == UtpPacket.ST_FIN) {
            receive(p.seq(), p.payload(), p.type() == UtpPacket.ST_FIN);
            if (!ackPending) {
                ackPending = true;
                socket.ackLater(this);
            }
        }
        if (state != State.CLOSED) {
            trySend();
            checkWritability();
        }
    }

    void onReset() {
        if (state == State.SYN_SENT) {
            abort(new IOException("uTP connection refused by " + remote), false);
        } else {
            abort(closedReported ? null : new IOException("uTP connection reset by " + remote), false);
        }
    }

    /** Sends the deferred ack of a burst of reads. */
    void flushAck() {
        if (ackPending && state != State.CLOSED) {
            sendState();
        }
    }

    private void noteTimestamp(UtpPacket p, long now) {
        if (p.timestampMicros() != 0) {
            replyMicros = SeqNumbers.sub32(now & SeqNumbers.U32_MASK, p.timestampMicros());
        }
    }

    private boolean ackInRange(int ack) {
        int newest = add(seqNr, -1);
        int outstanding = distance(peerAck, seqNr) - 1;
        int d = distance(ack, newest); // how far the ack is behind our newest packet
        return d >= 0 && d <= outstanding + ACK_NR_ALLOWED_WINDOW;
    }

    private void processAcks(UtpPacket p, long now) {
        peerWindow = p.windowSize();
        if (p.timestampDiffMicros() != 0) {
            cc.addDelaySample(p.timestampDiffMicros(), now);
        }
        long acked = 0;
        int progress = distance(peerAck, p.ack());
        if (progress > 0) {
            for (int i = 1; i <= progress; i++) {
                acked += ackPacket(add(peerAck, i), now);
            }
            peerAck = p.ack();
            duplicateAcks = 0;
            consecutiveTimeouts = 0;
        } else if (p.type() == UtpPacket.ST_STATE && outstanding() > 0 && p.selectiveAck() == null) {
            if (++duplicateAcks >= DUPLICATE_ACKS_BEFORE_RESEND) {
                markLost(add(peerAck, 1), now);
            }
        }
        byte[] sack = p.selectiveAck();
        if (sack != null && outstanding() > 0) {
            acked += processSelectiveAck(p.ack(), sack, now);
        }
        if (acked > 0) {
            cc.onAck((int) Math.min(Integer.MAX_VALUE, acked), now);
            rtoDeadline = outstanding() > 0 ? now + rtoMicros : 0;
            if (finSent && !finAcked && !before(peerAck, finSeq)) {
                // Our FIN is acknowledged: our side is done.
                finAcked = true;
                reportClosed();
                lingerDeadline = now + (gotFin ? LINGER_AFTER_BOTH_FINS_MICROS : LINGER_MICROS);
            }
        }
    }

    /** Bits of {@code sack} name packets {@code ack + 2 + i}; a hole with enough acked after it is lost. */
    private long processSelectiveAck(int ack, byte[] sack, long now) {
        long acked = 0;
        int base = add(ack, 2); // relative to this packet's ack_nr, which may be older than ours

        int newest = add(seqNr, -1);
        int ackedAfter = 0;
        for (int i = sack.length * 8 - 1; i >= -1; i--) {
            int seq = add(base, i);
            if (before(newest, seq)) {
                continue; // names a packet we never sent
            }
            if (!before(peerAck, seq)) {
                break; // already acknowledged cumulatively
            }
            boolean set = i >= 0 && (sack[i >> 3] & (1 << (i & 7))) != 0;
            if (set) {
                acked += ackPacket(seq, now);
                ackedAfter++;
            } else if (ackedAfter >= DUPLICATE_ACKS_BEFORE_RESEND) {
                markLost(seq, now);
            }
        }
        return acked;
    }

    /** Marks {@code seq} acknowledged; returns its bytes if it was outstanding. */
    private long ackPacket(int seq, long now) {
        int slot = seq & (OUT_RING - 1);
        OutPacket op = ring[slot];
        if (op == null || op.seq != seq) {
            return 0;
        }
        ring[slot] = null;
        op.wire.release();
        if (op.inFlight) {
            bytesInFlight -= op.wireBytes();
        }
        if (op.transmissions == 1) {
            updateRtt(now - op.sentMicros);
        }
        if (op.payloadBytes() > 0) {
            queuedBytes.addAndGet(-op.payloadBytes());
        }
        return op.wireBytes();
    }

    private void markLost(int seq, long now) {
        OutPacket op = ring[seq & (OUT_RING - 1)];
        if (op == null || op.seq != seq || op.fastResent) {
            return;
        }
        if (rttMicros > 0 && now - op.sentMicros < rttMicros + Math.max(rttMicros / 4, MIN_REORDER_WINDOW_MICROS)) {
            return; // maybe only reordered (jitter): judged again on the next ack, or by the timer
        }
        op.fastResent = true;
        op.needResend = true;
        fastRetransmits++;
        if (op.inFlight) {
            op.inFlight = false;
            bytesInFlight -= op.wireBytes();
        }
        if (!lossCutValid || before(lossCutSeq, seq)) {
            cc.onLoss();
            lossCutSeq = add(seqNr, -1); // no further cut for packets already sent
            lossCutValid = true;
        }
    }

    private void updateRtt(long sample) {
        if (sample < 0) {
            return;
        }
        if (rttMicros == 0) {
            rttMicros = sample;
            rttVarMicros = sample / 2;
        } else {
            long delta = rttMicros - sample;
            rttVarMicros += (Math.abs(delta) - rttVarMicros) / 4;
            rttMicros += (sample - rttMicros) / 8;
        }
        rtoMicros = Math.max(MIN_RTO_MICROS, rttMicros + 4 * rttVarMicros);
    }

    private void receive(int seq, byte[] data, boolean fin) {
        if (fin && eofSeq < 0) {
            eofSeq = seq;
        }
        if (gotFin) {
            return;
        }
        int d = distance(ackNr, seq);
        if (d <= 0 || d >= REORDER_RING) {
            return; // a duplicate, or beyond what we buffer: the ack tells the sender where we are
        }
        if (eofSeq >= 0 && before(eofSeq, seq)) {
            return; // nothing exists after the FIN
        }
        if (inboundBytes + reorderBytes + data.length > RECV_BUFFER_BYTES + MAX_RECEIVED_PAYLOAD_BYTES) {
            return; // the sender ignored our window: drop, it retransmits
        }
        if (d == 1) {
            accept(seq, data);
            while (reorderCount > 0 && !gotFin) {
                int next = add(ackNr, 1);
                byte[] b = reorder[next & (REORDER_RING - 1)];
                if (b == null) {
                    break;
                }
                reorder[next & (REORDER_RING - 1)] = null;
                reorderCount--;
                reorderBytes -= b.length;
                accept(next, b);
            }
            if (gotFin && closedReported && finAcked) {
                lingerDeadline = Math.min(lingerDeadline, socket.nowMicros() + LINGER_AFTER_BOTH_FINS_MICROS);
            }
            deliverInbound();
        } else {
            int slot = seq & (REORDER_RING - 1);
            if (reorder[slot] == null) {
                reorder[slot] = data;
                reorderCount++;
                reorderBytes += data.length;
            }
        }
    }

    private void accept(int seq, byte[] data) {
        ackNr = seq;
        if (seq == eofSeq) {
            gotFin = true;
            return;
        }
        if (data.length > 0) {
            inbound.add(data);
            inboundBytes += data.length;
        }
    }

    private void deliverInbound() {
        StreamHandler h = handler;
        if (h == null || delivering || closedReported) {
            return;
        }
        if (closeRequested && !gotFin) {
            inboundBytes = 0; // closed by us: what still arrives is dropped, as TCP does
            inbound.clear();
        }
        long windowBefore = advertisedWindow();
        delivering = true;
        try {
            while (readable && !inbound.isEmpty() && !closedReported) {
                byte[] b = inbound.poll();
                inboundBytes -= b.length;
                h.onData(ByteBuffer.wrap(b));
            }
        } catch (RuntimeException e) {
            delivering = false;
            abort(e, true);
            return;
        } finally {
            delivering = false;
        }
        if (gotFin && inbound.isEmpty() && !closedReported) {
            onPeerFinished();
            return;
        }
        if (advertisedWindow() - Math.min(windowBefore, lastAdvertisedWindow) >= WINDOW_UPDATE_BYTES && state == State.CONNECTED) {
            sendState(); // the sender may be stalled on our window
        }
    }

    /** The peer's FIN arrived and everything before it was delivered: closed, like TCP on end of stream. */
    private void onPeerFinished() {
        closeRequested = true;
        ByteBuffer b;
        while ((b = outbox.poll()) != null) {
            queuedBytes.addAndGet(-b.remaining());
        }
        if (partial != null) {
            queuedBytes.addAndGet(-partial.remaining());
            partial = null;
        }
        reportClosed();
        lingerDeadline = socket.nowMicros() + LINGER_MICROS;
        trySend(); // our FIN
    }

    // ======================= sending (loop) =======================

    private int outstanding() {
        return distance(peerAck, seqNr) - 1;
    }

    private long advertisedWindow() {
        return Math.max(0, RECV_BUFFER_BYTES - inboundBytes - reorderBytes);
    }

    void trySend() {
        if (state != State.CONNECTED) {
            return;
        }
        long now = socket.nowMicros();
        if (!socket.isWritable()) {
            return; // resumed by writabilityChanged
        }
        long limit = Math.min(cc.window(), peerWindow);
        // Retransmissions first, oldest first.
        int n = outstanding();
        for (int i = 1; i <= n; i++) {
            OutPacket op = ring[add(peerAck, i) & (OUT_RING - 1)];
            if (op != null && op.needResend) {
                if (bytesInFlight > 0 && bytesInFlight + op.wireBytes() > limit) {
                    cc.windowFull(now);
                    return;
                }
                transmit(op, now);
            }
        }
        boolean closing = closeRequested && !finSent;
        while (outstanding() < OUT_RING - 2) {
            int size = (int) Math.min(payloadBytes, pendingBytes());
            if (size == 0) {
                break;
            }
            if (bytesInFlight + HEADER_BYTES + size > limit) {
                if (bytesInFlight > 0 || peerWindow >= HEADER_BYTES + size || now < zeroWindowProbeAt || zeroWindowProbeAt == 0) {
                    if (bytesInFlight == 0 && zeroWindowProbeAt == 0) {
                        zeroWindowProbeAt = now + rtoMicros; // the peer's window is shut: probe if no update comes
                    }
                    cc.windowFull(now);
                    return;
                }
            }
            zeroWindowProbeAt = 0;
            OutPacket op = new OutPacket(UtpPacket.ST_DATA, seqNr, takePayload(size));
            ring[op.seq & (OUT_RING - 1)] = op;
            seqNr = add(seqNr, 1);
            transmit(op, now);
        }
        if (closing && pendingBytes() == 0 && outstanding() < OUT_RING - 1) {
            OutPacket fin = new OutPacket(UtpPacket.ST_FIN, seqNr, emptyPacket());
            ring[fin.seq & (OUT_RING - 1)] = fin;
            finSeq = seqNr;
            finSent = true;
            seqNr = add(seqNr, 1);
            transmit(fin, now);
        }
    }

    /** Bytes written but not yet in a packet. */
    private long pendingBytes() {
        long inPartial = partial == null ? 0 : partial.remaining();
        if (inPartial >= payloadBytes) {
            return inPartial;
        }
        long sum = inPartial;
        for (ByteBuffer b : outbox) {
            sum += b.remaining();
            if (sum >= payloadBytes) {
                break;
            }
        }
        return sum;
    }

    /** Moves {@code size} written bytes into a new packet buffer after the header room. */
    private ByteBuf takePayload(int size) {
        ByteBuf out = socket.allocatePacket(HEADER_BYTES + size);
        out.writerIndex(HEADER_BYTES);
        while (out.writerIndex() < HEADER_BYTES + size) {
            if (partial == null || !partial.hasRemaining()) {
                partial = outbox.poll();
                if (partial == null) {
                    break; // cannot happen: size came from pendingBytes()
                }
                continue;
            }
            int n = Math.min(HEADER_BYTES + size - out.writerIndex(), partial.remaining());
            int limit = partial.limit();
            partial.limit(partial.position() + n);
            out.writeBytes(partial); // advances partial's position by n
            partial.limit(limit);
        }
        if (partial != null && !partial.hasRemaining()) {
            partial = null;
        }
        return out;
    }

    /** A packet buffer with no payload (ST_SYN, ST_FIN). */
    private ByteBuf emptyPacket() {
        ByteBuf out = socket.allocatePacket(HEADER_BYTES);
        out.writerIndex(HEADER_BYTES);
        return out;
    }

    private void transmit(OutPacket op, long now) {
        if (op.transmissions > 0) {
            retransmits++;
        }
        packetsSent++;
        op.transmissions++;
        op.sentMicros = now;
        op.needResend = false;
        if (!op.inFlight) {
            op.inFlight = true;
            bytesInFlight += op.wireBytes();
        }
        boolean firstOutstanding = bytesInFlight == op.wireBytes();
        long window = advertisedWindow();
        lastAdvertisedWindow = window;
        lastSendMicros = now;
        ackPending = false;
        socket.send(op.wire, op.type, op.type == UtpPacket.ST_SYN ? recvId : sendId, replyMicros, window, op.seq, ackNr, remote);
        if (rtoDeadline == 0 || firstOutstanding) {
            rtoDeadline = now + rtoMicros;
        }
    }

    private void sendState() {
        send(UtpPacket.ST_STATE, seqNr, UtpPacket.NO_BYTES, selectiveAck());
    }

    private void send(int type, int seq, byte[] payload, byte[] sack) {
        long now = socket.nowMicros();
        long window = advertisedWindow();
        lastAdvertisedWindow = window;
        lastSendMicros = now;
        ackPending = false;
        socket.send(new UtpPacket(type, type == UtpPacket.ST_SYN ? recvId : sendId, now & SeqNumbers.U32_MASK,
                replyMicros, window, seq, ackNr, sack, payload), remote);
    }

    /** The selective-ack bitmask of what we hold past {@code ackNr + 1}, or null when nothing is out of order. */
    private byte[] selectiveAck() {
        if (reorderCount == 0) {
            return null;
        }
        int highest = -1;
        int maxBits = Math.min(REORDER_RING - 2, UtpPacket.MAX_SACK_BYTES * 8);
        for (int i = 0; i < maxBits; i++) {
            if (reorder[add(ackNr, 2 + i) & (REORDER_RING - 1)] != null) {
                highest = i;
            }
        }
        if (highest < 0) {
            return null;
        }
        int bytes = ((highest / 8) / UtpPacket.SACK_UNIT_BYTES + 1) * UtpPacket.SACK_UNIT_BYTES;
        byte[] mask = new byte[bytes];
        for (int i = 0; i <= highest; i++) {
            if (reorder[add(ackNr, 2 + i) & (REORDER_RING - 1)] != null) {
                mask[i >> 3] |= (byte) (1 << (i & 7));
            }
        }
        return mask;
    }

    // ======================= timers (loop) =======================

    void onTick(long now) {
        switch (state) {
            case CLOSED, SYN_RECV -> {
                return; // the socket expires half-open connections
            }
            case SYN_SENT -> {
                if (now >= rtoDeadline) {
                    if (++consecutiveTimeouts > MAX_CONSECUTIVE_TIMEOUTS) {
                        abort(new IOException("uTP connect to " + remote + " timed out"), false);
                        return;
                    }
                    rtoMicros = Math.min(rtoMicros * 2, MAX_RTO_MICROS);
                    rtoDeadline = 0;
                    OutPacket syn = ring[add(peerAck, 1) & (OUT_RING - 1)];
                    syn.inFlight = false;
                    bytesInFlight = 0;
                    transmit(syn, now);
                }
                return;
            }
            default -> {
            }
        }
        if (rtoDeadline != 0 && now >= rtoDeadline && outstanding() > 0) {
            if (++consecutiveTimeouts > MAX_CONSECUTIVE_TIMEOUTS) {
                abort(closedReported ? null : new IOException("uTP connection to " + remote + " timed out"), false);
                return;
            }
            cc.onTimeout();
            timeouts++;
            rtoMicros = Math.min(rtoMicros * 2, MAX_RTO_MICROS);
            int n = outstanding();
            for (int i = 1; i <= n; i++) {
                OutPacket op = ring[add(peerAck, i) & (OUT_RING - 1)];
                if (op != null) {
                    op.needResend = true;
                    op.fastResent = false;
                    op.inFlight = false;
                }
            }
            bytesInFlight = 0;
            rtoDeadline = 0;
            lossCutSeq = add(seqNr, -1);
            lossCutValid = true;
            trySend();
            if (rtoDeadline == 0) {
                rtoDeadline = now + rtoMicros;
            }
        }
        if (zeroWindowProbeAt != 0 && now >= zeroWindowProbeAt && outstanding() == 0) {
            peerWindow = Math.max(peerWindow, HEADER_BYTES + payloadBytes); // probe with one packet
            zeroWindowProbeAt = 0;
            trySend();
        }
        if (state == State.CLOSED) {
            return;
        }
        if (now - lastRecvMicros > IDLE_TIMEOUT_MICROS) {
            abort(closedReported ? null : new IOException("uTP connection to " + remote + " went silent"), true);
            return;
        }
        if (closedReported && lingerDeadline != 0 && now >= lingerDeadline) {
            abort(null, false);
            return;
        }
        if (closeRequested && !closedReported && closeDeadline != 0 && now >= closeDeadline) {
            abort(null, true); // the peer did not take our bytes in time: reset, as TCP force-closes
            return;
        }
        if (now - lastSendMicros > KEEPALIVE_MICROS) {
            sendState();
        }
    }

    /** Handshake deadline of {@link UtpTransport#connect}. */
    void connectTimedOut() {
        if (state == State.SYN_SENT) {
            abort(new IOException("uTP connect to " + remote + " timed out"), true);
        }
    }

    /** Ends the connection now: optionally tells the peer (ST_RESET), reports, and leaves the socket. */
    void abort(Throwable cause, boolean sendReset) {
        if (state == State.CLOSED) {
            return;
        }
        if (sendReset && state != State.SYN_SENT) {
            socket.send(new UtpPacket(UtpPacket.ST_RESET, sendId, socket.nowMicros() & SeqNumbers.U32_MASK,
                    replyMicros, 0, seqNr, ackNr, null, UtpPacket.NO_BYTES), remote);
        }
        boolean wasHandshaking = state == State.SYN_SENT || state == State.SYN_RECV;
        state = State.CLOSED;
        CompletableFuture<StreamConnection> f = connecting;
        connecting = null;
        if (f != null) {
            f.completeExceptionally(cause != null ? cause : new IOException("uTP connection closed"));
        }
        if (failure == null) {
            failure = cause;
        }
        inbound.clear();
        outbox.clear();
        partial = null;
        for (int i = 0; i < OUT_RING; i++) {
            if (ring[i] != null) {
                ring[i].wire.release();
                ring[i] = null;
            }
        }
        queuedBytes.set(0);
        if (!wasHandshaking || started.get()) {
            reportClosed();
        }
        if (!removed) {
            removed = true;
            socket.removed(this);
        }
    }

    private void reportClosed() {
        StreamHandler h = handler;
        if (closedReported) {
            return;
        }
        if (h == null) {
            closeReportPending = true; // start() reports it
            return;
        }
        closedReported = true;
        closeReportPending = false;
        try {
            h.onClosed(failure);
        } catch (RuntimeException e) {
            // the handler's problem; the connection is closed either way
        }
    }

    private void checkWritability() {
        long q = queuedBytes.get();
        if (writable && q >= HIGH_WATER_MARK_BYTES) {
            writable = false;
        } else if (!writable && q < LOW_WATER_MARK_BYTES) {
            writable = true;
        }
        StreamHandler h = handler;
        boolean w = writable;
        if (h != null && !closedReported && reportedWritable != w) {
            reportedWritable = w;
            try {
                h.onWritabilityChanged(w);
            } catch (RuntimeException e) {
                abort(e, true);
            }
        }
    }

    private boolean reportedWritable = true;
}
