package dev.cloudless.sync.bench;

import dev.cloudless.sync.core.block.BlockHasher;
import dev.cloudless.sync.core.block.ChunkerParams;
import dev.cloudless.sync.core.block.FileBlocks;
import dev.cloudless.sync.core.block.GearChunker;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Block hashing (content-defined chunking + per-block SHA-256 + file hash) against raw JDK
 * SHA-256 over the same in-memory bytes. Target: {@code syncBlockHash} >= 90 % of
 * {@code jdkSha256}. {@code syncChunkOnly} is the chunker alone (no hashing), to show what it adds.
 *
 * <pre>{@code
 * mvn -B -q -pl sync-bench -am package -DskipTests
 * java -cp sync-bench/target/sync-bench.jar org.openjdk.jmh.Main BlockHashingBenchmark
 * # other chunker parameters, min/avg/max in KiB:
 * java -cp sync-bench/target/sync-bench.jar org.openjdk.jmh.Main BlockHashingBenchmark -jvmArgs -Dblocks.chunker=56/64/256
 * }</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class BlockHashingBenchmark {
    /** Bytes processed per operation (HotPathReport convention). */
    @Param("67108864")
    public int bytes;

    private byte[] data;
    private BlockHasher hasher;
    private GearChunker chunker;
    private MessageDigest sha256;

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        // Pseudo-random, so the chunker sees realistic (high-entropy) content and cuts near avg.
        data = new byte[bytes];
        new SplittableRandom(0x5eed).nextBytes(data);
        ChunkerParams params = ChunkerParams.DEFAULT;
        String override = System.getProperty("blocks.chunker");  // "min/avg/max" in KiB
        if (override != null) {
            int[] k = Arrays.stream(override.split("/")).mapToInt(Integer::parseInt).toArray();
            params = new ChunkerParams(k[0] << 10, k[1] << 10, k[2] << 10);
        }
        hasher = new BlockHasher(params);
        chunker = new GearChunker(params);
        sha256 = MessageDigest.getInstance("SHA-256");
    }

    @Benchmark
    public FileBlocks syncBlockHash() {
        hasher.update(data, 0, data.length);
        return hasher.finish();
    }

    @Benchmark
    public byte[] jdkSha256() {
        sha256.update(data, 0, data.length);
        return sha256.digest();
    }

    /** Boundaries only, no hashing: returns the block count so the work cannot be eliminated. */
    @Benchmark
    public int syncChunkOnly() {
        chunker.reset();
        int blocks = 0;
        int off = 0;
        int end = data.length;
        while (off < end) {
            int n = chunker.findBoundary(data, off, end - off);
            if (n < 0) {
                break;
            }
            off += n;
            blocks++;
        }
        return blocks;
    }
}
