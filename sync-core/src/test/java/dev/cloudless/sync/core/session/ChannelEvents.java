package dev.cloudless.sync.core.session;

import dev.cloudless.sync.core.session.SecureChannel.SessionCloseReason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A SecureChannel listener that records what it is told; plaintext is kept or only hashed. */
public class ChannelEvents<F> implements SecureChannel.Listener<F> {
    public static final long WAIT_SECONDS = 20;

    public final CompletableFuture<SecureChannel<F>> established = new CompletableFuture<>();
    public final CompletableFuture<SessionCloseReason> closed = new CompletableFuture<>();
    public final AtomicInteger closedCalls = new AtomicInteger();
    public final AtomicInteger establishedCalls = new AtomicInteger();
    public final AtomicLong received = new AtomicLong();
    private final boolean keep;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final MessageDigest sha;

    public ChannelEvents(boolean keep) {
        this.keep = keep;
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    public ChannelEvents() {
        this(true);
    }

    @Override
    public void onEstablished(SecureChannel<F> channel) {
        establishedCalls.incrementAndGet();
        established.complete(channel);
    }

    @Override
    public void onPlaintext(SecureChannel<F> channel, ByteBuffer data) {
        int n = data.remaining();
        synchronized (this) {
            if (keep) {
                byte[] b = new byte[n];
                data.get(b);
                kept.write(b, 0, n);
            } else {
                sha.update(data);
            }
        }
        received.addAndGet(n);
    }

    @Override
    public void onWritabilityChanged(SecureChannel<F> channel, boolean writable) {}

    @Override
    public void onClosed(SecureChannel<F> channel, SessionCloseReason reason) {
        closedCalls.incrementAndGet();
        closed.complete(reason);
    }

    public synchronized byte[] bytes() {
        return kept.toByteArray();
    }

    public synchronized byte[] digest() {
        return sha.digest();
    }

    public SecureChannel<F> awaitEstablished() throws Exception {
        return established.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    public SessionCloseReason awaitClosed() throws Exception {
        return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
