package dev.cloudless.sync.core.block;

import java.util.Objects;

/**
 * Content-defined chunking with a gear hash, in the spirit of FastCDC (Xia et al., USENIX ATC
 * 2016): finds block boundaries in a byte stream fed in arbitrary pieces.
 *
 * <h2>Definition (wire format)</h2>
 * <pre>
 *   G[0..255]  gear table: G[i] = i-th output (from 0) of SplitMix64 seeded with
 *              GEAR_SEED = 0x6364632d67656172 ("cdc-gear" in ASCII, big-endian)
 *   W(p)       gear hash of the 64 bytes ending at p:  sum over j=0..63 of (G[b[p-j]] &lt;&lt; j)  mod 2^64
 *   T          ChunkerParams.threshold() = floor(2^64 / (avg - min))
 *
 *   a block starting at s has the smallest length L with
 *       L == max,   or   min &lt;= L  and  W(s + L - 1) &lt; T  (unsigned)
 *   (the file's last block may be shorter than min)
 * </pre>
 * Rolling {@code h = (h << 1) + G[b]} yields exactly {@code W} once 64 bytes have been rolled,
 * because each older byte has been shifted out of the 64-bit word. So the chunker skips the
 * first {@code min - 64} bytes of every block without reading them, rolls 63 bytes without
 * testing, then tests every position: only about {@code (avg - min + 64) / avg} of the data is
 * read at all.
 *
 * <p>Not thread-safe; one instance per stream. Holds no reference to the data.
 *
 * <pre>{@code
 * GearChunker chunker = new GearChunker(ChunkerParams.DEFAULT);
 * int n = chunker.findBoundary(buf, off, len);
 * if (n >= 0) { ... the current block ends after buf[off + n - 1]; the next one starts there ... }
 * else        { ... all len bytes belong to the current block, which continues ... }
 * }</pre>
 */
public final class GearChunker {
    /** Bytes that determine the gear hash: one per bit of a {@code long}. */
    public static final int WINDOW = 64;
    /** Seed of the SplitMix64 sequence that generates the gear table ("cdc-gear"). */
    public static final long GEAR_SEED = 0x6364632d67656172L;

    // Both peers must cut identically, so the table is part of the wire format: never change it.
    private static final long[] GEAR = new long[256];
    // The scan rolls h' = W ^ Long.MIN_VALUE instead of W, so that the unsigned test W <u T
    // becomes the signed h' < T ^ MIN: one compare-and-branch per position, with no flip or mask
    // in the loop. Since MIN_VALUE << 1 == 0, h' rolls like W with each entry's top bit flipped.
    private static final long[] GEAR_FLIPPED = new long[256];
    // GEAR[i] << 1: to advance the hash by two bytes with one shift: h2 = (h << 2) + (2 G[a] + G[b]).
    private static final long[] GEAR_SHIFTED = new long[256];

    static {
        long state = GEAR_SEED;
        for (int i = 0; i < 256; i++) {
            state += 0x9e3779b97f4a7c15L;
            GEAR[i] = splitMix64Finalize(state);
            GEAR_FLIPPED[i] = GEAR[i] ^ Long.MIN_VALUE;
            GEAR_SHIFTED[i] = GEAR[i] << 1;
        }
    }

    private final ChunkerParams params;
    private final int max;
    private final int rollFrom;     // chunk index of the first byte that can influence a cut: min - 64
    private final int checkFrom;    // chunk index of the byte that completes a min-length block
    private final long threshold;   // cut when h' < threshold
    private final long[] hashOut = new long[1];  // second return value of scan(), without allocating

    private int pos;  // bytes of the current block seen so far
    private long h;   // W ^ MIN_VALUE, meaningful from chunk index rollFrom on

    public GearChunker(ChunkerParams params) {
        this.params = Objects.requireNonNull(params, "params");
        this.max = params.max();
        this.rollFrom = params.min() - WINDOW;
        this.checkFrom = params.min() - 1;
        this.threshold = params.threshold() ^ Long.MIN_VALUE;
    }

    /** The i-th gear table entry (0 &lt;= i &lt; 256). */
    public static long gear(int i) {
        return GEAR[i];
    }

    /** SplitMix64's output function (Steele, Lea, Flood 2014). */
    static long splitMix64Finalize(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    public ChunkerParams params() {
        return params;
    }

    /** Bytes of the current, unfinished block seen so far. */
    public int pendingBytes() {
        return pos;
    }

    /**
     * Bytes from here on that certainly belong to the current block and that no cut decision reads:
     * the rest of its first {@code min - 64}. A caller may hash them before calling
     * {@link #findBoundary}, which skips them anyway.
     */
    public int bytesBeforeRolling() {
        return Math.max(0, rollFrom - pos);
    }

    /**
     * Continues the current block with {@code n} bytes that no cut decision reads, without
     * looking at them: at most {@link #bytesBeforeRolling()}. Lets a caller find boundaries
     * without reading most of a file ({@link ParallelHasher}).
     */
    public void skip(int n) {
        if (n < 0 || n > bytesBeforeRolling()) {
            throw new IllegalArgumentException("can skip 0.." + bytesBeforeRolling() + " bytes, not " + n);
        }
        pos += n;
    }

    /** Forgets the current block: the next byte starts a new one. */
    public void reset() {
        pos = 0;
    }

    /**
     * Continues the current block with {@code b[off, off + len)}.
     *
     * @return the number of bytes, from {@code off}, that complete the current block (1..len), after
     *     which the chunker is at the start of the next block; or -1 if all {@code len} bytes belong
     *     to the current block and it has not ended
     */
    public int findBoundary(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        final int start = pos;
        // Offsets relative to off, clamped to len before adding, so nothing can overflow.
        int limit = (int) Math.min(len, (long) max - start);  // bytes that still fit this block
        int roll = Math.min(limit, Math.max(0, rollFrom - start));
        int check = Math.min(limit, Math.max(0, checkFrom - start));
        long hash = h;
        // Bytes before the first testable position cannot end a block but shape its hash.
        for (int i = off + roll, end = off + check; i < end; i++) {
            hash = (hash << 1) + GEAR_FLIPPED[b[i] & 0xff];
        }
        int stop = off + limit;
        int cut = scan(b, off + check, stop, hash, threshold, hashOut);
        if (cut >= 0) {
            pos = 0;  // h need not be cleared: 64 bytes are rolled before the next test
            return cut - off;
        }
        if (start + limit == max) {
            pos = 0;
            return limit;
        }
        pos = start + len;
        h = hashOut[0];
        return -1;
    }

    /**
     * The hot loop, kept small and static so that everything it uses fits in registers. Tests
     * every position in {@code b[i, stop)}, two bytes per step: both hashes of a step derive
     * from the previous {@code h} independently, so the loop-carried chain is one shift and one
     * add per two bytes.
     *
     * @return the index just past the first cut, or -1 with the final hash in {@code hashOut[0]}
     */
    private static int scan(byte[] b, int i, int stop, long h, long threshold, long[] hashOut) {
        for (; i < stop - 1; i += 2) {
            int first = b[i] & 0xff;
            long h1 = (h << 1) + GEAR_FLIPPED[first];
            h = (h << 2) + (GEAR_SHIFTED[first] + GEAR_FLIPPED[b[i + 1] & 0xff]);
            if (h1 < threshold) {
                return i + 1;
            }
            if (h < threshold) {
                return i + 2;
            }
        }
        if (i < stop) {
            h = (h << 1) + GEAR_FLIPPED[b[i] & 0xff];
            if (h < threshold) {
                return i + 1;
            }
        }
        hashOut[0] = h;
        return -1;
    }
}
