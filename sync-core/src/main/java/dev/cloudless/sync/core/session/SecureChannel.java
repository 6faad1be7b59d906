package dev.cloudless.sync.core.session;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.core.crypto.Ed25519;
import dev.cloudless.sync.core.identity.DeviceIdentity;
import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.StreamHandler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session over any {@link StreamConnection}: the SRP handshake, device authentication, then
 * protected frames in both directions (docs/PROTOCOL.md § Sessions). One state machine for every
 * transport: TCP, uTP and relays only move the bytes.
 *
 * <pre>{@code
 * SecureChannel<FolderId> ch = SecureChannel.client(connection, folderSecret, me, settings, listener);
 * // listener.onEstablished(ch): ch.peerDevice() is authenticated, ch.folder() is the folder
 * ch.send(ByteBuffer.wrap(message));     // any thread; split into frames of at most 1 MiB
 * ch.close("shutting down");            // authenticated CLOSE, then the stream closes
 * }</pre>
 *
 * <h2>Threads</h2>
 * Bytes arrive on the transport's thread; SRP exponentiations run on
 * {@link ChannelSettings#cpuExecutor()} and their results are applied under the channel's lock,
 * so the receive side is single-threaded whatever thread runs it. {@link Listener} callbacks
 * come one at a time, on the transport thread (or the CPU executor, or the thread calling
 * {@link #close}), possibly while the channel holds its lock: they must not block, and must not
 * call the channel while holding a lock that another callback takes. {@link #send} may be called
 * from any thread; it seals and writes under a separate send lock, so sending never waits for
 * the receive side.
 *
 * <h2>Close</h2>
 * {@link Listener#onClosed} is called exactly once, with a {@link SessionCloseReason}. Whenever
 * the session ends for a reason of ours after keys exist (a {@link #close} call, a device
 * authentication or protocol failure, a timeout), a CLOSE frame carrying the reason in UTF-8
 * (at most {@value #MAX_CLOSE_REASON_BYTES} bytes) is sent first, so the peer learns why.
 *
 * @param <F> the application's folder handle (see {@link FolderSecret})
 */
public final class SecureChannel<F> {
    /** Longest close reason carried in a CLOSE frame, in UTF-8 bytes; longer ones are cut. */
    public static final int MAX_CLOSE_REASON_BYTES = 256;
    /** Version byte of the device authentication payload. */
    static final int AUTH_VERSION = 1;
    /** version (1) + Ed25519 public key (32) + signature (64). */
    static final int AUTH_LENGTH = 1 + Ed25519.PUBLIC_KEY_LENGTH + Ed25519.SIGNATURE_LENGTH;
    static final byte ROLE_CLIENT = 0x01;
    static final byte ROLE_SERVER = 0x02;
    static final byte[] AUTH_CONTEXT = "cloudless-sync v1 device auth".getBytes(StandardCharsets.US_ASCII);
    /**
     * Bytes accepted while an SRP step computes. The protocol is strictly turn-based until the
     * keys exist, so a correct peer sends nothing then; this only leaves room for a Failure.
     */
    static final int MAX_OUT_OF_TURN_BYTES = HandshakeMessages.MAX_MESSAGE_LENGTH;
    /** Initial size of the frame reassembly and plaintext buffers; they grow to at most one frame. */
    static final int INITIAL_FRAME_BUFFER_BYTES = 64 << 10;

    private static final Logger log = LoggerFactory.getLogger(SecureChannel.class);

    /** Receives a channel's events. */
    public interface Listener<F> {
        /** Handshake and device authentication done: {@link #folder()} and {@link #peerDevice()} are valid. */
        void onEstablished(SecureChannel<F> channel);

        /** The decrypted payload of the next frame, in order; valid only during the call. */
        void onPlaintext(SecureChannel<F> channel, ByteBuffer data);

        /** The connection's write queue crossed its high-water mark ({@code false}) or drained ({@code true}). */
        void onWritabilityChanged(SecureChannel<F> channel, boolean writable);

        /** The session ended; called exactly once. */
        void onClosed(SecureChannel<F> channel, SessionCloseReason reason);
    }

    /**
     * Why a session ended.
     *
     * @param kind the category
     * @param detail a human-readable explanation; for {@link Kind#CLOSED_BY_PEER} the peer's stated reason
     * @param cause the exception behind it, or null
     */
    public record SessionCloseReason(Kind kind, String detail, Throwable cause) {
        /** Categories of session end. */
        public enum Kind {
            /** {@link #close} was called here. */
            CLOSED_BY_US,
            /** The peer sent its authenticated CLOSE frame. */
            CLOSED_BY_PEER,
            /** SRP failed (wrong key, bad proof, malformed or unexpected message) or the peer hung up during it. */
            HANDSHAKE_FAILED,
            /** The peer's first frame was not a valid device authentication. */
            DEVICE_AUTH_FAILED,
            /** A frame was malformed, oversized, failed its tag, or the stream ended without CLOSE. */
            PROTOCOL_ERROR,
            /** Handshake and device authentication did not finish within the handshake timeout. */
            TIMEOUT,
            /** The transport failed, or a listener threw. */
            IO_ERROR
        }

        public SessionCloseReason {
            Objects.requireNonNull(kind, "kind");
            detail = detail == null ? "" : detail;
        }
    }

    /**
     * What a channel needs from its node.
     *
     * @param cpuExecutor where SRP arithmetic runs; never the transport's thread
     * @param timer schedules the handshake timeout
     * @param handshakeTimeout how long handshake plus device authentication may take
     * @param random nonces, salts and SRP private values
     */
    public record ChannelSettings(Executor cpuExecutor, ScheduledExecutorService timer, Duration handshakeTimeout,
                                  SecureRandom random) {
        /** The handshake timeout unless told otherwise. */
        public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

        public ChannelSettings {
            Objects.requireNonNull(cpuExecutor, "cpuExecutor");
            Objects.requireNonNull(timer, "timer");
            Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
            Objects.requireNonNull(random, "random");
            if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
                throw new IllegalArgumentException("handshakeTimeout must be positive, was " + handshakeTimeout);
            }
        }

        /** Settings with {@link #DEFAULT_HANDSHAKE_TIMEOUT} and a new {@link SecureRandom}. */
        public static ChannelSettings of(Executor cpuExecutor, ScheduledExecutorService timer) {
            return new ChannelSettings(cpuExecutor, timer, DEFAULT_HANDSHAKE_TIMEOUT, new SecureRandom());
        }
    }

    private enum Phase {
        /** Reading a fixed-length handshake message. */
        HANDSHAKE,
        /** An SRP step runs on the CPU executor; input is only stashed. */
        COMPUTING,
        /** Keys exist: everything is a frame. */
        FRAMES
    }

    private final StreamConnection connection;
    private final DeviceIdentity self;
    private final ChannelSettings settings;
    private final Listener<F> listener;
    private final boolean client;
    private final Object lock = new Object();
    private final Object sendLock = new Object();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicLong wireSent = new AtomicLong();
    private final AtomicLong wireReceived = new AtomicLong();
    private final AtomicLong plainSent = new AtomicLong();
    private final AtomicLong plainReceived = new AtomicLong();

    // Receive side, guarded by lock.
    private final ClientHandshake clientHandshake;
    private final ServerHandshake<F> serverHandshake;
    private Phase phase = Phase.HANDSHAKE;
    /** 0: awaiting the first handshake message of the peer, 1: the second. */
    private int handshakeStep;
    private final byte[] message = new byte[HandshakeMessages.MAX_MESSAGE_LENGTH];
    private int messageLength;
    private int messageNeed;
    private final byte[] outOfTurn = new byte[MAX_OUT_OF_TURN_BYTES];
    private int outOfTurnLength;
    private byte[] transcriptHash;
    private FrameOpener opener;
    private byte[] frame = new byte[INITIAL_FRAME_BUFFER_BYTES];
    private int frameLength;
    private int frameNeed;
    private ByteBuffer plaintext = ByteBuffer.allocate(INITIAL_FRAME_BUFFER_BYTES);
    private ScheduledFuture<?> timeout;

    // Send side, guarded by sendLock.
    private FrameSealer sealer;

    private volatile boolean established;
    private volatile F folder;
    private volatile byte[] peerPublicKey;
    private volatile DeviceId peerDevice;

    private SecureChannel(StreamConnection connection, DeviceIdentity self, ChannelSettings settings,
                          Listener<F> listener, ClientHandshake clientHandshake, ServerHandshake<F> serverHandshake,
                          F folder) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.self = Objects.requireNonNull(self, "self");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clientHandshake = clientHandshake;
        this.serverHandshake = serverHandshake;
        this.client = clientHandshake != null;
        this.folder = folder;
    }

    /**
     * Starts the connecting side on {@code connection} (which must not be started yet): sends the
     * ClientHello for {@code folder} at once.
     */
    public static <F> SecureChannel<F> client(StreamConnection connection, FolderSecret<F> folder, DeviceIdentity self,
                                              ChannelSettings settings, Listener<F> listener) {
        Objects.requireNonNull(settings, "settings");
        ClientHandshake hs = new ClientHandshake(folder.handshakeSecret(), settings.random());
        SecureChannel<F> ch = new SecureChannel<>(connection, self, settings, listener, hs, null, folder.folder());
        ch.begin();
        return ch;
    }

    /**
     * Starts the accepting side on {@code connection} (which must not be started yet).
     *
     * @param folders the folders this node serves, asked once, when the ClientHello arrives
     */
    public static <F> SecureChannel<F> server(StreamConnection connection,
                                              Supplier<? extends Iterable<FolderSecret<F>>> folders,
                                              DeviceIdentity self, ChannelSettings settings, Listener<F> listener) {
        Objects.requireNonNull(folders, "folders");
        Objects.requireNonNull(settings, "settings");
        Iterable<FolderSecret<F>> live = () -> folders.get().iterator();
        ServerHandshake<F> hs = new ServerHandshake<>(live, settings.random());
        SecureChannel<F> ch = new SecureChannel<>(connection, self, settings, listener, null, hs, null);
        ch.begin();
        return ch;
    }

    private void begin() {
        synchronized (lock) {
            timeout = settings.timer().schedule(this::onTimeout,
                    settings.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
            connection.start(new Inbound());
            if (client && !finished.get()) {
                writeRaw(clientHandshake.clientHello());
            }
        }
    }

    /** The folder of this session; on the server only once established (null before). */
    public F folder() {
        return folder;
    }

    /** The authenticated peer device; null until established. */
    public DeviceId peerDevice() {
        return peerDevice;
    }

    /** The peer's Ed25519 public key (a copy); null until established. */
    public byte[] peerPublicKey() {
        byte[] k = peerPublicKey;
        return k == null ? null : k.clone();
    }

    /** The underlying byte stream. */
    public StreamConnection connection() {
        return connection;
    }

    /** Whether this side opened the connection. */
    public boolean isClient() {
        return client;
    }

    /** Whether the session is established and not closed. */
    public boolean isEstablished() {
        return established && !finished.get();
    }

    /**
     * Seals {@code plaintext} (position to limit, the buffer is not modified and may be reused
     * when this returns) into frames of at most {@link Frames#MAX_FRAME_PAYLOAD} and queues them.
     * Thread-safe; frames of concurrent calls do not interleave. Ignored once the session closed.
     *
     * @throws IllegalStateException if the session is not established yet
     */
    public void send(ByteBuffer plaintext) {
        if (finished.get()) {
            return;
        }
        if (!established) {
            throw new IllegalStateException("the session is not established yet");
        }
        ByteBuffer src = plaintext.duplicate();
        int end = src.limit();
        synchronized (sendLock) {
            while (src.hasRemaining() && !sealer.isClosed() && !finished.get()) {
                int n = Math.min(src.remaining(), Frames.MAX_FRAME_PAYLOAD);
                src.limit(src.position() + n);
                // Ownership passes to the transport: one buffer per frame.
                ByteBuffer out = ByteBuffer.allocate(Frames.frameLength(n));
                sealer.seal(src, out);
                src.limit(end);
                out.flip();
                wireSent.addAndGet(out.remaining());
                plainSent.addAndGet(n);
                connection.write(out);
            }
        }
    }

    /** Whether the connection's write queue is below its high-water mark. */
    public boolean isWritable() {
        return connection.isWritable();
    }

    /**
     * Pauses ({@code false}) or resumes reading from the connection. Frames already received
     * when pausing may still be delivered; then delivery stops until resumed.
     */
    public void setReadable(boolean readable) {
        connection.setReadable(readable);
    }

    /** Sends an authenticated CLOSE frame carrying {@code reason}, then closes; idempotent. */
    public void close(String reason) {
        finish(SessionCloseReason.Kind.CLOSED_BY_US, reason, null, null);
    }

    /** Bytes written to the connection: handshake messages and frames. */
    public long wireBytesSent() {
        return wireSent.get();
    }

    /** Bytes received from the connection. */
    public long wireBytesReceived() {
        return wireReceived.get();
    }

    /** Application bytes sent with {@link #send}. */
    public long plaintextBytesSent() {
        return plainSent.get();
    }

    /** Application bytes delivered to {@link Listener#onPlaintext}. */
    public long plaintextBytesReceived() {
        return plainReceived.get();
    }

    @Override
    public String toString() {
        return "SecureChannel[" + (client ? "client" : "server") + ", " + connection.transport() + " "
                + connection.remoteAddress() + (peerDevice == null ? "" : ", " + peerDevice) + "]";
    }

    // ---- receive side ----

    /** The transport's events; every method takes the lock. */
    private final class Inbound implements StreamHandler {
        @Override
        public void onData(ByteBuffer data) {
            wireReceived.addAndGet(data.remaining());
            synchronized (lock) {
                feed(data);
            }
        }

        @Override
        public void onWritabilityChanged(boolean writable) {
            if (established && !finished.get()) {
                try {
                    listener.onWritabilityChanged(SecureChannel.this, writable);
                } catch (RuntimeException e) {
                    listenerFailed(e);
                }
            }
        }

        @Override
        public void onClosed(Throwable cause) {
            synchronized (lock) {
                if (finished.get()) {
                    return;
                }
                if (cause != null) {
                    finish(SessionCloseReason.Kind.IO_ERROR, "connection failed: " + cause, cause, null);
                } else if (phase != Phase.FRAMES) {
                    // A server that does not know the folder hangs up without a word (§ Sessions 2.3).
                    finish(SessionCloseReason.Kind.HANDSHAKE_FAILED,
                            "the peer closed the connection during the handshake", null, null);
                } else {
                    try {
                        opener.endOfStream(frameLength);
                        finish(SessionCloseReason.Kind.CLOSED_BY_PEER, "", null, null); // unreachable: CLOSE finishes first
                    } catch (FrameException e) {
                        finish(SessionCloseReason.Kind.PROTOCOL_ERROR, e.getMessage(), e, null);
                    }
                }
            }
        }
    }

    /** Consumes {@code data} in whatever phase the channel is; lock held. */
    private void feed(ByteBuffer data) {
        try {
            while (data.hasRemaining() && !finished.get()) {
                switch (phase) {
                    case HANDSHAKE -> readHandshake(data);
                    case COMPUTING -> stash(data);
                    case FRAMES -> readFrames(data);
                    default -> throw new AssertionError(phase);
                }
            }
        } catch (HandshakeException e) {
            handshakeFailed(e);
        } catch (FrameException e) {
            finish(SessionCloseReason.Kind.PROTOCOL_ERROR, e.getMessage(), e, null);
        }
    }

    private void readHandshake(ByteBuffer data) throws HandshakeException {
        if (messageLength == 0) {
            messageNeed = HandshakeMessages.lengthOf(data.get(data.position()));
        }
        int n = Math.min(messageNeed - messageLength, data.remaining());
        data.get(message, messageLength, n);
        messageLength += n;
        if (messageLength < messageNeed) {
            return;
        }
        byte[] msg = Arrays.copyOf(message, messageLength);
        messageLength = 0;
        if (client) {
            if (handshakeStep == 0) {
                compute(() -> clientHandshake.onServerHello(msg), proof -> {
                    writeRaw(proof);
                    handshakeStep = 1;
                    phase = Phase.HANDSHAKE;
                });
            } else {
                keysReady(clientHandshake.onServerProof(msg)); // hashing only: no need to leave this thread
            }
        } else if (handshakeStep == 0) {
            compute(() -> serverHandshake.onClientHello(msg), hello -> {
                writeRaw(hello);
                handshakeStep = 1;
                phase = Phase.HANDSHAKE;
            });
        } else {
            compute(() -> serverHandshake.onClientProof(msg), proof -> {
                writeRaw(proof);
                folder = serverHandshake.folder();
                keysReady(serverHandshake.sessionKeys());
            });
        }
    }

    private interface Step {
        byte[] run() throws HandshakeException;
    }

    private interface Then {
        void accept(byte[] reply) throws HandshakeException;
    }

    /** Runs an SRP step on the CPU executor, then {@code then} and the stashed input under the lock. */
    private void compute(Step step, Then then) {
        phase = Phase.COMPUTING;
        Runnable task = () -> {
            byte[] reply = null;
            HandshakeException failure = null;
            RuntimeException bug = null;
            try {
                reply = step.run();
            } catch (HandshakeException e) {
                failure = e;
            } catch (RuntimeException e) {
                bug = e;
            }
            synchronized (lock) {
                if (finished.get()) {
                    return;
                }
                if (bug != null) {
                    finish(SessionCloseReason.Kind.HANDSHAKE_FAILED, "handshake step failed: " + bug, bug, null);
                    return;
                }
                try {
                    if (failure != null) {
                        throw failure;
                    }
                    then.accept(reply);
                } catch (HandshakeException e) {
                    handshakeFailed(e);
                    return;
                }
                if (outOfTurnLength > 0 && phase != Phase.COMPUTING) {
                    ByteBuffer stashed = ByteBuffer.wrap(Arrays.copyOf(outOfTurn, outOfTurnLength));
                    outOfTurnLength = 0;
                    feed(stashed);
                }
            }
        };
        try {
            settings.cpuExecutor().execute(task);
        } catch (RejectedExecutionException e) {
            finish(SessionCloseReason.Kind.HANDSHAKE_FAILED, "the CPU executor rejected the handshake", e, null);
        }
    }

    private void stash(ByteBuffer data) {
        int n = data.remaining();
        if (n > outOfTurn.length - outOfTurnLength) {
            finish(SessionCloseReason.Kind.HANDSHAKE_FAILED,
                    "the peer sent " + (outOfTurnLength + n) + " bytes out of turn", null, null);
            data.position(data.limit());
            return;
        }
        data.get(outOfTurn, outOfTurnLength, n);
        outOfTurnLength += n;
    }

    /** Keys exist: send our device authentication as the first frame; lock held. */
    private void keysReady(SessionKeys keys) {
        transcriptHash = keys.transcriptHash();
        opener = keys.newOpener();
        phase = Phase.FRAMES;
        ByteBuffer auth = ByteBuffer.allocate(AUTH_LENGTH);
        auth.put((byte) AUTH_VERSION).put(self.publicKey()).put(self.sign(authMessage(client ? ROLE_CLIENT : ROLE_SERVER)));
        auth.flip();
        synchronized (sendLock) {
            sealer = keys.newSealer();
            ByteBuffer out = ByteBuffer.allocate(Frames.frameLength(AUTH_LENGTH));
            sealer.seal(auth, out);
            out.flip();
            wireSent.addAndGet(out.remaining());
            connection.write(out);
        }
    }

    /** What a device signs: context, the signer's role, the transcript hash. */
    private byte[] authMessage(byte role) {
        byte[] m = new byte[AUTH_CONTEXT.length + 1 + transcriptHash.length];
        System.arraycopy(AUTH_CONTEXT, 0, m, 0, AUTH_CONTEXT.length);
        m[AUTH_CONTEXT.length] = role;
        System.arraycopy(transcriptHash, 0, m, AUTH_CONTEXT.length + 1, transcriptHash.length);
        return m;
    }

    /**
     * Reassembles and opens frames. A frame wholly inside {@code data} is opened in place; the
     * rest is copied into {@link #frame}, which grows only to the length a checked header allows.
     */
    private void readFrames(ByteBuffer data) throws FrameException {
        while (data.hasRemaining() && !finished.get()) {
            if (frameLength == 0) {
                int whole = Frames.frameLength(data);
                if (whole != Frames.NEED_MORE && data.remaining() >= whole) {
                    ByteBuffer out = plaintextRoom(whole - Frames.OVERHEAD);
                    int n = opener.open(data, out);
                    delivered(n);
                    continue;
                }
            }
            int need = frameLength < Frames.HEADER_LENGTH ? Frames.HEADER_LENGTH : frameNeed;
            int n = Math.min(need - frameLength, data.remaining());
            data.get(frame, frameLength, n);
            frameLength += n;
            if (frameLength < need) {
                return;
            }
            if (need == Frames.HEADER_LENGTH) {
                frameNeed = Frames.frameLength(frame, 0, Frames.HEADER_LENGTH); // checked before growing
                if (frame.length < frameNeed) {
                    frame = Arrays.copyOf(frame, frameNeed);
                }
                continue;
            }
            ByteBuffer out = plaintextRoom(frameNeed - Frames.OVERHEAD);
            int opened = opener.open(frame, 0, frameLength, out.array(), 0);
            frameLength = 0;
            frameNeed = 0;
            delivered(opened);
        }
    }

    /** The reused plaintext buffer, cleared, with room for {@code n} bytes (n is at most one frame's payload). */
    private ByteBuffer plaintextRoom(int n) {
        if (plaintext.capacity() < n) {
            plaintext = ByteBuffer.allocate(Math.max(n, Math.min(2 * plaintext.capacity(), Frames.MAX_FRAME_PAYLOAD)));
        }
        plaintext.clear();
        return plaintext;
    }

    /** A frame of {@code n} plaintext bytes was opened into {@link #plaintext} from index 0. */
    private void delivered(int n) {
        if (opener.isClosed()) {
            String reason = new String(plaintext.array(), 0, Math.min(n, MAX_CLOSE_REASON_BYTES), StandardCharsets.UTF_8);
            finish(SessionCloseReason.Kind.CLOSED_BY_PEER, reason, null, null);
            return;
        }
        if (!established) {
            authenticatePeer(n);
            return;
        }
        plainReceived.addAndGet(n);
        plaintext.clear().limit(n);
        try {
            listener.onPlaintext(this, plaintext);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    private void authenticatePeer(int n) {
        byte[] p = plaintext.array();
        if (n != AUTH_LENGTH || p[0] != AUTH_VERSION) {
            finish(SessionCloseReason.Kind.DEVICE_AUTH_FAILED, n != AUTH_LENGTH
                    ? "the first frame (" + n + " bytes) is not a device authentication"
                    : "device authentication version " + (p[0] & 0xFF) + ", this peer speaks " + AUTH_VERSION, null, null);
            return;
        }
        byte[] key = Arrays.copyOfRange(p, 1, 1 + Ed25519.PUBLIC_KEY_LENGTH);
        byte[] signature = Arrays.copyOfRange(p, 1 + Ed25519.PUBLIC_KEY_LENGTH, AUTH_LENGTH);
        // The peer signed with its own role: a signature reflected from our side names the wrong role.
        if (!DeviceIdentity.verify(key, authMessage(client ? ROLE_SERVER : ROLE_CLIENT), signature)) {
            finish(SessionCloseReason.Kind.DEVICE_AUTH_FAILED, "the peer's device signature is invalid", null, null);
            return;
        }
        peerPublicKey = key;
        peerDevice = DeviceId.fromPublicKey(key);
        established = true;
        timeout.cancel(false);
        try {
            listener.onEstablished(this);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    private void onTimeout() {
        synchronized (lock) {
            if (!established && !finished.get()) {
                finish(SessionCloseReason.Kind.TIMEOUT, "handshake and device authentication took longer than "
                        + settings.handshakeTimeout(), null, null);
            }
        }
    }

    private void handshakeFailed(HandshakeException e) {
        byte[] failure = null;
        // Before the server matched a folder it answers nothing, so a scanner learns nothing either;
        // after that, both sides tell each other why (§ Sessions 2.3).
        boolean mayAnswer = client || handshakeStep > 0
                || e.reason() == HandshakeException.Reason.UNSUPPORTED_VERSION;
        if (mayAnswer) {
            failure = e.failureMessage().orElse(null);
        }
        finish(SessionCloseReason.Kind.HANDSHAKE_FAILED, e.getMessage(), e, failure);
    }

    private void listenerFailed(RuntimeException e) {
        log.warn("{}: listener failed; closing the session", this, e);
        finish(SessionCloseReason.Kind.IO_ERROR, "listener failed: " + e, e, null);
    }

    /**
     * Ends the session once: last words (a handshake Failure, or a CLOSE frame when keys exist and
     * the end is ours), close the connection, tell the listener. Any thread.
     */
    private void finish(SessionCloseReason.Kind kind, String detail, Throwable cause, byte[] handshakeFailure) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> t = timeout;
        if (t != null) {
            t.cancel(false);
        }
        if (handshakeFailure != null) {
            writeRaw(handshakeFailure);
        }
        boolean ours = kind != SessionCloseReason.Kind.CLOSED_BY_PEER && kind != SessionCloseReason.Kind.IO_ERROR;
        synchronized (sendLock) {
            if (ours && sealer != null && !sealer.isClosed()) {
                byte[] why = (detail == null ? "" : detail).getBytes(StandardCharsets.UTF_8);
                int n = Math.min(why.length, MAX_CLOSE_REASON_BYTES);
                ByteBuffer out = ByteBuffer.allocate(Frames.frameLength(n));
                sealer.sealClose(ByteBuffer.wrap(why, 0, n), out);
                out.flip();
                wireSent.addAndGet(out.remaining());
                connection.write(out);
            }
        }
        connection.close();
        SessionCloseReason reason = new SessionCloseReason(kind, detail, cause);
        log.debug("{} closed: {}", this, reason);
        try {
            listener.onClosed(this, reason);
        } catch (RuntimeException e) {
            log.warn("{}: listener failed in onClosed", this, e);
        }
    }

    private void writeRaw(byte[] bytes) {
        wireSent.addAndGet(bytes.length);
        connection.write(ByteBuffer.wrap(bytes));
    }
}
