package dev.cloudless.sync.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.agreement.srp.SRP6StandardGroups;
import org.bouncycastle.crypto.agreement.srp.SRP6Util;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.junit.jupiter.api.Test;

/**
 * RFC 5054 Appendix B (1024-bit group, SHA-1, I = "alice", P = "password123") through our
 * BouncyCastle wrappers with a and b fixed, plus the evidence-message form BouncyCastle uses.
 */
class Srp6Test {
    private static final byte[] I = "alice".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] P = "password123".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SALT = bytes("BEB25379 D1A8581E B5A72767 3A2441EE");
    private static final Srp6 RFC = new Srp6(SRP6StandardGroups.rfc5054_1024, SHA1Digest::new, I);
    private static final BigInteger N = SRP6StandardGroups.rfc5054_1024.getN();
    private static final BigInteger G = SRP6StandardGroups.rfc5054_1024.getG();

    private static final BigInteger K = big("7556AA04 5AEF2CDD 07ABAF0F 665C3E81 8913186F");
    private static final BigInteger X = big("94B7555A ABE9127C C58CCF49 93DB6CF8 4D16C124");
    private static final BigInteger V = big("""
            7E273DE8 696FFC4F 4E337D05 B4B375BE B0DDE156 9E8FA00A 9886D812
            9BADA1F1 822223CA 1A605B53 0E379BA4 729FDC59 F105B478 7E5186F5
            C671085A 1447B52A 48CF1970 B4FB6F84 00BBF4CE BFBB1681 52E08AB5
            EA53D15C 1AFF87B2 B9DA6E04 E058AD51 CC72BFC9 033B564E 26480D78
            E955A5E2 9E7AB245 DB2BE315 E2099AFB""");
    private static final BigInteger A_PRIV = big("60975527 035CF2AD 1989806F 0407210B C81EDC04 E2762A56 AFD529DD DA2D4393");
    private static final BigInteger B_PRIV = big("E487CB59 D31AC550 471E81F0 0F6928E0 1DDA08E9 74A004F4 9E61F5D1 05284D20");
    private static final BigInteger A = big("""
            61D5E490 F6F1B795 47B0704C 436F523D D0E560F0 C64115BB 72557EC4
            4352E890 3211C046 92272D8B 2D1A5358 A2CF1B6E 0BFCF99F 921530EC
            8E393561 79EAE45E 42BA92AE ACED8251 71E1E8B9 AF6D9C03 E1327F44
            BE087EF0 6530E69F 66615261 EEF54073 CA11CF58 58F0EDFD FE15EFEA
            B349EF5D 76988A36 72FAC47B 0769447B""");
    private static final BigInteger B = big("""
            BD0C6151 2C692C0C B6D041FA 01BB152D 4916A1E7 7AF46AE1 05393011
            BAF38964 DC46A067 0DD125B9 5A981652 236F99D9 B681CBF8 7837EC99
            6C6DA044 53728610 D0C6DDB5 8B318885 D7D82C7F 8DEB75CE 7BD4FBAA
            37089E6F 9C6059F3 88838E7A 00030B33 1EB76840 910440B1 B27AAEAE
            EB4012B7 D7665238 A8E3FB00 4B117B58""");
    private static final BigInteger U = big("CE38B959 3487DA98 554ED47D 70A7AE5F 462EF019");
    private static final BigInteger S = big("""
            B0DC82BA BCF30674 AE450C02 87745E79 90A3381F 63B387AA F271A10D
            233861E3 59B48220 F7C4693C 9AE12B0A 6F67809F 0876E2D0 13800D6C
            41BB59B6 D5979B5C 00A172B4 A2A5903A 0BDCAF8A 709585EB 2AFAFA8F
            3499B200 210DCC1F 10EB3394 3CD67FC8 8A2F39A4 BE5BEC4E C0A3212D
            C346D7E4 74B29EDE 8A469FFE CA686E5A""");

    private final SecureRandom random = new SecureRandom();

    @Test
    void rfc5054MultiplierAndPrivateKey() {
        Digest sha1 = new SHA1Digest();
        assertEquals(K, SRP6Util.calculateK(sha1, N, G));
        assertEquals(X, SRP6Util.calculateX(sha1, N, SALT, I, P));
    }

    @Test
    void rfc5054Verifier() {
        assertEquals(V, RFC.verifier(SALT, P));
    }

    @Test
    void rfc5054PublicValuesScramblerAndPremasterSecret() {
        Srp6.Server server = RFC.newServer(SALT, P, random, B_PRIV);
        assertArrayEquals(Srp6.pad(B, 128), server.publicValue());

        Srp6.Client client = RFC.newClient(random, A_PRIV);
        assertTrue(client.respond(SALT, P, RFC.decodePublicValue(server.publicValue(), 0)));
        assertArrayEquals(Srp6.pad(A, 128), client.publicValue());
        assertEquals(U, SRP6Util.calculateU(new SHA1Digest(), N, A, B));
        assertEquals(S, client.secret());
        assertArrayEquals(Srp6.pad(S, 128), client.premasterSecret());

        assertTrue(server.receive(RFC.decodePublicValue(client.publicValue(), 0)));
        assertEquals(S, server.secret());
        assertArrayEquals(Srp6.pad(S, 128), server.premasterSecret());
    }

    /** BouncyCastle's evidence: M1 = H(PAD(A)|PAD(B)|PAD(S)), M2 = H(PAD(A)|PAD(M1)|PAD(S)), PAD to |N|. */
    @Test
    void evidenceMessagesHaveBouncyCastlesForm() throws Exception {
        Srp6.Server server = RFC.newServer(SALT, P, random, B_PRIV);
        Srp6.Client client = RFC.newClient(random, A_PRIV);
        client.respond(SALT, P, B);
        server.receive(A);

        byte[] padA = Srp6.pad(A, 128);
        byte[] padB = Srp6.pad(B, 128);
        byte[] padS = Srp6.pad(S, 128);
        byte[] m1 = sha1(padA, padB, padS);
        assertArrayEquals(m1, client.evidence());
        assertEquals(20, RFC.evidenceLength());
        assertTrue(server.verifyClientEvidence(m1, 0));

        byte[] m2 = sha1(padA, Srp6.pad(new BigInteger(1, m1), 128), padS); // M1 padded to |N|, not |H|
        assertArrayEquals(m2, server.evidence());
        assertTrue(client.verifyServerEvidence(m2, 0));
    }

    @Test
    void wrongPasswordFailsBothProofs() {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        Srp6.Server server = Srp6.PRODUCTION.newServer(salt, P, random);
        Srp6.Client client = Srp6.PRODUCTION.newClient(random);
        client.respond(salt, "password124".getBytes(StandardCharsets.US_ASCII),
                Srp6.PRODUCTION.decodePublicValue(server.publicValue(), 0));
        server.receive(Srp6.PRODUCTION.decodePublicValue(client.publicValue(), 0));
        assertFalse(server.verifyClientEvidence(client.evidence(), 0));
        assertThrows(IllegalStateException.class, server::evidence, "no M2 without a verified M1");
    }

    @Test
    void productionIsRfc5054Group2048WithSha256() {
        assertEquals(SRP6StandardGroups.rfc5054_2048, Srp6.PRODUCTION.group());
        BigInteger n = Srp6.PRODUCTION.group().getN();
        assertEquals(2048, n.bitLength());
        assertTrue(n.toString(16).toUpperCase().startsWith("AC6BDB41324A9A9BF166DE5E1389582FAF72B6651987EE07FC319294"));
        assertEquals(BigInteger.TWO, Srp6.PRODUCTION.group().getG());
        assertEquals(256, Srp6.PRODUCTION.publicValueLength());
        assertEquals(32, Srp6.PRODUCTION.evidenceLength());
    }

    @Test
    void publicValuesMustBeNonZeroAndBelowN() {
        BigInteger n = Srp6.PRODUCTION.group().getN();
        assertNull(Srp6.PRODUCTION.decodePublicValue(new byte[256], 0));
        assertNull(Srp6.PRODUCTION.decodePublicValue(Srp6.pad(n, 256), 0));
        assertNull(Srp6.PRODUCTION.decodePublicValue(Srp6.pad(n.add(BigInteger.ONE), 256), 0));
        assertNotNull(Srp6.PRODUCTION.decodePublicValue(Srp6.pad(BigInteger.ONE, 256), 0));
        assertNotNull(Srp6.PRODUCTION.decodePublicValue(Srp6.pad(n.subtract(BigInteger.ONE), 256), 0));
    }

    @Test
    void padIsFixedLengthBigEndian() {
        assertArrayEquals(bytes("0000 00ff"), Srp6.pad(BigInteger.valueOf(255), 4));
        assertArrayEquals(bytes("8000 0000"), Srp6.pad(BigInteger.ONE.shiftLeft(31), 4));
        assertThrows(IllegalArgumentException.class, () -> Srp6.pad(BigInteger.ONE.shiftLeft(32), 4));
        assertThrows(IllegalArgumentException.class, () -> Srp6.pad(BigInteger.ONE.negate(), 4));
    }

    private static byte[] sha1(byte[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    private static BigInteger big(String hex) {
        return new BigInteger(1, bytes(hex));
    }

    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s", ""));
    }
}
