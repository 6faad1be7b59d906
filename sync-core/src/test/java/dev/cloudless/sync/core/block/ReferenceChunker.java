package dev.cloudless.sync.core.block;

import java.util.ArrayList;
import java.util.List;

/**
 * The cut rule of {@link GearChunker} computed the slow, literal way: the gear hash of every
 * candidate position is summed over its 64-byte window from scratch, with no rolling, no
 * skipping and no two-byte steps. The fast chunker must agree with it exactly.
 */
final class ReferenceChunker {
    private ReferenceChunker() {}

    /** W(p) = sum over j = 0..63 of G[b[p - j]] << j (mod 2^64). */
    static long windowHash(byte[] b, int p) {
        long w = 0;
        for (int j = 0; j < GearChunker.WINDOW; j++) {
            w += GearChunker.gear(b[p - j] & 0xff) << j;
        }
        return w;
    }

    static List<Integer> blockLengths(byte[] b, ChunkerParams params) {
        long threshold = params.threshold();
        List<Integer> lengths = new ArrayList<>();
        int s = 0;
        while (s < b.length) {
            int remaining = b.length - s;
            int length = Math.min(remaining, params.max());  // forced cut, or the file's last block
            for (int l = params.min(); l < length; l++) {
                if (Long.compareUnsigned(windowHash(b, s + l - 1), threshold) < 0) {
                    length = l;
                    break;
                }
            }
            lengths.add(length);
            s += length;
        }
        return lengths;
    }
}
