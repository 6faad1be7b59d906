package dev.cloudless.sync.core.transfer;

import static dev.cloudless.sync.core.transfer.TransferFixture.PEER_A;
import static dev.cloudless.sync.core.transfer.TransferFixture.T0;
import static dev.cloudless.sync.core.transfer.TransferFixture.p;
import static dev.cloudless.sync.core.transfer.TransferFixture.random;
import static dev.cloudless.sync.core.transfer.TransferFixture.v;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.block.Block;
import dev.cloudless.sync.core.block.BlockHasher;
import dev.cloudless.sync.core.block.ChunkerParams;
import dev.cloudless.sync.core.block.FileBlocks;
import dev.cloudless.sync.core.block.Sha256;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.transfer.Puller.PullOutcome;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 5 GiB file, mostly zeros: long offsets everywhere, zero runs cost neither network nor disk. */
class LargeSparseFileTest {
    private static final long SIZE = 5L << 30;
    private static final int BLOCK = ChunkerParams.DEFAULT.max();

    @TempDir
    Path tmp;

    @Test
    void fiveGibSparseFileIsPulledFetchingOnlyItsDataBlocks() throws Exception {
        // The chunker cuts a zero run into maximum-size blocks with one hash: check that premise.
        FileBlocks zeros = new BlockHasher().hash(new java.io.ByteArrayInputStream(new byte[4 * BLOCK]));
        assertEquals(4, zeros.blocks().size());
        assertTrue(zeros.blocks().stream().allMatch(b -> b.length() == BLOCK
                && b.hash().equals(zeros.blocks().get(0).hash())));
        Sha256 zero = zeros.blocks().get(0).hash();

        try (TransferFixture f = new TransferFixture(tmp)) {
            FolderPeer a = f.peer(PEER_A, FolderPeer.Mode.GOOD);
            byte[] head = random(BLOCK, 20);
            byte[] tail = random(BLOCK, 21);
            Path source = f.peerDir.resolve("disk.img");
            try (RandomAccessFile raf = new RandomAccessFile(source.toFile(), "rw")) {
                raf.setLength(SIZE);
                raf.seek(0);
                raf.write(head);
                raf.seek(SIZE - BLOCK);
                raf.write(tail);
            }
            // The block list the chunker gives this file, built without reading 5 GiB.
            List<Block> blocks = new ArrayList<>();
            blocks.add(new Block(0, BLOCK, sha(head)));
            for (long off = BLOCK; off < SIZE - BLOCK; off += BLOCK) {
                blocks.add(new Block(off, BLOCK, zero));
            }
            blocks.add(new Block(SIZE - BLOCK, BLOCK, sha(tail)));
            FileRecord r = FileRecord.file(p("disk.img"), SIZE, T0, 0644, v(PEER_A, 1), blocks, PEER_A.shortId());
            f.announce(PEER_A, r);

            long start = System.nanoTime();
            assertEquals(PullOutcome.APPLIED, f.pull("disk.img"));
            long millis = (System.nanoTime() - start) / 1_000_000;

            Path target = f.local.resolve("disk.img");
            assertEquals(SIZE, Files.size(target));
            assertEquals(2L * BLOCK, a.bytesServed.get(), "only the two data blocks travel");
            try (FileChannel ch = FileChannel.open(target, StandardOpenOption.READ)) {
                assertArrayEquals(head, read(ch, 0, BLOCK));
                assertArrayEquals(tail, read(ch, SIZE - BLOCK, BLOCK));
                assertArrayEquals(new byte[BLOCK], read(ch, (4L << 30) + 12345, BLOCK), "zeros past 4 GiB");
            }
            assertTrue(millis < 60_000, "took " + millis + " ms");
        }
    }

    private static Sha256 sha(byte[] b) throws Exception {
        return Sha256.of(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static byte[] read(FileChannel ch, long offset, int length) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, offset + buf.position()) < 0) {
                throw new AssertionError("short read");
            }
        }
        return buf.array();
    }
}
