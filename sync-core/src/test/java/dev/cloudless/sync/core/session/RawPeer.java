package dev.cloudless.sync.core.session;

import dev.cloudless.sync.core.identity.DeviceIdentity;
import dev.cloudless.sync.spi.StreamHandler;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A hand-driven client for hostile-peer tests: it runs the handshake with the real state machine,
 * then sends whatever frames (or bytes) a test wants, and reads the server's replies.
 */
final class RawPeer implements StreamHandler {
    static final long WAIT_MILLIS = 20_000;

    final MemoryStream connection;
    private final ByteArrayOutputStream in = new ByteArrayOutputStream();
    private int consumed;
    final CountDownLatch closed = new CountDownLatch(1);
    SessionKeys keys;
    FrameSealer sealer;
    FrameOpener opener;

    RawPeer(MemoryStream connection) {
        this.connection = connection;
        connection.start(this);
    }

    @Override
    public synchronized void onData(ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        in.write(b, 0, b.length);
        notifyAll();
    }

    @Override
    public void onWritabilityChanged(boolean writable) {}

    @Override
    public synchronized void onClosed(Throwable cause) {
        closed.countDown();
        notifyAll();
    }

    void write(byte[] bytes) {
        connection.write(ByteBuffer.wrap(bytes.clone()));
    }

    /** The next {@code n} received bytes; fails if they do not come. */
    synchronized byte[] read(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (in.size() - consumed < n) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0 || closed.getCount() == 0 && in.size() - consumed < n) {
                throw new AssertionError("expected " + n + " bytes, have " + (in.size() - consumed));
            }
            wait(Math.min(left, 50));
        }
        byte[] all = in.toByteArray();
        byte[] out = Arrays.copyOfRange(all, consumed, consumed + n);
        consumed += n;
        return out;
    }

    synchronized int unread() {
        return in.size() - consumed;
    }

    boolean awaitClosed() throws InterruptedException {
        return closed.await(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Runs the SRP handshake as client for {@code secret}; keys, sealer and opener are set after. */
    void handshake(byte[] secret) throws Exception {
        ClientHandshake hs = new ClientHandshake(secret, new SecureRandom());
        write(hs.clientHello());
        write(hs.onServerHello(read(HandshakeMessages.SERVER_HELLO_LENGTH)));
        keys = hs.onServerProof(read(HandshakeMessages.SERVER_PROOF_LENGTH));
        sealer = keys.newSealer();
        opener = keys.newOpener();
    }

    /** Reads and opens the next frame; returns its plaintext. */
    byte[] readFrame() throws Exception {
        byte[] header = read(Frames.HEADER_LENGTH);
        int total = Frames.frameLength(header, 0, header.length);
        byte[] rest = read(total - Frames.HEADER_LENGTH);
        byte[] frame = new byte[total];
        System.arraycopy(header, 0, frame, 0, header.length);
        System.arraycopy(rest, 0, frame, header.length, rest.length);
        byte[] out = new byte[total];
        int n = opener.open(frame, 0, total, out, 0);
        return Arrays.copyOf(out, n);
    }

    void sendFrame(byte[] payload) {
        byte[] out = new byte[Frames.frameLength(payload.length)];
        sealer.seal(payload, 0, payload.length, out, 0);
        write(out);
    }

    /** A valid device authentication payload of {@code id} signed for {@code role}. */
    byte[] authPayload(DeviceIdentity id, byte role) {
        byte[] hash = keys.transcriptHash();
        byte[] msg = new byte[SecureChannel.AUTH_CONTEXT.length + 1 + hash.length];
        System.arraycopy(SecureChannel.AUTH_CONTEXT, 0, msg, 0, SecureChannel.AUTH_CONTEXT.length);
        msg[SecureChannel.AUTH_CONTEXT.length] = role;
        System.arraycopy(hash, 0, msg, SecureChannel.AUTH_CONTEXT.length + 1, hash.length);
        return ByteBuffer.allocate(SecureChannel.AUTH_LENGTH).put((byte) SecureChannel.AUTH_VERSION)
                .put(id.publicKey()).put(id.sign(msg)).array();
    }
}
