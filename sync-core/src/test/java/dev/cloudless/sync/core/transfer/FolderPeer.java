package dev.cloudless.sync.core.transfer;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.path.FolderPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real block server for tests: answers requests by reading the peer's copy of the folder (a
 * second directory) on its own threads. It can corrupt what it serves, fail every request, or
 * hold requests until released.
 */
final class FolderPeer implements PeerLink {
    enum Mode { GOOD, CORRUPT, FAIL }

    private final DeviceId id;
    private final Path root;
    private final Mode mode;
    private final Executor executor;
    final AtomicLong bytesServed = new AtomicLong();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger concurrent = new AtomicInteger();
    final AtomicInteger maxConcurrent = new AtomicInteger();
    volatile CountDownLatch hold = new CountDownLatch(0);

    FolderPeer(DeviceId id, Path root, Mode mode, Executor executor) {
        this.id = id;
        this.root = root;
        this.mode = mode;
        this.executor = executor;
    }

    @Override
    public DeviceId device() {
        return id;
    }

    @Override
    public CompletableFuture<ByteBuffer> requestBlock(FolderPath path, long offset, int length, Sha256 expectedHash) {
        requests.incrementAndGet();
        int now = concurrent.incrementAndGet();
        maxConcurrent.accumulateAndGet(now, Math::max);
        return CompletableFuture.supplyAsync(() -> {
            try {
                if (!hold.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("held too long");
                }
                if (mode == Mode.FAIL) {
                    throw new UncheckedIOException(new IOException("connection reset by " + id));
                }
                ByteBuffer buf = ByteBuffer.allocate(length);
                try (FileChannel ch = FileChannel.open(path.resolveIn(root), StandardOpenOption.READ)) {
                    long pos = offset;
                    while (buf.hasRemaining()) {
                        int n = ch.read(buf, pos);
                        if (n < 0) {
                            throw new IOException("short file");
                        }
                        pos += n;
                    }
                }
                buf.flip();
                if (mode == Mode.CORRUPT) {
                    buf.put(0, (byte) (buf.get(0) ^ 0x55));
                }
                bytesServed.addAndGet(length);
                return buf;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                concurrent.decrementAndGet();
            }
        }, executor);
    }
}
