package dev.cloudless.sync.bench;

import dev.cloudless.sync.core.session.DirectionKeys;
import dev.cloudless.sync.core.session.FrameException;
import dev.cloudless.sync.core.session.FrameOpener;
import dev.cloudless.sync.core.session.FrameSealer;
import dev.cloudless.sync.core.session.Frames;
import java.security.GeneralSecurityException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
 * Session frame protection (AES-128-GCM frames, {@link FrameSealer} / {@link FrameOpener}) against
 * the raw JDK cipher it is built on, in one run.
 *
 * <p>Convention shared by the project's benchmarks: every method processes exactly {@code bytes}
 * payload bytes per operation and reports ops/s (throughput = ops/s x bytes); {@code sync*}
 * methods are ours, {@code jdk*} the reference. Here the reference is {@code AES/GCM/NoPadding}
 * with a fresh IV per encryption (as GCM requires) and no framing, so the difference between a
 * pair is the whole cost of our framing: header, AAD, nonce derivation and bookkeeping.
 *
 * <p>Opening needs frames sealed with consecutive sequence numbers, so both open benchmarks walk a
 * ring of pre-sealed messages (about 2 MiB, at least 8) and start a new opener each time round the
 * ring; the JDK reference decrypts the same number of distinct ciphertexts, so both read from the
 * same cache level.
 *
 * <p>JIT warm-up: HotSpot uses its AES-CTR and GHASH intrinsics only from C2-compiled callers,
 * and compiles by call count. JMH forks a fresh JVM per method and size; at 1 MiB one operation
 * is one call into the JDK's GCM, and the JDK routes every input over 64 KiB through a separate
 * path ({@code throttleData}, six {@code update} calls), so in a JVM that has only seen 1 MiB
 * calls that path runs un-intrinsified, at about 60 MB/s, for many seconds. A node gets there
 * within its first seconds of mixed traffic; to measure that steady state in a short run,
 * {@link #setUp} first runs two seconds of JDK GCM encryptions and decryptions alternating 4 KiB
 * and 64 KiB + 16 bytes (just over that threshold), the same for all four methods.
 * {@code -jvmArgsAppend -Dsync.bench.jitWarmup=false} skips it to show the cold behaviour (our
 * sealer feeds GCM in 16 KiB pieces and so warms up within a second; decryption cannot be split).
 *
 * <pre>
 * java -cp sync-bench/target/sync-bench.jar org.openjdk.jmh.Main FrameProtectionBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class FrameProtectionBenchmark {
    private static final int RING_BYTES = 2 << 20;

    /** Frame payload size, in bytes. */
    @Param({"16384", "1048576"})
    public int bytes;

    private byte[] payload;
    private byte[] frameOut;
    private byte[] plainOut;

    private DirectionKeys keys;
    private FrameSealer sealer;
    private byte[][] frames;
    private FrameOpener opener;
    private int nextFrame;

    private SecretKeySpec jdkKey;
    private Cipher jdkEncrypt;
    private Cipher jdkDecrypt;
    private final byte[] jdkIv = new byte[12];
    private long jdkIvCounter;
    private byte[][] ciphertexts;
    private GCMParameterSpec[] ciphertextIvs;
    private int nextCiphertext;

    @Setup
    public void setUp() throws GeneralSecurityException, FrameException {
        if (Boolean.parseBoolean(System.getProperty("sync.bench.jitWarmup", "true"))) {
            warmUpJdkGcm();
        }
        SplittableRandom random = new SplittableRandom(42);
        byte[] key = new byte[16];
        byte[] nonceBase = new byte[12];
        random.nextBytes(key);
        random.nextBytes(nonceBase);
        payload = new byte[bytes];
        random.nextBytes(payload);
        frameOut = new byte[Frames.frameLength(bytes)];
        plainOut = new byte[bytes];
        int ring = Math.max(8, RING_BYTES / bytes);

        keys = new DirectionKeys(key, nonceBase);
        sealer = new FrameSealer(keys);
        FrameSealer ringSealer = new FrameSealer(keys);
        frames = new byte[ring][];
        for (int i = 0; i < ring; i++) {
            frames[i] = new byte[Frames.frameLength(bytes)];
            ringSealer.seal(payload, 0, bytes, frames[i], 0);
        }
        opener = new FrameOpener(keys);
        // Sanity: the ring opens, so syncOpen measures successful opens, not failures.
        for (byte[] f : frames) {
            opener.open(f, 0, f.length, plainOut, 0);
        }
        opener = new FrameOpener(keys);

        jdkKey = new SecretKeySpec(key, "AES");
        jdkEncrypt = Cipher.getInstance("AES/GCM/NoPadding");
        jdkDecrypt = Cipher.getInstance("AES/GCM/NoPadding");
        ciphertexts = new byte[ring][];
        ciphertextIvs = new GCMParameterSpec[ring];
        for (int i = 0; i < ring; i++) {
            ciphertextIvs[i] = new GCMParameterSpec(128, nextIv());
            jdkEncrypt.init(Cipher.ENCRYPT_MODE, jdkKey, ciphertextIvs[i]);
            ciphertexts[i] = jdkEncrypt.doFinal(payload);
        }
    }

    @Benchmark
    public int syncSeal() {
        return sealer.seal(payload, 0, bytes, frameOut, 0);
    }

    @Benchmark
    public int syncOpen() throws FrameException {
        if (nextFrame == frames.length) {
            opener = new FrameOpener(keys); // back to sequence 0 for the same ring
            nextFrame = 0;
        }
        byte[] f = frames[nextFrame++];
        return opener.open(f, 0, f.length, plainOut, 0);
    }

    @Benchmark
    public int jdkGcmEncrypt() throws GeneralSecurityException {
        jdkEncrypt.init(Cipher.ENCRYPT_MODE, jdkKey, new GCMParameterSpec(128, nextIv()));
        return jdkEncrypt.doFinal(payload, 0, bytes, frameOut, 0);
    }

    @Benchmark
    public int jdkGcmDecrypt() throws GeneralSecurityException {
        if (nextCiphertext == ciphertexts.length) {
            nextCiphertext = 0;
        }
        int i = nextCiphertext++;
        jdkDecrypt.init(Cipher.DECRYPT_MODE, jdkKey, ciphertextIvs[i]);
        return jdkDecrypt.doFinal(ciphertexts[i], 0, ciphertexts[i].length, plainOut, 0);
    }

    /** Two seconds of 4 KiB and 64 KiB + 16 GCM encryptions and decryptions: see the class comment. */
    private static void warmUpJdkGcm() throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
        byte[] iv = new byte[12];
        int[] sizes = {4096, 65536 + 16};
        byte[] plain = new byte[sizes[1]];
        byte[] sealed = new byte[sizes[1] + 16];
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (long i = 1; System.nanoTime() < end; i++) {
            int size = sizes[(int) (i & 1)];
            for (int b = 0; b < 8; b++) {
                iv[11 - b] = (byte) (i >>> (8 * b));
            }
            GCMParameterSpec spec = new GCMParameterSpec(128, iv);
            cipher.init(Cipher.ENCRYPT_MODE, key, spec);
            cipher.doFinal(plain, 0, size, sealed, 0);
            cipher.init(Cipher.DECRYPT_MODE, key, spec);
            cipher.doFinal(sealed, 0, size + 16, plain, 0);
        }
    }

    /** A counter IV: unique per encryption, which is all GCM asks. */
    private byte[] nextIv() {
        long c = ++jdkIvCounter;
        for (int i = 0; i < 8; i++) {
            jdkIv[11 - i] = (byte) (c >>> (8 * i));
        }
        return jdkIv;
    }
}
