package dev.cloudless.sync.bench;

import dev.cloudless.sync.core.block.ChunkerParams;
import dev.cloudless.sync.core.block.GearChunker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How much block data an edit costs under given chunker parameters: the figures behind
 * {@link ChunkerParams#DEFAULT} in docs/PROTOCOL.md. The product sends a changed block whole, so
 * the cost of an edit is the total length of the edited file's blocks that the old file lacks.
 *
 * <pre>{@code
 * java -cp sync-bench/target/sync-bench.jar dev.cloudless.sync.bench.ChunkingResilienceReport [MiB] [min/avg/max KiB ...]
 * }</pre>
 *
 * <p>Content is pseudo-random (the worst case for deduplication and the typical case for cut
 * statistics). Only the region from the edited block to the point where the new cuts fall back
 * onto old ones is re-chunked: from an old cut on, chunking is deterministic, so everything
 * after that point is unchanged by construction.
 */
public final class ChunkingResilienceReport {
    private ChunkingResilienceReport() {}

    public static void main(String[] args) {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        List<ChunkerParams> paramSets = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            int[] kib = Arrays.stream(args[i].split("/")).mapToInt(Integer::parseInt).toArray();
            paramSets.add(new ChunkerParams(kib[0] << 10, kib[1] << 10, kib[2] << 10));
        }
        if (paramSets.isEmpty()) {
            paramSets.add(ChunkerParams.DEFAULT);
        }
        byte[] data = new byte[mib << 20];
        new SplittableRandom(0x5eed).nextBytes(data);
        System.out.printf(Locale.ROOT, "%d MiB of pseudo-random data; costs in KiB of new blocks (median / p99 / max over edits)%n", mib);
        for (ChunkerParams p : paramSets) {
            report(p, data);
        }
    }

    private static void report(ChunkerParams p, byte[] data) {
        long[] ends = cuts(p, data);
        double mean = (double) data.length / ends.length;
        double var = 0;
        long prev = 0;
        for (long e : ends) {
            var += Math.pow(e - prev - mean, 2);
            prev = e;
        }
        double sd = Math.sqrt(var / ends.length);
        System.out.printf(Locale.ROOT, "%n%d/%d/%d KiB: %d blocks, mean %.1f KiB, sd %.1f KiB (%.0f blocks per GiB); rolled %.1f%% of bytes%n",
                p.min() >> 10, p.avg() >> 10, p.max() >> 10, ends.length, mean / 1024, sd / 1024,
                (1L << 30) / mean, 100.0 * (p.avg() - p.min() + GearChunker.WINDOW) / mean);
        SplittableRandom rnd = new SplittableRandom(42);
        int edits = 400;
        line("insert 1 B at offset 0..4095", p, data, ends, edits, 1, Kind.INSERT, rnd, 4096);
        line("insert 1 B anywhere", p, data, ends, edits, 1, Kind.INSERT, rnd, data.length);
        line("change 1 B anywhere", p, data, ends, edits, 1, Kind.OVERWRITE, rnd, data.length);
        line("delete 1 B anywhere", p, data, ends, edits, 1, Kind.DELETE, rnd, data.length);
        line("insert 100 B anywhere", p, data, ends, edits, 100, Kind.INSERT, rnd, data.length);
        line("insert 4 KiB anywhere", p, data, ends, edits, 4096, Kind.INSERT, rnd, data.length);
        line("insert 64 KiB anywhere", p, data, ends, edits, 65536, Kind.INSERT, rnd, data.length);
    }

    enum Kind { INSERT, OVERWRITE, DELETE }

    private static void line(String what, ChunkerParams p, byte[] data, long[] ends, int edits, int k, Kind kind,
                             SplittableRandom rnd, int range) {
        long[] cost = new long[edits];
        for (int i = 0; i < edits; i++) {
            int at = rnd.nextInt(Math.min(range, data.length - k));
            byte[] insert = new byte[k];
            rnd.nextBytes(insert);
            cost[i] = editCost(p, data, ends, at, k, kind, insert);
        }
        Arrays.sort(cost);
        System.out.printf(Locale.ROOT, "  %-28s %7.1f %7.1f %7.1f   (mean %.1f)%n", what, cost[edits / 2] / 1024.0,
                cost[edits * 99 / 100] / 1024.0, cost[edits - 1] / 1024.0, Arrays.stream(cost).average().orElse(0) / 1024);
    }

    /** Block ends (exclusive offsets) of the whole input. */
    static long[] cuts(ChunkerParams p, byte[] data) {
        GearChunker c = new GearChunker(p);
        long[] ends = new long[data.length / p.min() + 2];
        int n = 0;
        int off = 0;
        while (off < data.length) {
            int len = c.findBoundary(data, off, data.length - off);
            off = len < 0 ? data.length : off + len;
            ends[n++] = off;
        }
        return Arrays.copyOf(ends, n);
    }

    /** Bytes of new blocks after the edit, re-chunking from the edited block until cuts realign. */
    static long editCost(ChunkerParams p, byte[] data, long[] ends, int at, int k, Kind kind, byte[] insert) {
        // The first block that can change is the one containing byte `at` (cuts before it depend
        // only on earlier bytes).
        int i = Arrays.binarySearch(ends, at + 1L);
        i = i >= 0 ? i : -i - 1;
        long start = i == 0 ? 0 : ends[i - 1];
        // The edited stream, as pieces of the old data around the edit.
        int shift = switch (kind) { case INSERT -> k; case DELETE -> -k; case OVERWRITE -> 0; };
        long editEnd = at + (kind == Kind.DELETE ? 0 : k);        // first new-stream byte after the edit
        long newLength = data.length + shift;
        GearChunker c = new GearChunker(p);
        long pos = start;     // new-stream offset of the next byte to feed
        long blockStart = start;
        long cost = 0;
        byte[] one = new byte[1 << 16];
        while (pos < newLength) {
            // Fill a piece of the new stream starting at pos.
            int n;
            if (pos < at) {
                n = (int) Math.min(at - pos, one.length);
                System.arraycopy(data, (int) pos, one, 0, n);
            } else if (pos < editEnd) {
                n = (int) Math.min(editEnd - pos, one.length);
                System.arraycopy(insert, (int) (pos - at), one, 0, n);
            } else {
                n = (int) Math.min(newLength - pos, one.length);
                System.arraycopy(data, (int) (pos - shift), one, 0, n);
            }
            int off = 0;
            while (off < n) {
                int len = c.findBoundary(one, off, n - off);
                if (len < 0) {
                    break;
                }
                off += len;
                long end = pos + off;
                cost += end - blockStart;
                blockStart = end;
                // Realigned: this cut is an old cut at the same content, so the rest is unchanged.
                if (end >= editEnd && Arrays.binarySearch(ends, end - shift) >= 0) {
                    return cost;
                }
            }
            pos += n;
        }
        return cost + (newLength - blockStart);
    }
}
