package dev.cloudless.sync.core.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.IntRange;

class ParallelHasherProperties {
    private static final ChunkerParams SMALL = new ChunkerParams(192, 256, 1024);
    private static ExecutorService pool;
    private static Path dir;

    @BeforeContainer
    static void start() throws IOException {
        pool = Executors.newFixedThreadPool(3);
        dir = Files.createTempDirectory("parallel-hasher");
    }

    @AfterContainer
    static void stop() throws IOException {
        pool.shutdownNow();
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private static FileBlocks hashFile(ChunkerParams params, byte[] data, int parallelism) throws IOException {
        Path f = Files.write(dir.resolve("f"), data);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            AtomicLong last = new AtomicLong(-1);
            FileBlocks blocks = new ParallelHasher(params, pool, parallelism).hash(ch, data.length, last::set, () -> false);
            assertEquals(data.length, last.get(), "the last progress report is the whole file");
            return blocks;
        }
    }

    @Property(tries = 100)
    void sameBlocksAsTheSequentialHasher(@ForAll long seed, @ForAll @IntRange(max = 200_000) int size,
                                         @ForAll @IntRange(min = 1, max = 4) int parallelism) throws Exception {
        byte[] data = TestBytes.splitMix64(seed, size);
        assertEquals(BlockHasherTest.hash(SMALL, data), hashFile(SMALL, data, parallelism));
    }

    @Property(tries = 10)
    void sameBlocksWithDefaultParams(@ForAll long seed, @ForAll @IntRange(max = 3_000_000) int size,
                                     @ForAll @IntRange(min = 1, max = 4) int parallelism) throws Exception {
        byte[] data = TestBytes.splitMix64(seed, size);
        assertEquals(BlockHasherTest.hash(ChunkerParams.DEFAULT, data), hashFile(ChunkerParams.DEFAULT, data, parallelism));
    }

    @Property(tries = 30)
    void lowEntropyDataCutsAsTheSequentialHasherDoes(@ForAll @IntRange(max = 50_000) int size,
                                                     @ForAll @IntRange(min = 1, max = 300) int period,
                                                     @ForAll byte fill) throws Exception {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (fill + i % period);
        }
        assertEquals(BlockHasherTest.hash(SMALL, data), hashFile(SMALL, data, 3));
    }

    @Example
    void aFileShorterThanItsSizeGivesNull() throws Exception {
        byte[] data = TestBytes.splitMix64(7, 100_000);
        Path f = Files.write(dir.resolve("short"), data);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ParallelHasher h = new ParallelHasher(SMALL, pool, 3);
            assertNull(h.hash(ch, data.length + 1, done -> { }, () -> false));
            assertNull(h.hash(ch, data.length + 5_000, done -> { }, () -> false));
        }
    }

    @Example
    void theFirstBytesOfALongerFileHashAsThatPrefix() throws Exception {
        byte[] data = TestBytes.splitMix64(8, 100_000);
        Path f = Files.write(dir.resolve("grown"), data);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            FileBlocks prefix = new ParallelHasher(SMALL, pool, 2).hash(ch, 60_000, done -> { }, () -> false);
            assertEquals(BlockHasherTest.hash(SMALL, Arrays.copyOf(data, 60_000)), prefix);
        }
    }

    @Example
    void cancellationStopsEveryRun() throws Exception {
        byte[] data = TestBytes.splitMix64(9, 400_000);
        Path f = Files.write(dir.resolve("cancel"), data);
        AtomicInteger polls = new AtomicInteger();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ParallelHasher h = new ParallelHasher(SMALL, pool, 3);
            assertThrows(CancellationException.class,
                    () -> h.hash(ch, data.length, done -> { }, () -> polls.incrementAndGet() > 50));
        }
        assertTrue(polls.get() > 50);
    }

    @Example
    void readsOnlyAFractionOfTheFileToFindTheBoundaries() throws Exception {
        byte[] data = TestBytes.splitMix64(10, 8 << 20);
        Path f = Files.write(dir.resolve("probe"), data);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ParallelHasher.Boundaries b = new ParallelHasher(ChunkerParams.DEFAULT, pool, 2).boundaries(ch, data.length, () -> false);
            assertEquals(BlockHasherTest.hash(ChunkerParams.DEFAULT, data).blocks().stream().map(Block::end).toList(),
                    Arrays.stream(b.ends()).boxed().toList());
            assertTrue(b.bytesRead() < data.length / 4, "read " + b.bytesRead() + " of " + data.length + " bytes");
        }
    }
}
