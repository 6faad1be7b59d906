package dev.cloudless.sync.core.block;

import dev.cloudless.sync.core.crypto.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Hashes one large file on several threads, with exactly the blocks of {@link BlockHasher}.
 *
 * <p>Content-defined boundaries depend on the bytes before them, so chunking is sequential; but a
 * cut is decided only by the bytes after the first {@code min - 64} of a block. The first pass
 * therefore reads only those (a sixth of a file or less with the default parameters) to find every
 * boundary; the second hashes contiguous runs of blocks in parallel, reading each byte once.
 * SHA-256 is most of a scan's CPU, so a 1 GiB file hashes in about half the time on two cores.
 *
 * <pre>{@code
 * ParallelHasher h = new ParallelHasher(ChunkerParams.DEFAULT, ForkJoinPool.commonPool(), 2);
 * FileBlocks blocks = h.hash(channel, size, done -> {}, () -> false); // null if the file shrank
 * }</pre>
 *
 * <p>Thread-safe: every call has its own state.
 */
public final class ParallelHasher {
    /** Files smaller than this are not worth the second pass: hash them with {@link BlockHasher}. */
    public static final long MIN_FILE_BYTES = 16L << 20;
    /** Bytes read at once while looking for a boundary: most cuts fall within one read. */
    static final int PROBE_BYTES = 8 << 10;
    /** How often the calling thread reports progress while the runs are hashed, in milliseconds. */
    static final long PROGRESS_MILLIS = 100;

    private final ChunkerParams params;
    private final Executor pool;
    private final int parallelism;

    /**
     * @param pool where the runs are hashed (the calling thread hashes one run itself)
     * @param parallelism how many runs to split a file into, at least 1
     */
    public ParallelHasher(ChunkerParams params, Executor pool, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
        }
        this.params = Objects.requireNonNull(params, "params");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.parallelism = parallelism;
    }

    /**
     * Hashes the first {@code size} bytes of {@code ch}.
     *
     * @param progress told the bytes hashed so far, on the calling thread
     * @param cancelled polled between reads; when true the hash stops with a {@link CancellationException}
     * @return the blocks, or null if the file ended before {@code size} (it changed meanwhile)
     */
    public FileBlocks hash(FileChannel ch, long size, LongConsumer progress, BooleanSupplier cancelled)
            throws IOException {
        Boundaries found = boundaries(ch, size, cancelled);
        if (found == null) {
            return null;
        }
        long[] ends = found.ends();
        Block[] blocks = new Block[ends.length];
        int runs = (int) Math.max(1, Math.min(parallelism, ends.length / 16));
        AtomicLong done = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean(); // a run failed: the others stop reading
        BooleanSupplier halt = () -> stop.get() || cancelled.getAsBoolean();
        List<CompletableFuture<Boolean>> others = new ArrayList<>();
        int from = 0;
        for (int r = 0; r < runs - 1; r++) {
            // Equal byte shares: a run ends at the first boundary at or past its share.
            long shareEnd = size * (r + 1) / runs;
            int to = from;
            while (to < ends.length && (to == from || ends[to - 1] < shareEnd)) {
                to++;
            }
            int a = from;
            int b = to;
            others.add(CompletableFuture.supplyAsync(() -> hashRun(ch, ends, a, b, blocks, done, halt, stop, null), pool));
            from = to;
        }
        boolean ok = false;
        try {
            ok = hashRun(ch, ends, from, ends.length, blocks, done, halt, stop, progress); // the last run, here
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            boolean rest = true;
            for (CompletableFuture<Boolean> f : others) {
                rest &= await(f, done, size, progress); // every run ends before the caller closes ch
            }
            ok &= rest;
        }
        progress.accept(done.get());
        return ok ? FileBlocks.of(List.of(blocks)) : null;
    }

    private static boolean await(CompletableFuture<Boolean> f, AtomicLong done, long size, LongConsumer progress)
            throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get(PROGRESS_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    progress.accept(Math.min(size, done.get()));
                } catch (InterruptedException e) {
                    interrupted = true; // still wait: the run reads a channel the caller will close
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof UncheckedIOException u) {
                        throw u.getCause();
                    }
                    if (c instanceof CancellationException ce) {
                        throw ce;
                    }
                    throw new IllegalStateException("hashing failed", c);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The end offset of every block, and how many bytes were read to find them. */
    record Boundaries(long[] ends, long bytesRead) {
    }

    /** Every block's end, or null if the file is shorter than {@code size}. */
    Boundaries boundaries(FileChannel ch, long size, BooleanSupplier cancelled) throws IOException {
        GearChunker chunker = new GearChunker(params);
        byte[] probe = new byte[PROBE_BYTES];
        long[] ends = new long[(int) Math.min(Integer.MAX_VALUE - 8, size / params.min() + 2)];
        int count = 0;
        long at = 0;
        long read = 0;
        while (at < size) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("scan cancelled");
            }
            int skip = (int) Math.min(chunker.bytesBeforeRolling(), size - at);
            chunker.skip(skip);
            at += skip;
            if (at == size) {
                break;
            }
            int want = (int) Math.min(probe.length, size - at);
            if (!readFully(ch, ByteBuffer.wrap(probe, 0, want), at)) {
                return null;
            }
            read += want;
            int n = chunker.findBoundary(probe, 0, want);
            at += n < 0 ? want : n;
            if (n >= 0) {
                ends = grow(ends, count);
                ends[count++] = at;
            }
        }
        if (chunker.pendingBytes() > 0) {
            ends = grow(ends, count);
            ends[count++] = size;
        }
        return new Boundaries(Arrays.copyOf(ends, count), read);
    }

    private static long[] grow(long[] a, int count) {
        return count < a.length ? a : Arrays.copyOf(a, a.length * 2 + 1);
    }

    /** Hashes blocks {@code [from, to)}; false if the file ended early. Reports progress if given one. */
    private static boolean hashRun(FileChannel ch, long[] ends, int from, int to, Block[] out, AtomicLong done,
                                   BooleanSupplier cancelled, AtomicBoolean stop, LongConsumer progress) {
        MessageDigest md = Digests.sha256();
        byte[] buf = new byte[BlockHasher.IO_BUFFER_SIZE];
        try {
            for (int i = from; i < to; i++) {
                long start = i == 0 ? 0 : ends[i - 1];
                long end = ends[i];
                for (long at = start; at < end; ) {
                    if (cancelled.getAsBoolean()) {
                        throw new CancellationException("scan cancelled");
                    }
                    int n = (int) Math.min(buf.length, end - at);
                    if (!readFully(ch, ByteBuffer.wrap(buf, 0, n), at)) {
                        stop.set(true);
                        return false;
                    }
                    md.update(buf, 0, n);
                    at += n;
                    long total = done.addAndGet(n);
                    if (progress != null) {
                        progress.accept(total);
                    }
                }
                out[i] = new Block(start, (int) (end - start), Sha256.of(md.digest()));
            }
            return true;
        } catch (IOException e) {
            stop.set(true);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            stop.set(true);
            throw e;
        }
    }

    /** Fills {@code buf} from {@code position}; false if the file ends first. */
    private static boolean readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at);
            if (n < 0) {
                return false;
            }
            at += n;
        }
        return true;
    }
}
