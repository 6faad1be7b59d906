package dev.cloudless.sync.transport.udp;

import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.StreamHandler;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/** A StreamHandler that records what it is told: bytes (kept or hashed), writability, close. */
class Recorder implements StreamHandler {
    static final long WAIT_MILLIS = 20_000;

    final boolean keep;
    final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    final MessageDigest sha = sha256();
    final AtomicLong received = new AtomicLong();
    final AtomicInteger dataCalls = new AtomicInteger();
    final List<Boolean> writability = new CopyOnWriteArrayList<>();
    final AtomicInteger closedCalls = new AtomicInteger();
    final CountDownLatch closed = new CountDownLatch(1);
    volatile Throwable cause;
    volatile StreamConnection connection;

    Recorder(boolean keep) {
        this.keep = keep;
    }

    Recorder() {
        this(true);
    }

    Recorder startOn(StreamConnection c) {
        connection = c;
        c.start(this);
        return this;
    }

    @Override
    public void onData(ByteBuffer data) {
        dataCalls.incrementAndGet();
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
    public void onWritabilityChanged(boolean writable) {
        writability.add(writable);
    }

    @Override
    public void onClosed(Throwable cause) {
        this.cause = cause;
        closedCalls.incrementAndGet();
        closed.countDown();
    }

    synchronized byte[] bytes() {
        return kept.toByteArray();
    }

    synchronized byte[] digest() {
        return sha.digest();
    }

    boolean awaitClosed() throws InterruptedException {
        return closed.await(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    static boolean await(BooleanSupplier condition) throws InterruptedException {
        return await(condition, WAIT_MILLIS);
    }

    static boolean await(BooleanSupplier condition, long waitMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
