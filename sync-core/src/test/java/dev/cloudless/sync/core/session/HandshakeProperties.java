package dev.cloudless.sync.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.session.HandshakeMessages.ClientHello;
import dev.cloudless.sync.core.session.HandshakeMessages.ClientProof;
import dev.cloudless.sync.core.session.HandshakeMessages.ServerHello;
import dev.cloudless.sync.core.session.HandshakeMessages.ServerProof;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Hostile bytes against every handshake decoder and against the state machines: the only failure
 * ever thrown is {@link HandshakeException}.
 */
class HandshakeProperties {
    private static final byte[] SECRET = HandshakeTest.secret();
    private static final List<FolderSecret<String>> FOLDERS = List.of(new FolderSecret<>("f", SECRET));
    /** One real handshake's messages, to mutate. */
    private static final HandshakeTest.Run RUN;

    static {
        try {
            RUN = HandshakeTest.handshake(SECRET, FOLDERS);
        } catch (HandshakeException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    interface Decoder {
        void decode(byte[] msg) throws HandshakeException;
    }

    private static final List<Decoder> DECODERS = List.of(
            ClientHello::decode, ServerHello::decode, ClientProof::decode, ServerProof::decode,
            HandshakeMessages::decodeFailure, msg -> HandshakeMessages.lengthOf(msg.length > 0 ? msg[0] : 0));

    @Property(tries = 300)
    void randomBytesOnlyEverFailWithHandshakeException(@ForAll @Size(max = 400) byte[] bytes) {
        for (Decoder d : DECODERS) {
            decodeOrHandshakeException(d, bytes);
        }
    }

    @Property(tries = 300)
    void mutatedMessagesOnlyEverFailWithHandshakeException(@ForAll("mutatedMessages") byte[] bytes) {
        for (Decoder d : DECODERS) {
            decodeOrHandshakeException(d, bytes);
        }
    }

    @Property(tries = 100)
    void clientHelloRoundTrips(@ForAll @Size(32) byte[] nonce, @ForAll @Size(16) byte[] tag) throws Exception {
        byte[] enc = new ClientHello(1, nonce, tag).encode();
        ClientHello dec = ClientHello.decode(enc);
        assertArrayEquals(nonce, dec.nonce());
        assertArrayEquals(tag, dec.folderTag());
        assertArrayEquals(enc, dec.encode());
    }

    @Property(tries = 100)
    void serverHelloRoundTrips(@ForAll @Size(32) byte[] nonce, @ForAll @Size(16) byte[] salt,
                               @ForAll @Size(256) byte[] b) throws Exception {
        byte[] enc = new ServerHello(1, nonce, salt, b).encode();
        ServerHello dec = ServerHello.decode(enc);
        assertArrayEquals(nonce, dec.nonce());
        assertArrayEquals(salt, dec.salt());
        assertArrayEquals(b, dec.publicValue());
        assertArrayEquals(enc, dec.encode());
    }

    @Property(tries = 100)
    void proofsRoundTrip(@ForAll @Size(256) byte[] a, @ForAll @Size(32) byte[] m1, @ForAll @Size(32) byte[] m2)
            throws Exception {
        ClientProof cp = ClientProof.decode(new ClientProof(a, m1).encode());
        assertArrayEquals(a, cp.publicValue());
        assertArrayEquals(m1, cp.evidence());
        assertArrayEquals(m2, ServerProof.decode(new ServerProof(m2).encode()).evidence());
    }

    /** Any trailing byte after a valid message is rejected: decoders never over- or under-read. */
    @Property(tries = 50)
    void trailingGarbageIsRejected(@ForAll @IntRange(min = 0, max = 3) int which, @ForAll byte garbage) {
        byte[] msg = List.of(RUN.clientHello(), RUN.serverHello(), RUN.clientProof(), RUN.serverProof()).get(which);
        byte[] longer = Arrays.copyOf(msg, msg.length + 1);
        longer[msg.length] = garbage;
        Decoder d = DECODERS.get(which);
        try {
            d.decode(longer);
            throw new AssertionError("accepted trailing garbage");
        } catch (HandshakeException expected) {
            // rejected
        }
    }

    @Property(tries = 200)
    void serverStateMachineOnlyEverFailsWithHandshakeException(@ForAll("hostile") byte[] first,
                                                                @ForAll("hostile") byte[] second) {
        ServerHandshake<String> server = new ServerHandshake<>(FOLDERS, HandshakeTest.RANDOM);
        try {
            server.onClientHello(first);
            server.onClientProof(second);
            throw new AssertionError("a handshake completed without the client's secret");
        } catch (HandshakeException expected) {
            // rejected
        }
    }

    @Property(tries = 30)
    void clientStateMachineOnlyEverFailsWithHandshakeException(@ForAll("hostile") byte[] first,
                                                                @ForAll("hostile") byte[] second) {
        ClientHandshake client = new ClientHandshake(SECRET, HandshakeTest.RANDOM);
        client.clientHello();
        try {
            client.onServerHello(first);
            client.onServerProof(second);
            throw new AssertionError("a handshake completed without the server's secret");
        } catch (HandshakeException expected) {
            // rejected
        }
    }

    /**
     * Any single byte changed in transit, in any message of a live handshake: one side fails with a
     * HandshakeException, or both complete but with different keys and transcripts (the nonces are
     * bound by the key schedule, not by M1/M2), so no frame would ever open.
     */
    @Property(tries = 40)
    void tamperingInTransitNeverYieldsAWorkingSession(@ForAll @IntRange(min = 0, max = 3) int message,
                                                       @ForAll @IntRange(min = 0, max = 305) int position,
                                                       @ForAll @IntRange(min = 1, max = 255) int xor) {
        ClientHandshake client = new ClientHandshake(SECRET, HandshakeTest.RANDOM);
        ServerHandshake<String> server = new ServerHandshake<>(FOLDERS, HandshakeTest.RANDOM);
        SessionKeys clientKeys;
        try {
            byte[] sh = server.onClientHello(tamper(client.clientHello(), message == 0, position, xor));
            byte[] cp = client.onServerHello(tamper(sh, message == 1, position, xor));
            byte[] sp = server.onClientProof(tamper(cp, message == 2, position, xor));
            clientKeys = client.onServerProof(tamper(sp, message == 3, position, xor));
        } catch (HandshakeException expected) {
            return;
        }
        SessionKeys serverKeys = server.sessionKeys();
        assertFalse(Arrays.equals(clientKeys.sendKeys().key(), serverKeys.receiveKeys().key()));
        assertFalse(Arrays.equals(clientKeys.transcriptHash(), serverKeys.transcriptHash()));
        assertTrue(message == 1, "only the ServerHello's nonce is outside M1/M2, was message " + message);
    }

    private static byte[] tamper(byte[] msg, boolean here, int position, int xor) {
        if (!here) {
            return msg;
        }
        byte[] out = msg.clone();
        out[position % out.length] ^= (byte) xor;
        return out;
    }

    @Provide
    Arbitrary<byte[]> mutatedMessages() {
        Arbitrary<byte[]> valid = Arbitraries.of(RUN.clientHello(), RUN.serverHello(), RUN.clientProof(),
                RUN.serverProof(), HandshakeMessages.failure(HandshakeException.Reason.MALFORMED));
        Arbitrary<Integer> cut = Arbitraries.integers().between(0, 400);
        Arbitrary<Integer> flip = Arbitraries.integers().between(0, 400 * 8);
        return Combinators.combine(valid, cut, flip, Arbitraries.integers().between(0, 2)).as((msg, n, bit, kind) -> {
            switch (kind) {
                case 0:
                    return Arrays.copyOf(msg, Math.min(n, msg.length)); // truncated
                case 1:
                    return Arrays.copyOf(msg, msg.length + n); // oversized
                default:
                    byte[] m = msg.clone();
                    m[(bit / 8) % m.length] ^= (byte) (1 << (bit % 8)); // one bit flipped
                    return m;
            }
        });
    }

    @Provide
    Arbitrary<byte[]> hostile() {
        return Arbitraries.oneOf(mutatedMessages(), Arbitraries.bytes().array(byte[].class).ofMaxSize(400));
    }

    private static void decodeOrHandshakeException(Decoder d, byte[] bytes) {
        try {
            d.decode(bytes);
        } catch (HandshakeException expected) {
            // the one permitted failure
        }
    }
}
