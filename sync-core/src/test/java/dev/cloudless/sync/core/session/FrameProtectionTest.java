package dev.cloudless.sync.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cloudless.sync.core.crypto.Hkdf;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameProtectionTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KEY = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] NONCE_BASE = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaab");
    private static final DirectionKeys C2S = new DirectionKeys(KEY, NONCE_BASE);
    private static final DirectionKeys S2C = new DirectionKeys(
            HEX.parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"), HEX.parseHex("b0b1b2b3b4b5b6b7b8b9babb"));

    /** Pinned bytes of our framing; cross-checked against BouncyCastle's independent GCM below. */
    @Test
    void knownAnswerFrames() throws Exception {
        FrameSealer sealer = new FrameSealer(C2S);
        byte[] payload = "cloudless".getBytes(StandardCharsets.US_ASCII);
        byte[] f0 = new byte[Frames.frameLength(payload.length)];
        assertEquals(30, sealer.seal(payload, 0, payload.length, f0, 0));
        assertEquals("00000019" + "00" + "c9ea57ce1ae55679f9" + "07505c9c8a2a6ee0b7e01a1f067feeda", HEX.formatHex(f0));

        byte[] f1 = new byte[Frames.OVERHEAD];
        sealer.sealClose(new byte[0], 0, 0, f1, 0);
        assertEquals("00000010" + "01" + "5a4bede34bc374f3933a5c001e335233", HEX.formatHex(f1));

        FrameOpener opener = new FrameOpener(C2S);
        byte[] out = new byte[payload.length];
        assertEquals(payload.length, opener.open(f0, 0, f0.length, out, 0));
        assertArrayEquals(payload, out);
        assertFalse(opener.isClosed());
        assertEquals(0, opener.open(f1, 0, f1.length, out, 0));
        assertTrue(opener.isClosed());
        opener.endOfStream(0);
    }

    /** 300 frames (sequence numbers past one byte), sizes around the block size, against BouncyCastle GCM. */
    @Test
    void matchesIndependentGcmWithNonceBaseXorSequence() throws Exception {
        FrameSealer sealer = new FrameSealer(C2S);
        Random rnd = new Random(1);
        for (long seq = 0; seq < 300; seq++) {
            byte[] payload = new byte[rnd.nextInt(70)];
            rnd.nextBytes(payload);
            byte[] frame = new byte[Frames.frameLength(payload.length)];
            sealer.seal(payload, 0, payload.length, frame, 0);
            assertArrayEquals(referenceFrame(KEY, nonce(NONCE_BASE, seq), 0, payload), frame, "frame " + seq);
        }
    }

    /** Sizes around the sealer's 16 KiB encryption chunk, on arrays, heap and direct buffers and in place. */
    @ParameterizedTest(name = "payload of {0} bytes")
    @ValueSource(ints = {16383, 16384, 16385, 32768, 32773, 65536 + 15, 100_000})
    void chunkedEncryptionMatchesIndependentGcm(int size) throws Exception {
        byte[] payload = randomBytes(size, size);
        byte[] expected = referenceFrame(KEY, NONCE_BASE, 0, payload);

        byte[] frame = new byte[expected.length];
        new FrameSealer(C2S).seal(payload, 0, size, frame, 0);
        assertArrayEquals(expected, frame, "array");

        for (boolean direct : new boolean[] {false, true}) {
            ByteBuffer out = buffer(direct, expected.length + 3).position(3);
            new FrameSealer(C2S).seal(buffer(direct, size + 7).position(7).put(payload).position(7), out);
            assertArrayEquals(expected, bytes(out.flip().position(3)), direct ? "direct" : "heap");
        }

        byte[] buf = new byte[expected.length];
        System.arraycopy(payload, 0, buf, Frames.HEADER_LENGTH, size);
        new FrameSealer(C2S).seal(buf, Frames.HEADER_LENGTH, size, buf, 0);
        assertArrayEquals(expected, buf, "in place");
    }

    @ParameterizedTest(name = "payload of {0} bytes")
    @ValueSource(ints = {0, 1, 15, 16, 17, 4096, Frames.MAX_FRAME_PAYLOAD})
    void roundTripsOnArraysHeapAndDirectBuffers(int size) throws Exception {
        byte[] payload = randomBytes(size, size);
        FrameSealer sealer = new FrameSealer(C2S);
        FrameOpener opener = new FrameOpener(C2S);

        byte[] arrayFrame = new byte[Frames.frameLength(size)];
        sealer.seal(payload, 0, size, arrayFrame, 0);
        byte[] out = new byte[size];
        assertEquals(size, opener.open(arrayFrame, 0, arrayFrame.length, out, 0));
        assertArrayEquals(payload, out);

        for (boolean direct : new boolean[] {false, true}) {
            ByteBuffer in = buffer(direct, size).put(payload).flip();
            ByteBuffer frame = buffer(direct, Frames.frameLength(size));
            assertEquals(Frames.frameLength(size), sealer.seal(in, frame));
            assertFalse(in.hasRemaining());
            frame.flip();
            assertEquals(Frames.frameLength(size), Frames.frameLength(frame));
            ByteBuffer plain = buffer(!direct, size);
            assertEquals(size, opener.open(frame, plain));
            assertFalse(frame.hasRemaining());
            assertArrayEquals(payload, bytes(plain.flip()));
        }
    }

    @Test
    void sealsInPlace() throws Exception {
        byte[] payload = randomBytes(100, 7);
        byte[] buf = new byte[Frames.frameLength(100)];
        System.arraycopy(payload, 0, buf, Frames.HEADER_LENGTH, 100);
        new FrameSealer(C2S).seal(buf, Frames.HEADER_LENGTH, 100, buf, 0);
        assertArrayEquals(referenceFrame(KEY, NONCE_BASE, 0, payload), buf);
    }

    @Test
    void everyFlippedBitIsRejected() throws Exception {
        byte[] payload = randomBytes(40, 3);
        byte[] frame = new byte[Frames.frameLength(payload.length)];
        new FrameSealer(C2S).seal(payload, 0, payload.length, frame, 0);
        for (int i = 0; i < frame.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = frame.clone();
                bad[i] ^= (byte) (1 << bit);
                assertRejected(new FrameOpener(C2S), bad, "byte " + i + " bit " + bit);
            }
        }
    }

    @Test
    void replayedFrameIsRejected() throws Exception {
        List<byte[]> frames = sealFrames(C2S, 2);
        FrameOpener opener = new FrameOpener(C2S);
        open(opener, frames.get(0));
        assertAuthFails(opener, frames.get(0));
    }

    @Test
    void reorderedFramesAreRejected() throws Exception {
        List<byte[]> frames = sealFrames(C2S, 2);
        assertAuthFails(new FrameOpener(C2S), frames.get(1));
    }

    @Test
    void droppedFrameIsDetectedAtTheNextOne() throws Exception {
        List<byte[]> frames = sealFrames(C2S, 3);
        FrameOpener opener = new FrameOpener(C2S);
        open(opener, frames.get(0));
        assertAuthFails(opener, frames.get(2));
    }

    @Test
    void reflectedFrameIsRejected() throws Exception {
        // What we sent, fed back to our own receive side (the other direction's key).
        byte[] ours = sealFrames(C2S, 1).get(0);
        assertAuthFails(new FrameOpener(S2C), ours);
    }

    @Test
    void streamEndingWithCloseFrameIsClean() throws Exception {
        FrameOpener opener = new FrameOpener(C2S);
        for (byte[] f : sealFrames(C2S, 3, true)) {
            open(opener, f);
        }
        assertTrue(opener.isClosed());
        opener.endOfStream(0);
    }

    @Test
    void streamCutBetweenFramesIsTruncated() throws Exception {
        List<byte[]> frames = sealFrames(C2S, 3, true);
        FrameOpener opener = new FrameOpener(C2S);
        open(opener, frames.get(0));
        open(opener, frames.get(1)); // the CLOSE frame (index 2) never arrives
        FrameException e = assertThrows(FrameException.class, () -> opener.endOfStream(0));
        assertEquals(FrameException.Reason.TRUNCATED, e.reason());
    }

    @Test
    void streamCutInsideAFrameIsRejected() throws Exception {
        byte[] close = sealFrames(C2S, 1, true).get(0);
        for (int cut = 1; cut < close.length; cut++) {
            FrameOpener opener = new FrameOpener(C2S);
            assertEquals(Frames.NEED_MORE, opener.open(close, 0, cut, new byte[64], 0));
            ByteBuffer partial = ByteBuffer.wrap(close, 0, cut);
            assertEquals(Frames.NEED_MORE, opener.open(partial, ByteBuffer.allocate(64)));
            assertEquals(0, partial.position(), "nothing consumed");
            int unconsumed = cut;
            FrameException e = assertThrows(FrameException.class, () -> opener.endOfStream(unconsumed));
            assertEquals(FrameException.Reason.TRUNCATED_FRAME, e.reason());
        }
    }

    @Test
    void dataAfterCloseIsRejected() throws Exception {
        List<byte[]> frames = sealFrames(C2S, 2, true);
        FrameOpener opener = new FrameOpener(C2S);
        open(opener, frames.get(0));
        open(opener, frames.get(1));
        byte[] more = new byte[Frames.OVERHEAD];
        FrameException e = assertThrows(FrameException.class, () -> opener.open(more, 0, more.length, new byte[0], 0));
        assertEquals(FrameException.Reason.DATA_AFTER_CLOSE, e.reason());

        FrameOpener other = new FrameOpener(C2S);
        open(other, frames.get(0));
        open(other, frames.get(1));
        e = assertThrows(FrameException.class, () -> other.endOfStream(3));
        assertEquals(FrameException.Reason.DATA_AFTER_CLOSE, e.reason());
    }

    @Test
    void sealerRefusesToSealAfterClose() {
        FrameSealer sealer = new FrameSealer(C2S);
        sealer.sealClose(new byte[0], 0, 0, new byte[Frames.OVERHEAD], 0);
        assertTrue(sealer.isClosed());
        assertThrows(IllegalStateException.class, () -> sealer.seal(new byte[1], 0, 1, new byte[64], 0));
    }

    @ParameterizedTest(name = "length field 0x{0}")
    @ValueSource(strings = {"00100011", "7fffffff", "80000000", "ffffffff"})
    void oversizedLengthIsRejectedFromTheHeaderAlone(String lengthHex) {
        byte[] header = HEX.parseHex(lengthHex + "00");
        // Only the 5 header bytes are present and the output has no room at all: the opener must
        // reject the announced length instead of waiting for, or allocating room for, the body.
        FrameException e = assertThrows(FrameException.class,
                () -> new FrameOpener(C2S).open(ByteBuffer.wrap(header), ByteBuffer.allocate(0)));
        assertEquals(FrameException.Reason.FRAME_TOO_LONG, e.reason());
        e = assertThrows(FrameException.class, () -> Frames.frameLength(header, 0, header.length));
        assertEquals(FrameException.Reason.FRAME_TOO_LONG, e.reason());
    }

    @Test
    void largestFrameIsAcceptedAndOneMoreByteIsNot() throws Exception {
        byte[] header = {0x00, 0x10, 0x00, 0x10, 0x00}; // 1 MiB + 16
        assertEquals(Frames.MAX_FRAME_LENGTH, Frames.frameLength(header, 0, 5));
        assertThrows(IllegalArgumentException.class, () -> new FrameSealer(C2S).seal(
                new byte[Frames.MAX_FRAME_PAYLOAD + 1], 0, Frames.MAX_FRAME_PAYLOAD + 1,
                new byte[Frames.MAX_FRAME_LENGTH + 1], 0));
    }

    @Test
    void lengthBelowTagAndReservedFlagsAreRejected() {
        FrameException e = assertThrows(FrameException.class,
                () -> new FrameOpener(C2S).open(HEX.parseHex("0000000f00" + "00".repeat(15)), 0, 20, new byte[0], 0));
        assertEquals(FrameException.Reason.FRAME_TOO_SHORT, e.reason());
        e = assertThrows(FrameException.class,
                () -> new FrameOpener(C2S).open(HEX.parseHex("0000001002" + "00".repeat(16)), 0, 21, new byte[0], 0));
        assertEquals(FrameException.Reason.RESERVED_FLAGS, e.reason());
    }

    @Test
    void failedOpenReleasesNoPlaintextAndIsFinal() throws Exception {
        byte[] frame = sealFrames(C2S, 1).get(0);
        frame[frame.length - 1] ^= 1;
        FrameOpener opener = new FrameOpener(C2S);
        ByteBuffer out = ByteBuffer.allocate(64);
        assertThrows(FrameException.class, () -> opener.open(ByteBuffer.wrap(frame), out));
        assertEquals(0, out.position());
        assertArrayEquals(new byte[64], out.array());
        assertThrows(IllegalStateException.class, () -> opener.open(ByteBuffer.wrap(frame), out));
        assertThrows(IllegalStateException.class, () -> opener.endOfStream(0));
    }

    /** Earlier bytes in the output survive a failed frame, on every buffer kind (JDK 25 wipes direct ones). */
    @ParameterizedTest(name = "direct = {0}")
    @ValueSource(booleans = {false, true})
    void failedOpenLeavesEarlierOutputAloneAndWipesItsPlaintext(boolean direct) throws Exception {
        List<byte[]> frames = sealFrames(C2S, 2);
        byte[] bad = frames.get(1).clone();
        bad[bad.length - 1] ^= 1;
        FrameOpener opener = new FrameOpener(C2S);
        ByteBuffer out = buffer(direct, 256);
        int first = opener.open(ByteBuffer.wrap(frames.get(0)), out);
        byte[] delivered = bytes(out.duplicate().flip());
        assertThrows(FrameException.class, () -> opener.open(ByteBuffer.wrap(bad), out));
        assertEquals(first, out.position());
        assertArrayEquals(delivered, bytes(out.duplicate().flip()), "bytes before the position");
        assertArrayEquals(new byte[256 - first], bytes(out.duplicate()), "no plaintext of the bad frame");
    }

    @Test
    void outputTooSmallIsACallerErrorThatConsumesNothing() throws Exception {
        byte[] frame = sealFrames(C2S, 1).get(0);
        FrameOpener opener = new FrameOpener(C2S);
        ByteBuffer in = ByteBuffer.wrap(frame);
        assertThrows(IllegalArgumentException.class, () -> opener.open(in, ByteBuffer.allocate(1)));
        assertEquals(0, in.position());
        assertEquals(frame.length - Frames.OVERHEAD, opener.open(in, ByteBuffer.allocate(64)));
    }

    /** Both sides switch keys after the same byte count; frames across the boundary round-trip. */
    @Test
    void rekeyBoundaryRoundTrips() throws Exception {
        long limit = 100; // each 40-byte payload is 56 bytes of ciphertext+tag: update before frames 2, 4, 6, ...
        FrameSealer sealer = new FrameSealer(C2S, limit);
        FrameOpener opener = new FrameOpener(C2S, limit);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            byte[] payload = randomBytes(40, i);
            byte[] frame = new byte[Frames.frameLength(40)];
            sealer.seal(payload, 0, 40, frame, 0);
            frames.add(frame);
            byte[] out = new byte[40];
            assertEquals(40, opener.open(frame, 0, frame.length, out, 0));
            assertArrayEquals(payload, out, "frame " + i);
        }
        assertEquals(4, sealer.keyUpdates());
        assertEquals(4, opener.keyUpdates());

        // Frame 2 is the first under key' = HKDF(key || nonceBase, info = "... key update"), and the
        // sequence number carries on across the update.
        byte[] next = Hkdf.derive(concat(KEY, NONCE_BASE), null, Hkdf.label("key update"), 28);
        byte[] key1 = Arrays.copyOfRange(next, 0, 16);
        byte[] base1 = Arrays.copyOfRange(next, 16, 28);
        byte[] plain2 = randomBytes(40, 2);
        assertArrayEquals(referenceFrame(key1, nonce(base1, 2), 0, plain2), frames.get(2));
        assertArrayEquals(referenceFrame(KEY, nonce(NONCE_BASE, 1), 0, randomBytes(40, 1)), frames.get(1));

        // An opener that does not update at the same point fails exactly at the boundary.
        FrameOpener late = new FrameOpener(C2S);
        open(late, frames.get(0));
        open(late, frames.get(1));
        assertAuthFails(late, frames.get(2));
    }

    @Test
    void keyUpdateIsHkdfOfKeyAndNonceBase() {
        DirectionKeys next = C2S.next();
        byte[] okm = Hkdf.derive(concat(KEY, NONCE_BASE), null, Hkdf.label("key update"), 28);
        assertArrayEquals(Arrays.copyOf(okm, 16), next.key());
        assertArrayEquals(Arrays.copyOfRange(okm, 16, 28), next.nonceBase());
        assertFalse(Arrays.equals(next.key(), next.next().key()));
    }

    /** The documented read loop, fed the stream in awkward pieces. */
    @Test
    void streamOfFramesSurvivesArbitraryChunking() throws Exception {
        List<byte[]> payloads = new ArrayList<>();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        FrameSealer sealer = new FrameSealer(C2S);
        Random rnd = new Random(5);
        for (int i = 0; i < 50; i++) {
            byte[] p = randomBytes(rnd.nextInt(3000), i);
            payloads.add(p);
            byte[] f = new byte[Frames.frameLength(p.length)];
            sealer.seal(p, 0, p.length, f, 0);
            wire.write(f);
        }
        byte[] close = new byte[Frames.OVERHEAD];
        sealer.sealClose(new byte[0], 0, 0, close, 0);
        wire.write(close);
        byte[] bytes = wire.toByteArray();

        FrameOpener opener = new FrameOpener(C2S);
        ByteBuffer in = ByteBuffer.allocateDirect(8192);
        ByteBuffer plain = ByteBuffer.allocate(4096);
        List<byte[]> received = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int chunk = Math.min(1 + rnd.nextInt(700), Math.min(in.remaining(), bytes.length - at));
            in.put(bytes, at, chunk);
            at += chunk;
            in.flip();
            while (opener.open(in, plain) != Frames.NEED_MORE) {
                received.add(bytes(plain.flip()));
                plain.clear();
            }
            in.compact();
        }
        opener.endOfStream(in.position());
        assertTrue(opener.isClosed());
        assertEquals(payloads.size() + 1, received.size());
        for (int i = 0; i < payloads.size(); i++) {
            assertArrayEquals(payloads.get(i), received.get(i));
        }
    }

    // ---- helpers

    /** Feeds {@code stream} as the whole input; asserts that it is rejected and releases nothing. */
    static void assertRejected(FrameOpener opener, byte[] stream, String what) {
        try {
            int n = opener.open(stream, 0, stream.length, new byte[stream.length], 0);
            if (n != Frames.NEED_MORE) {
                fail(what + ": released " + n + " bytes of plaintext");
            }
            opener.endOfStream(stream.length); // waiting for a body that never comes
            fail(what + ": accepted");
        } catch (FrameException expected) {
            // rejected
        }
    }

    private static void assertAuthFails(FrameOpener opener, byte[] frame) {
        FrameException e = assertThrows(FrameException.class,
                () -> opener.open(frame, 0, frame.length, new byte[frame.length], 0));
        assertEquals(FrameException.Reason.AUTHENTICATION_FAILED, e.reason());
    }

    private static void open(FrameOpener opener, byte[] frame) throws FrameException {
        assertEquals(frame.length - Frames.OVERHEAD, opener.open(frame, 0, frame.length, new byte[frame.length], 0));
    }

    static List<byte[]> sealFrames(DirectionKeys keys, int count) {
        return sealFrames(keys, count, false);
    }

    /** {@code count} frames of distinct small payloads; the last is a CLOSE frame if {@code close}. */
    static List<byte[]> sealFrames(DirectionKeys keys, int count, boolean close) {
        FrameSealer sealer = new FrameSealer(keys);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] p = randomBytes(10 + i, 100 + i);
            byte[] f = new byte[Frames.frameLength(p.length)];
            if (close && i == count - 1) {
                sealer.sealClose(p, 0, p.length, f, 0);
            } else {
                sealer.seal(p, 0, p.length, f, 0);
            }
            frames.add(f);
        }
        return frames;
    }

    static byte[] nonce(byte[] base, long seq) {
        byte[] n = base.clone();
        for (int i = 0; i < 8; i++) {
            n[11 - i] ^= (byte) (seq >>> (8 * i));
        }
        return n;
    }

    /** The frame as computed by BouncyCastle's GCM: an implementation independent of the JDK's. */
    static byte[] referenceFrame(byte[] key, byte[] nonce, int flags, byte[] payload) throws Exception {
        int length = payload.length + 16;
        byte[] header = {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length,
            (byte) flags};
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(true, new AEADParameters(new KeyParameter(key), 128, nonce, header));
        byte[] frame = new byte[5 + length];
        System.arraycopy(header, 0, frame, 0, 5);
        int n = gcm.processBytes(payload, 0, payload.length, frame, 5);
        gcm.doFinal(frame, 5 + n);
        return frame;
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static ByteBuffer buffer(boolean direct, int size) {
        return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
