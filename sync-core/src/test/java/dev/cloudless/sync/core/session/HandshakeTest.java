package dev.cloudless.sync.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.crypto.Hkdf;
import dev.cloudless.sync.core.crypto.Srp6;
import dev.cloudless.sync.core.session.HandshakeException.Reason;
import dev.cloudless.sync.core.session.HandshakeMessages.ClientHello;
import dev.cloudless.sync.core.session.HandshakeMessages.ClientProof;
import dev.cloudless.sync.core.session.HandshakeMessages.ServerHello;
import dev.cloudless.sync.core.session.HandshakeMessages.ServerProof;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class HandshakeTest {
    static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] photos = secret();
    private final byte[] music = secret();
    private final byte[] docs = secret();
    private final List<FolderSecret<String>> folders = List.of(
            new FolderSecret<>("music", music), new FolderSecret<>("photos", photos), new FolderSecret<>("docs", docs));

    /** The messages and outcome of one in-memory handshake. */
    record Run(byte[] clientHello, byte[] serverHello, byte[] clientProof, byte[] serverProof,
               SessionKeys client, SessionKeys server, String folder) {}

    static Run handshake(byte[] secret, List<FolderSecret<String>> folders) throws HandshakeException {
        ClientHandshake client = new ClientHandshake(secret, RANDOM);
        ServerHandshake<String> server = new ServerHandshake<>(folders, RANDOM);
        byte[] ch = client.clientHello();
        byte[] sh = server.onClientHello(ch);
        byte[] cp = client.onServerHello(sh);
        byte[] sp = server.onClientProof(cp);
        SessionKeys clientKeys = client.onServerProof(sp);
        assertTrue(client.isComplete());
        assertTrue(server.isComplete());
        assertEquals(clientKeys, client.sessionKeys());
        return new Run(ch, sh, cp, sp, clientKeys, server.sessionKeys(), server.folder());
    }

    @Test
    void mutualHandshakeGivesBothSidesTheSameKeys() throws Exception {
        Run run = handshake(photos, folders);
        assertEquals("photos", run.folder());
        assertSameKeys(run.client().sendKeys(), run.server().receiveKeys());
        assertSameKeys(run.client().receiveKeys(), run.server().sendKeys());
        assertFalse(Arrays.equals(run.client().sendKeys().key(), run.client().receiveKeys().key()),
                "each direction has its own key");
        assertArrayEquals(run.client().transcriptHash(), run.server().transcriptHash());
    }

    @Test
    void messagesHaveTheirDocumentedLengths() throws Exception {
        Run run = handshake(photos, folders);
        assertEquals(53, run.clientHello().length);
        assertEquals(306, run.serverHello().length);
        assertEquals(289, run.clientProof().length);
        assertEquals(33, run.serverProof().length);
        assertArrayEquals("CLSY".getBytes(), Arrays.copyOf(run.clientHello(), 4));
        assertEquals(HandshakeMessages.MAX_MESSAGE_LENGTH, run.serverHello().length);
        for (byte[] m : List.of(run.clientHello(), run.serverHello(), run.clientProof(), run.serverProof(),
                HandshakeMessages.failure(Reason.MALFORMED))) {
            assertEquals(m.length, HandshakeMessages.lengthOf(m[0]));
        }
    }

    @Test
    void transcriptHashIsSha256OfTheFirstThreeMessages() throws Exception {
        Run run = handshake(photos, folders);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(run.clientHello());
        sha.update(run.serverHello());
        sha.update(run.clientProof());
        assertArrayEquals(sha.digest(), run.client().transcriptHash());
    }

    @Test
    void keyScheduleIsHkdfOfPremasterWithTranscriptSalt() {
        byte[] premaster = new byte[256];
        Arrays.fill(premaster, (byte) 0x5a);
        byte[] transcript = new byte[32];
        Arrays.fill(transcript, (byte) 0xa5);
        byte[] okm = Hkdf.derive(premaster, transcript, Hkdf.label("session keys"), 56);
        SessionKeys client = SessionKeys.derive(premaster, transcript, true);
        SessionKeys server = SessionKeys.derive(premaster, transcript, false);
        assertArrayEquals(Arrays.copyOfRange(okm, 0, 16), client.sendKeys().key());
        assertArrayEquals(Arrays.copyOfRange(okm, 16, 28), client.sendKeys().nonceBase());
        assertArrayEquals(Arrays.copyOfRange(okm, 28, 44), client.receiveKeys().key());
        assertArrayEquals(Arrays.copyOfRange(okm, 44, 56), client.receiveKeys().nonceBase());
        assertSameKeys(client.sendKeys(), server.receiveKeys());
        assertSameKeys(client.receiveKeys(), server.sendKeys());
    }

    @Test
    void sessionKeysCarryFramesBothWays() throws Exception {
        Run run = handshake(photos, folders);
        byte[] hello = "hello".getBytes();
        byte[] frame = new byte[Frames.frameLength(5)];
        run.client().newSealer().seal(hello, 0, 5, frame, 0);
        byte[] out = new byte[5];
        run.server().newOpener().open(frame, 0, frame.length, out, 0);
        assertArrayEquals(hello, out);

        run.server().newSealer().seal(hello, 0, 5, frame, 0);
        run.client().newOpener().open(frame, 0, frame.length, out, 0);
        assertArrayEquals(hello, out);
    }

    @Test
    void everyConnectionGetsFreshKeys() throws Exception {
        Run first = handshake(photos, folders);
        Run second = handshake(photos, folders);
        assertFalse(Arrays.equals(first.client().sendKeys().key(), second.client().sendKeys().key()));
        assertFalse(Arrays.equals(first.client().receiveKeys().key(), second.client().receiveKeys().key()));
        assertFalse(Arrays.equals(first.client().transcriptHash(), second.client().transcriptHash()));
        // and the ClientHello cannot be linked to the folder: tags differ every time
        assertFalse(Arrays.equals(ClientHello.decode(first.clientHello()).folderTag(),
                ClientHello.decode(second.clientHello()).folderTag()));
    }

    @Test
    void folderTagIsTheDocumentedHmac() throws Exception {
        ClientHello hello = ClientHello.decode(new ClientHandshake(photos, RANDOM).clientHello());
        byte[] tagKey = Hkdf.derive(photos, null, Hkdf.label("folder tag"), 32);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(tagKey, "HmacSHA256"));
        mac.update("client-hello".getBytes());
        byte[] expected = Arrays.copyOf(mac.doFinal(hello.nonce()), 16);
        assertArrayEquals(expected, hello.folderTag());
    }

    /**
     * The server nonce is covered by neither M1 nor M2 (BouncyCastle's evidence form), so changing it
     * in transit lets both handshakes complete, but the transcript salt of the key schedule makes
     * the keys differ: the first frame fails to open.
     */
    @Test
    void tamperedServerNonceGivesDifferentKeysSoNoFrameOpens() throws Exception {
        ClientHandshake client = new ClientHandshake(photos, RANDOM);
        ServerHandshake<String> server = new ServerHandshake<>(folders, RANDOM);
        byte[] sh = server.onClientHello(client.clientHello());
        sh[2] ^= 1; // first byte of the server nonce
        SessionKeys clientKeys = client.onServerProof(server.onClientProof(client.onServerHello(sh)));
        byte[] frame = new byte[Frames.frameLength(1)];
        clientKeys.newSealer().seal(new byte[1], 0, 1, frame, 0);
        FrameException e = assertThrows(FrameException.class,
                () -> server.sessionKeys().newOpener().open(frame, 0, frame.length, new byte[1], 0));
        assertEquals(FrameException.Reason.AUTHENTICATION_FAILED, e.reason());
    }

    @Test
    void unknownFolderFailsBothSides() throws Exception {
        ClientHandshake client = new ClientHandshake(secret(), RANDOM);
        ServerHandshake<String> server = new ServerHandshake<>(folders, RANDOM);
        HandshakeException atServer = assertThrows(HandshakeException.class,
                () -> server.onClientHello(client.clientHello()));
        assertEquals(Reason.UNKNOWN_FOLDER, atServer.reason());
        assertFalse(atServer.isRemote());
        assertRemoteFailure(Reason.UNKNOWN_FOLDER, () -> client.onServerHello(atServer.failureMessage().orElseThrow()));
        assertFalse(client.isComplete());
        assertThrows(IllegalStateException.class, () -> server.onClientProof(new byte[0]), "failed is final");
    }

    @Test
    void serverWithNoFoldersRejectsEveryone() throws Exception {
        ServerHandshake<String> server = new ServerHandshake<>(List.of(), RANDOM);
        byte[] hello = new ClientHandshake(photos, RANDOM).clientHello();
        assertEquals(Reason.UNKNOWN_FOLDER,
                assertThrows(HandshakeException.class, () -> server.onClientHello(hello)).reason());
    }

    /** An attacker replays a legitimate ClientHello: it gets a ServerHello but cannot produce M1. */
    @Test
    void replayedClientHelloWithoutTheSecretFailsAtM1OnBothSides() throws Exception {
        byte[] captured = new ClientHandshake(photos, RANDOM).clientHello();
        ServerHandshake<String> server = new ServerHandshake<>(folders, RANDOM);
        byte[] serverHello = server.onClientHello(captured);
        assertEquals("photos", server.folder());

        ClientHandshake attacker = new ClientHandshake(secret(), RANDOM); // a guess at the secret
        attacker.clientHello();
        byte[] proof = attacker.onServerHello(serverHello);
        HandshakeException atServer = assertThrows(HandshakeException.class, () -> server.onClientProof(proof));
        assertEquals(Reason.CLIENT_PROOF_INVALID, atServer.reason());
        assertRemoteFailure(Reason.CLIENT_PROOF_INVALID,
                () -> attacker.onServerProof(atServer.failureMessage().orElseThrow()));
    }

    /** Replaying a whole recorded client side fails too: the new server's B differs, so the old M1 is wrong. */
    @Test
    void replayedClientSideOfAnOldSessionFailsAtM1() throws Exception {
        Run recorded = handshake(photos, folders);
        ServerHandshake<String> server = new ServerHandshake<>(folders, RANDOM);
        server.onClientHello(recorded.clientHello());
        assertEquals(Reason.CLIENT_PROOF_INVALID, assertThrows(HandshakeException.class,
                () -> server.onClientProof(recorded.clientProof())).reason());
    }

    /** A server that does not hold the secret cannot compute M2, whatever it sends. */
    @Test
    void fakeServerWithoutTheSecretFailsTheClientAtM2() throws Exception {
        for (byte[] fakeM2 : List.of(randomBytes(32), new byte[32])) {
            ClientHandshake client = new ClientHandshake(photos, RANDOM);
            client.clientHello();
            // The impostor answers with a real SRP ServerHello built from its own guess of the secret.
            byte[] salt = randomBytes(16);
            Srp6.Server impostor = Srp6.PRODUCTION.newServer(salt, secret(), RANDOM);
            byte[] serverHello = new ServerHello(1, randomBytes(32), salt, impostor.publicValue()).encode();
            client.onServerHello(serverHello);
            HandshakeException e = assertThrows(HandshakeException.class,
                    () -> client.onServerProof(new ServerProof(fakeM2).encode()));
            assertEquals(Reason.SERVER_PROOF_INVALID, e.reason());
            assertArrayEquals(HandshakeMessages.failure(Reason.SERVER_PROOF_INVALID), e.failureMessage().orElseThrow());
            assertFalse(client.isComplete());
            assertThrows(IllegalStateException.class, client::sessionKeys);
        }
    }

    /** A MITM that rewrites the tag to reach a server holding another secret gets nowhere either. */
    @Test
    void serverWithAnotherSecretRejectsTheClientsProof() throws Exception {
        byte[] other = secret();
        ClientHandshake client = new ClientHandshake(photos, RANDOM);
        ServerHandshake<String> server = new ServerHandshake<>(List.of(new FolderSecret<>("x", other)), RANDOM);
        ClientHello hello = ClientHello.decode(client.clientHello());
        byte[] rewritten = new ClientHello(1, hello.nonce(),
                FolderSecret.tag(FolderSecret.tagKey(other), hello.nonce())).encode();
        byte[] proof = client.onServerHello(server.onClientHello(rewritten));
        HandshakeException atServer = assertThrows(HandshakeException.class, () -> server.onClientProof(proof));
        assertEquals(Reason.CLIENT_PROOF_INVALID, atServer.reason());
        assertRemoteFailure(Reason.CLIENT_PROOF_INVALID,
                () -> client.onServerProof(atServer.failureMessage().orElseThrow()));
    }

    @Test
    void clientRejectsDegenerateB() throws Exception {
        BigInteger n = Srp6.PRODUCTION.group().getN();
        for (BigInteger b : List.of(BigInteger.ZERO, n, n.add(BigInteger.ONE))) {
            ClientHandshake client = new ClientHandshake(photos, RANDOM);
            ServerHandshake<String> server = new ServerHandshake<>(folders, RANDOM);
            ServerHello real = ServerHello.decode(server.onClientHello(client.clientHello()));
            byte[] forged = new ServerHello(1, real.nonce(), real.salt(), Srp6.pad(b, 256)).encode();
            HandshakeException atClient = assertThrows(HandshakeException.class, () -> client.onServerHello(forged));
            assertEquals(Reason.INVALID_PUBLIC_VALUE, atClient.reason());
            // ... and the server learns why from the Failure message in place of the ClientProof
            assertRemoteFailure(Reason.INVALID_PUBLIC_VALUE,
                    () -> server.onClientProof(atClient.failureMessage().orElseThrow()));
        }
    }

    @Test
    void serverRejectsDegenerateA() throws Exception {
        BigInteger n = Srp6.PRODUCTION.group().getN();
        for (BigInteger a : List.of(BigInteger.ZERO, n)) {
            ClientHandshake client = new ClientHandshake(photos, RANDOM);
            ServerHandshake<String> server = new ServerHandshake<>(folders, RANDOM);
            ClientProof real = ClientProof.decode(client.onServerHello(server.onClientHello(client.clientHello())));
            byte[] forged = new ClientProof(Srp6.pad(a, 256), real.evidence()).encode();
            assertEquals(Reason.INVALID_PUBLIC_VALUE,
                    assertThrows(HandshakeException.class, () -> server.onClientProof(forged)).reason());
        }
    }

    @Test
    void otherVersionsAreToldUnsupportedVersion() throws Exception {
        byte[] hello = new ClientHandshake(photos, RANDOM).clientHello();
        hello[4] = 2;
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> new ServerHandshake<>(folders, RANDOM).onClientHello(hello));
        assertEquals(Reason.UNSUPPORTED_VERSION, e.reason());

        byte[] longer = Arrays.copyOf(hello, 80); // a future, longer ClientHello: still a version answer
        assertEquals(Reason.UNSUPPORTED_VERSION, assertThrows(HandshakeException.class,
                () -> new ServerHandshake<>(folders, RANDOM).onClientHello(longer)).reason());

        ClientHandshake client = new ClientHandshake(photos, RANDOM);
        byte[] serverHello = new ServerHandshake<>(folders, RANDOM).onClientHello(client.clientHello());
        serverHello[1] = 0;
        assertEquals(Reason.UNSUPPORTED_VERSION,
                assertThrows(HandshakeException.class, () -> client.onServerHello(serverHello)).reason());
    }

    @Test
    void wellFormedMessageOfTheWrongTypeIsUnexpected() throws Exception {
        ClientHandshake client = new ClientHandshake(photos, RANDOM);
        ServerHandshake<String> server = new ServerHandshake<>(folders, RANDOM);
        byte[] ch = client.clientHello();
        server.onClientHello(ch);
        assertEquals(Reason.UNEXPECTED_MESSAGE,
                assertThrows(HandshakeException.class, () -> server.onClientProof(ch)).reason());
        ClientHandshake other = new ClientHandshake(photos, RANDOM);
        other.clientHello();
        assertEquals(Reason.UNEXPECTED_MESSAGE, assertThrows(HandshakeException.class,
                () -> other.onServerHello(new ServerProof(new byte[32]).encode())).reason());
    }

    @Test
    void failureWithUnknownCodeIsUnspecified() throws Exception {
        ClientHandshake client = new ClientHandshake(photos, RANDOM);
        client.clientHello();
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> client.onServerHello(new byte[] {0x0F, (byte) 200}));
        assertEquals(Reason.UNSPECIFIED, e.reason());
        assertTrue(e.isRemote());
        assertTrue(e.failureMessage().isEmpty(), "no Failure is sent back for a Failure");
    }

    @Test
    void stepsOutOfOrderAreProgrammingErrors() throws Exception {
        ClientHandshake client = new ClientHandshake(photos, RANDOM);
        assertThrows(IllegalStateException.class, () -> client.onServerHello(new byte[306]));
        client.clientHello();
        assertThrows(IllegalStateException.class, client::clientHello);
        assertThrows(IllegalStateException.class, () -> client.onServerProof(new byte[33]));
        ServerHandshake<String> server = new ServerHandshake<>(folders, RANDOM);
        assertThrows(IllegalStateException.class, () -> server.onClientProof(new byte[289]));
        assertThrows(IllegalStateException.class, server::folder);
        assertThrows(IllegalStateException.class, server::sessionKeys);
    }

    @Test
    void secretsMustBe32Bytes() {
        assertThrows(IllegalArgumentException.class, () -> new ClientHandshake(new byte[16], RANDOM));
        assertThrows(IllegalArgumentException.class, () -> new FolderSecret<>("x", new byte[33]));
    }

    @Test
    void failureCodesAreStable() {
        // Wire codes: changing one breaks interoperability.
        int[] codes = Arrays.stream(Reason.values()).mapToInt(Reason::code).toArray();
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, codes);
        for (Reason r : Reason.values()) {
            assertEquals(r, Reason.fromCode(r.code()));
        }
    }

    static void assertRemoteFailure(Reason expected, Executable step) {
        HandshakeException e = assertThrows(HandshakeException.class, step);
        assertEquals(expected, e.reason());
        assertTrue(e.isRemote());
    }

    static void assertSameKeys(DirectionKeys a, DirectionKeys b) {
        assertArrayEquals(a.key(), b.key());
        assertArrayEquals(a.nonceBase(), b.nonceBase());
    }

    static byte[] secret() {
        return randomBytes(32);
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
