package dev.cloudless.sync.core.block;

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
 *       position is a cut with probability {@code 1 / (avg - min)}, so {@code avg - min} must be
 *       a power of two (at least 2); its logarithm is {@link #maskBits()}.
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
 * @param avg expected block length; {@code avg - min} is a power of two
 * @param max maximum block length, at most {@link #MAX_BLOCK_SIZE}
 */
public record ChunkerParams(int min, int avg, int max) {
    /** Largest {@code max} accepted: 16 MiB, so a block always fits one bounded buffer. */
    public static final int MAX_BLOCK_SIZE = 16 << 20;

    /**
     * 56 KiB / 64 KiB / 256 KiB.
     *
     * <p>Why: the product sends a changed block whole, so a one-byte edit costs about one
     * {@code avg}-sized block (measured: median 61 KiB, never above 150 KiB for an insert at the
     * start of a 256 MiB file); a 1 GiB file has about 16 400 blocks (590 KiB of hashes). The
     * chunker rolls only the last {@code avg - min + 64} bytes of each block, 12.6 % of the data,
     * which keeps hashing within 10 % of raw SHA-256. {@code max} = 4 × avg bounds the cost of an
     * edit in data without content-defined cuts. Measurements: {@code docs/parts/blocks.md}.
     */
    public static final ChunkerParams DEFAULT = new ChunkerParams(60 << 10, 64 << 10, 256 << 10);

    public ChunkerParams {
        if (min < GearChunker.WINDOW) {
            throw new IllegalArgumentException(
                    "ChunkerParams.min must be at least " + GearChunker.WINDOW + " (the gear window), was " + min);
        }
        if (avg <= min) {
            throw new IllegalArgumentException("ChunkerParams.avg must be greater than min (" + min + "), was " + avg);
        }
        if (Integer.bitCount(avg - min) != 1 || avg - min < 2) {
            throw new IllegalArgumentException("ChunkerParams.avg - min must be a power of two, at least 2, was "
                    + avg + " - " + min + " = " + (avg - min));
        }
        if (max <= avg) {
            throw new IllegalArgumentException("ChunkerParams.max must be greater than avg (" + avg + "), was " + max);
        }
        if (max > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException(
                    "ChunkerParams.max must be at most " + MAX_BLOCK_SIZE + " (16 MiB), was " + max);
        }
    }

    /** Number of hash bits the cut condition tests: {@code log2(avg - min)}. */
    public int maskBits() {
        return Integer.numberOfTrailingZeros(avg - min);
    }

    /**
     * The cut mask: the top {@link #maskBits()} bits, e.g. bits 63..51 for the default; a position
     * is a cut when the gear hash has all of them zero. Top bits because bit {@code k} of the gear
     * hash depends only on the last {@code k + 1} bytes: the low bits would see a window of a few
     * bytes, the top ones see all 64.
     */
    public long mask() {
        return -1L << (64 - maskBits());
    }
}
