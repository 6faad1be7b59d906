package dev.cloudless.sync.core.node;

import dev.cloudless.sync.core.block.BlockHasher;
import dev.cloudless.sync.core.crypto.Digests;
import dev.cloudless.sync.core.crypto.Ed25519;
import dev.cloudless.sync.core.session.DirectionKeys;
import dev.cloudless.sync.core.session.FrameException;
import dev.cloudless.sync.core.session.FrameOpener;
import dev.cloudless.sync.core.session.FrameSealer;
import dev.cloudless.sync.core.session.Frames;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the per-byte paths (frame sealing and opening, SHA-256, chunking, Ed25519) on small throwaway
 * inputs when a node starts, so the JIT compiles them before the first transfer needs them.
 *
 * <p>Why: the JDK's AES-GCM and SHA-256 reach hardware speed only through intrinsics that only
 * C2 emits. Until C2 has compiled their callers they run as Java code at a few MB/s, and on a
 * busy machine the compiler threads then compete with that slow code for the cores: a fresh
 * node's first gigabyte took about twice as long as a warm node's (sync-bench/RESULTS.md). Small
 * inputs reach the compile thresholds at a fraction of the CPU; the compiled code serves every
 * size. The warm-up runs once per JVM, on one low-priority daemon thread, and uses no files,
 * sockets or keys of the node. It costs about half a second of one core. 12,000 rounds of 128
 * bytes measured better than fewer, larger rounds: in a fresh JVM, 256 MiB then sealed and opened
 * in 0.25-0.5 s instead of 1.6-2.8 s. The system property
 * {@value #PROPERTY}{@code =false} turns it off.
 */
final class JitWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(JitWarmup.class);
    /** Rounds of each path: above C2's invocation threshold (5,000 by default) with room to spare. */
    static final int ROUNDS = 12_000;
    /** Payload per round: small, so the rounds cost little while still looping inside the ciphers. */
    static final int PAYLOAD_BYTES = 128;
    /** The system property that turns the warm-up off when {@code false}. */
    static final String PROPERTY = "cloudless.jitWarmup";
    /**
     * Signatures made and checked: each runs the field arithmetic thousands of times, so a few
     * dozen bring it to C2 (a fresh node signing 10,000 scanned records spent seconds in it).
     */
    static final int SIGNATURES = 64;
    private static final Object LOCK = new Object();
    private static boolean started;

    private JitWarmup() {
    }

    /** Whether {@link #PROPERTY} leaves the warm-up on (the default). */
    static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"));
    }

    /** Starts the warm-up on a background thread, once per JVM; returns at once. */
    static void startOnce() {
        synchronized (LOCK) {
            if (started) {
                return;
            }
            started = true;
        }
        Thread t = new Thread(JitWarmup::runQuietly, "sync-jit-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static void runQuietly() {
        long t0 = System.nanoTime();
        try {
            long sink = run(ROUNDS, PAYLOAD_BYTES);
            LOG.debug("JIT warm-up done in {} ms ({})", (System.nanoTime() - t0) / 1_000_000, sink);
        } catch (FrameException | RuntimeException e) {
            // Only speed depends on the warm-up; a failure here would show up in real sessions too.
            LOG.debug("JIT warm-up stopped: {}", e.toString());
        }
    }

    /**
     * Seals and opens {@code rounds} frames of {@code payloadBytes} (from heap and direct
     * buffers, as sessions receive both), hashes and chunks the same bytes, and makes and checks
     * up to {@link #SIGNATURES} signatures.
     *
     * @return a value derived from every result, so no work can be optimised away
     */
    static long run(int rounds, int payloadBytes) throws FrameException {
        Random random = new Random(rounds);
        byte[] key = new byte[DirectionKeys.KEY_LENGTH];
        byte[] nonce = new byte[DirectionKeys.NONCE_BASE_LENGTH];
        random.nextBytes(key);
        random.nextBytes(nonce);
        DirectionKeys keys = new DirectionKeys(key, nonce);
        FrameSealer sealer = new FrameSealer(keys);
        FrameOpener opener = new FrameOpener(keys);
        byte[] payload = new byte[payloadBytes];
        random.nextBytes(payload);
        ByteBuffer sealed = ByteBuffer.allocate(Frames.frameLength(payloadBytes));
        ByteBuffer direct = ByteBuffer.allocateDirect(Frames.frameLength(payloadBytes));
        ByteBuffer plain = ByteBuffer.allocate(payloadBytes);
        MessageDigest sha = Digests.sha256();
        BlockHasher hasher = new BlockHasher();
        long sink = 0;
        for (int i = 0; i < rounds; i++) {
            payload[i % payloadBytes] ^= (byte) i;
            sealed.clear();
            sealer.seal(ByteBuffer.wrap(payload), sealed);
            sealed.flip();
            plain.clear();
            if ((i & 1) == 0) {
                opener.open(sealed, plain);
            } else {
                direct.clear();
                direct.put(sealed).flip();
                opener.open(direct, plain);
            }
            sink += plain.get(i % payloadBytes);
            sha.update(plain.flip());
            sink += sha.digest()[0];
            hasher.update(payload, 0, payloadBytes);
        }
        byte[] seed = new byte[Ed25519.SEED_LENGTH];
        random.nextBytes(seed);
        Ed25519.SigningKey signer = Ed25519.signingKey(seed);
        for (int i = 0; i < Math.min(rounds, SIGNATURES); i++) {
            byte[] signature = signer.sign(Arrays.copyOf(payload, i + 1));
            if (!Ed25519.verify(signer.publicKey(), Arrays.copyOf(payload, i + 1), signature)) {
                throw new IllegalStateException("a fresh signature did not verify");
            }
            sink += signature[0];
        }
        return sink + hasher.finish().size();
    }
}
