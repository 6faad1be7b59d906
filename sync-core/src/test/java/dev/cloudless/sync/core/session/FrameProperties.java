package dev.cloudless.sync.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Hostile bytes against the frame opener, and round trips of arbitrary payloads. */
class FrameProperties {
    private static final DirectionKeys KEYS = new DirectionKeys(new byte[16], new byte[12]);

    /** Random input never opens and never fails with anything but FrameException. */
    @Property(tries = 300)
    void randomBytesAreRejectedWithFrameExceptionOnly(@ForAll @Size(max = 600) byte[] stream,
                                                      @ForAll boolean direct) {
        FrameOpener opener = new FrameOpener(KEYS);
        ByteBuffer in = (direct ? ByteBuffer.allocateDirect(stream.length) : ByteBuffer.allocate(stream.length));
        in.put(stream).flip();
        try {
            int n = opener.open(in, ByteBuffer.allocate(Frames.MAX_FRAME_PAYLOAD));
            assertEquals(Frames.NEED_MORE, n, "random bytes authenticated");
            opener.endOfStream(in.remaining());
            throw new AssertionError("a random stream ended cleanly");
        } catch (FrameException expected) {
            // the one permitted failure
        }
    }

    /** A valid stream with one bit flipped anywhere is rejected before or at its end. */
    @Property(tries = 200)
    void flippedBitAnywhereInAStreamIsRejected(@ForAll @Size(min = 1, max = 5) List<@Size(max = 100) byte[]> payloads,
                                               @ForAll @IntRange(min = 0, max = 100_000) int bit) {
        byte[] stream = seal(payloads);
        int at = bit % (stream.length * 8);
        stream[at / 8] ^= (byte) (1 << (at % 8));
        FrameOpener opener = new FrameOpener(KEYS);
        int off = 0;
        int framesOpened = 0;
        try {
            while (true) {
                int n = opener.open(stream, off, stream.length - off, new byte[stream.length], 0);
                if (n == Frames.NEED_MORE) {
                    opener.endOfStream(stream.length - off);
                    throw new AssertionError("tampered stream ended cleanly");
                }
                framesOpened++;
                off += n + Frames.OVERHEAD;
            }
        } catch (FrameException expected) {
            // Frames before the damaged one may open; the damaged one and everything after may not.
            assertTrue(off <= at / 8, "a frame containing the flipped bit was accepted");
            assertTrue(framesOpened <= payloads.size());
        }
    }

    @Property(tries = 100)
    void arbitraryPayloadsRoundTripThroughBuffers(@ForAll @Size(max = 8) List<@Size(max = 3000) byte[]> payloads,
                                                  @ForAll boolean direct) throws Exception {
        FrameSealer sealer = new FrameSealer(KEYS, 4096); // small key update limit: crosses it often
        FrameOpener opener = new FrameOpener(KEYS, 4096);
        ByteBuffer wire = direct ? ByteBuffer.allocateDirect(40_000) : ByteBuffer.allocate(40_000);
        for (byte[] p : payloads) {
            sealer.seal(ByteBuffer.wrap(p), wire);
        }
        sealer.sealClose(ByteBuffer.allocate(0), wire);
        wire.flip();
        List<byte[]> got = new ArrayList<>();
        ByteBuffer plain = ByteBuffer.allocate(3000);
        while (wire.hasRemaining()) {
            opener.open(wire, plain.clear());
            byte[] b = new byte[plain.flip().remaining()];
            plain.get(b);
            got.add(b);
        }
        opener.endOfStream(0);
        assertEquals(payloads.size() + 1, got.size());
        for (int i = 0; i < payloads.size(); i++) {
            assertArrayEquals(payloads.get(i), got.get(i));
        }
        assertEquals(sealer.keyUpdates(), opener.keyUpdates());
    }

    private static byte[] seal(List<byte[]> payloads) {
        FrameSealer sealer = new FrameSealer(KEYS);
        int total = payloads.stream().mapToInt(p -> p.length + Frames.OVERHEAD).sum() + Frames.OVERHEAD;
        byte[] out = new byte[total];
        int off = 0;
        for (byte[] p : payloads) {
            off += sealer.seal(p, 0, p.length, out, off);
        }
        off += sealer.sealClose(new byte[0], 0, 0, out, off);
        return Arrays.copyOf(out, off);
    }
}
