package dev.cloudless.sync.core.block;

import java.math.BigInteger;

/**
 * Block-size parameters of the content-defined chunker, in bytes.
 *
 * <p>Part of the wire format: two peers only share blocks if they cut with the same parameters,
 * so a folder uses {@link #DEFAULT} unless every peer is configured alike.
 *
 * <ul>
 *   <li>{@code min}: no block (except a file's last) is shorter; the chunker does not even look
 *       at most of these bytes, which is where its speed comes from.
 *   <li>{@code avg}: the expected block size on high-entropy data. Past {@code min} every
 *       position is a cut with probability {@code 1 / (avg - min)} (see {@link #threshold()}),
 *       so block lengths are {@code min} plus a geometric tail of mean {@code avg - min}.
 *   <li>{@code max}: a block that reaches this length is cut unconditionally (constant or
 *       periodic data never produces a content-defined cut).
 * </ul>
 *
 * <pre>{@code
 * BlockHasher hasher = new BlockHasher(ChunkerParams.DEFAULT);
 * ChunkerParams small = new ChunkerParams(192, 256, 1024);   // for tests: many blocks from little data
 * }</pre>
 *
 * @param min minimum block length, at least {@link GearChunker#WINDOW}
 * @param avg expected block length, at least {@code min + 2}
 * @param max maximum block length, at most {@link #MAX_BLOCK_SIZE}
 */
public record ChunkerParams(int min, int avg, int max) {
    /** Largest {@code max} accepted: 16 MiB, so a block always fits one bounded buffer. */
    public static final int MAX_BLOCK_SIZE = 16 << 20;

    /**
     * 58 KiB / 64 KiB / 256 KiB: a one-byte edit costs one ~64 KiB block, hashing runs at about
     * 97 % of raw SHA-256, and a 1 GiB file has about 16 400 blocks (590 KiB of block records).
     *
     * <p>Why these numbers. The product sends a changed block whole, so {@code avg} is the price
     * of a small edit: a one-byte insert at the start of a 256 MiB file costs 64 KiB, and
     * one-byte edits anywhere cost at most 128 KiB at the 99th percentile. Speed comes from the
     * gap between {@code min} and {@code avg}: only the last {@code avg - min + 64} bytes of a
     * block are rolled (9.5 % of the data here), and rolling a byte costs more than hashing it.
     * A large min has a price: after an edit of kilobytes that moves a cut, the new cuts take
     * longer to fall back onto the old ones (a 4 KiB insert: median 81 KiB, p99 2 MiB of a
     * 256 MiB file). Measured with JMH: min 48 KiB gives 0.82 of SHA-256 (4 KiB insert p99
     * 0.5 MiB), 56 KiB 0.91-0.93, 58 KiB 0.97-0.99, 60 KiB about 1.0 (p99 4.3 MiB); 58 KiB is
     * the smallest min that meets the 90 % target with a margin for a busy machine.
     * {@code max} = 4 × avg is never reached on random data and bounds the blocks of data
     * without content-defined cuts (zeros). Measurements: {@code docs/PROTOCOL.md (Blocks) and sync-bench/RESULTS.md}.
     */
    public static final ChunkerParams DEFAULT = new ChunkerParams(58 << 10, 64 << 10, 256 << 10);

    public ChunkerParams {
        if (min < GearChunker.WINDOW) {
            throw new IllegalArgumentException(
                    "ChunkerParams.min must be at least " + GearChunker.WINDOW + " (the gear window), was " + min);
        }
        if (avg < min + 2L) {
            throw new IllegalArgumentException(
                    "ChunkerParams.avg must be at least min + 2 (" + (min + 2L) + "), was " + avg);
        }
        if (max <= avg) {
            throw new IllegalArgumentException("ChunkerParams.max must be greater than avg (" + avg + "), was " + max);
        }
        if (max > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException(
                    "ChunkerParams.max must be at most " + MAX_BLOCK_SIZE + " (16 MiB), was " + max);
        }
    }

    /**
     * The cut threshold, {@code floor(2^64 / (avg - min))} as an unsigned 64-bit value: a position
     * is a cut when the gear hash there is below it (unsigned), which happens with probability
     * {@code 1 / (avg - min)} on random data. The comparison is decided by the hash's top bits,
     * which depend on all 64 bytes of its window (bit {@code k} depends only on the last
     * {@code k + 1}).
     */
    public long threshold() {
        return BigInteger.ONE.shiftLeft(64).divide(BigInteger.valueOf(avg - min)).longValue();
    }
}
