package dev.cloudless.sync.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.block.Block;
import dev.cloudless.sync.core.index.FileRecord;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.version.VersionVector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class RecordDeltaProperties {
    static final FolderPath PATH = FolderPath.parse("dir/big.bin");
    static final VersionVector V1 = VersionVector.empty().increment(1);

    /** Any edit script (replace, insert, delete, move runs): a delta, when sent, rebuilds the record exactly. */
    @Property(tries = 300)
    void applyInvertsDiff(@ForAll @IntRange(min = 1, max = 300) int n, @ForAll @IntRange(min = 0, max = 12) int edits,
                          @ForAll long seed) throws ProtocolException {
        Random rnd = new Random(seed);
        List<Block> base = Gen.randomBlocks(rnd, n);
        List<Block> next = new ArrayList<>(base);
        for (int e = 0; e < edits; e++) {
            int at = next.isEmpty() ? 0 : rnd.nextInt(next.size());
            switch (rnd.nextInt(5)) {
                case 0 -> { if (!next.isEmpty()) { next.set(at, Gen.randomBlock(rnd)); } }
                case 1 -> next.add(at, Gen.randomBlock(rnd));
                case 2 -> { if (next.size() > 1) { next.remove(at); } }
                case 3 -> next.add(at, base.get(rnd.nextInt(base.size()))); // a duplicated block
                default -> { // move a run
                    int len = Math.min(next.size() - at, 1 + rnd.nextInt(8));
                    List<Block> run = new ArrayList<>(next.subList(at, at + len));
                    next.subList(at, at + len).clear();
                    next.addAll(next.isEmpty() ? 0 : rnd.nextInt(next.size() + 1), run);
                }
            }
        }
        byte[] sig = new byte[64];
        rnd.nextBytes(sig);
        FileRecord b = Gen.file(PATH, base, V1, sig);
        FileRecord x = Gen.file(PATH, next, V1.increment(2), sig);
        Optional<RecordDelta> d = RecordDelta.diff(42, b, x);
        if (d.isPresent()) {
            assertEquals(x, d.get().apply(b));
            assertEquals(PATH, d.get().path());
            assertEquals(RecordDelta.hashOf(b), d.get().baseHash());
            assertTrue(d.get().encodedLength() * 2L <= x.encode().length, "only sent when at most half the record");
            // and through the wire
            ByteBuffer wire = MessageEncoder.encode(new IndexDelta(List.of(d.get())));
            List<Message> got = new ArrayList<>();
            new MessageDecoder().feed(wire, got::add);
            assertEquals(x, ((IndexDelta) got.get(0)).entries().get(0).apply(b));
        } else {
            assertTrue(next.size() < RecordDelta.MIN_BLOCKS_FOR_DELTA || edits > 0,
                    "an unchanged block list always gives a delta");
        }
    }

    /** A delta applied to the wrong base never yields anything but a ProtocolException or some other valid record. */
    @Property(tries = 300)
    void applyingToAnotherBaseFailsCleanly(@ForAll("deltas") RecordDelta d, @ForAll @IntRange(min = 1, max = 40) int n,
                                           @ForAll long seed) {
        FileRecord other = Gen.file(PATH, Gen.randomBlocks(new Random(seed), n), V1, new byte[0]);
        try {
            FileRecord r = d.apply(other);
            assertEquals(d.blockCount(), r.blocks().size());
        } catch (ProtocolException expected) {
            // copies past the other base's end, or sizes that no longer add up
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<RecordDelta> deltas() {
        return Gen.recordDeltas();
    }
}
