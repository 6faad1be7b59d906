package dev.cloudless.sync.core.block;

import dev.cloudless.sync.core.crypto.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Splits a byte stream into content-defined blocks ({@link GearChunker}) and hashes each with
 * SHA-256, in one pass and bounded memory.
 *
 * <p>Data may arrive in pieces of any size; the result depends only on the concatenated bytes.
 * Nothing is buffered: each piece goes straight into the block's {@link MessageDigest}, so memory
 * is one digest, the block list, and (for {@link #hash(Path)} and {@link #hash(InputStream)}) one
 * reusable {@value #IO_BUFFER_SIZE}-byte buffer, whatever the file size.
 *
 * <pre>{@code
 * BlockHasher hasher = new BlockHasher();            // ChunkerParams.DEFAULT
 * FileBlocks file = hasher.hash(Path.of("video.mkv"));
 *
 * hasher.update(header);                             // or stream it yourself
 * hasher.update(byteBuffer);
 * FileBlocks streamed = hasher.finish();             // and the hasher is ready for the next file
 * }</pre>
 *
 * <p>Not thread-safe; use one per hashing thread and reuse it across files.
 */
public final class BlockHasher {
    /**
     * Read size for files and streams: large enough that system calls cost nothing measurable,
     * small enough to stay in the L2 cache between the read and the hashing.
     */
    public static final int IO_BUFFER_SIZE = 256 << 10;

    private final GearChunker chunker;
    private final MessageDigest digest = Digests.sha256();
    private final List<Block> blocks = new ArrayList<>();
    private long blockStart;  // file offset of the current block
    private long size;        // bytes accepted since the last finish()
    private byte[] ioBuffer;  // allocated on first use: pure update() callers never need it

    /** A hasher with {@link ChunkerParams#DEFAULT}. */
    public BlockHasher() {
        this(ChunkerParams.DEFAULT);
    }

    public BlockHasher(ChunkerParams params) {
        this.chunker = new GearChunker(params);
    }

    public ChunkerParams params() {
        return chunker.params();
    }

    /** Bytes accepted since the last {@link #finish()} or {@link #reset()}. */
    public long bytesHashed() {
        return size;
    }

    public void update(byte[] b) {
        update(b, 0, b.length);
    }

    public void update(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        int end = off + len;
        while (off < end) {
            // Hash the bytes the chunker skips before it scans the block's tail: memory is then
            // read in one sequential stream, and the tail is still in L1 when SHA-256 reaches it.
            int skipped = Math.min(end - off, chunker.bytesBeforeRolling());
            if (skipped > 0) {
                digest.update(b, off, skipped);
            }
            int n = chunker.findBoundary(b, off, end - off);
            int taken = n < 0 ? end - off : n;  // a cut never falls within the skipped bytes
            digest.update(b, off + skipped, taken - skipped);
            size += taken;
            off += taken;
            if (n >= 0) {
                endBlock();
            }
        }
    }

    /** Consumes the buffer's remaining bytes, leaving its position at its limit. */
    public void update(ByteBuffer buf) {
        if (buf.hasArray()) {
            int n = buf.remaining();
            update(buf.array(), buf.arrayOffset() + buf.position(), n);
            buf.position(buf.limit());
            return;
        }
        // Direct or read-only: copy through the scratch buffer, as MessageDigest would anyway.
        byte[] scratch = ioBuffer();
        while (buf.hasRemaining()) {
            int n = Math.min(scratch.length, buf.remaining());
            buf.get(scratch, 0, n);
            update(scratch, 0, n);
        }
    }

    /**
     * Ends the input: the pending bytes, if any, become the last block (which may be shorter than
     * {@code min}). Returns the file's blocks and resets this hasher for the next file.
     */
    public FileBlocks finish() {
        if (chunker.pendingBytes() > 0) {
            endBlock();
        }
        FileBlocks result = FileBlocks.of(blocks);
        reset();
        return result;
    }

    /** Discards any input since the last {@link #finish()}. */
    public void reset() {
        chunker.reset();
        digest.reset();
        blocks.clear();
        blockStart = 0;
        size = 0;
    }

    /** Hashes a whole file, read sequentially through one reusable buffer. */
    public FileBlocks hash(Path file) throws IOException {
        reset();
        byte[] buf = ioBuffer();
        ByteBuffer bb = ByteBuffer.wrap(buf);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (true) {
                bb.clear();
                int n = ch.read(bb);
                if (n < 0) {
                    break;
                }
                update(buf, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            reset();
            throw e;
        }
        return finish();
    }

    /** Hashes everything up to the end of {@code in}; the caller keeps ownership and closes it. */
    public FileBlocks hash(InputStream in) throws IOException {
        reset();
        byte[] buf = ioBuffer();
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                update(buf, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            reset();
            throw e;
        }
        return finish();
    }

    private void endBlock() {
        int length = (int) (size - blockStart);
        blocks.add(new Block(blockStart, length, Sha256.wrap(digest.digest())));
        blockStart = size;
    }

    private byte[] ioBuffer() {
        if (ioBuffer == null) {
            ioBuffer = new byte[IO_BUFFER_SIZE];
        }
        return ioBuffer;
    }
}
