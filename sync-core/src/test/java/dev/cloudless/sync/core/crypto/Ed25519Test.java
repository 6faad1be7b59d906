package dev.cloudless.sync.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 8032 §7.1 test vectors, and what verify does with everything that is not a valid signature. */
class Ed25519Test {
    record Vector(String name, String secretKey, String publicKey, String message, String signature) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Vector[] rfc8032() {
        return new Vector[] {
            new Vector("TEST 1",
                    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                    "",
                    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
            new Vector("TEST 2",
                    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
                    "72",
                    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
            new Vector("TEST 3",
                    "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
                    "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
                    "af82",
                    "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
            new Vector("TEST SHA(abc)",
                    "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
                    "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
                    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                            + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
                    "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
                            + "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"),
        };
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc8032")
    void derivesThePublicKeyAndSignsAsRfc8032Says(Vector v) {
        Ed25519.SigningKey key = Ed25519.signingKey(hex(v.secretKey()));
        assertArrayEquals(hex(v.publicKey()), key.publicKey());
        assertArrayEquals(hex(v.publicKey()), Ed25519.publicKey(hex(v.secretKey())));
        assertArrayEquals(hex(v.signature()), key.sign(hex(v.message())));
        assertTrue(Ed25519.verify(hex(v.publicKey()), hex(v.message()), hex(v.signature())));
    }

    /** Every single flipped bit of the signature, the message or the public key makes it fail. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc8032")
    void everyFlippedBitIsRejected(Vector v) {
        byte[] pk = hex(v.publicKey());
        byte[] msg = hex(v.message());
        byte[] sig = hex(v.signature());
        for (int bit = 0; bit < sig.length * 8; bit++) {
            assertFalse(Ed25519.verify(pk, msg, flip(sig, bit)), "signature bit " + bit);
        }
        for (int bit = 0; bit < msg.length * 8; bit++) {
            assertFalse(Ed25519.verify(pk, flip(msg, bit), sig), "message bit " + bit);
        }
        for (int bit = 0; bit < pk.length * 8; bit++) {
            assertFalse(Ed25519.verify(flip(pk, bit), msg, sig), "public key bit " + bit);
        }
        assertFalse(Ed25519.verify(pk, Arrays.copyOf(msg, msg.length + 1), sig), "appended byte");
    }

    @Test
    void malformedInputIsFalseNotAnException() {
        Vector v = rfc8032()[2];
        byte[] pk = hex(v.publicKey());
        byte[] msg = hex(v.message());
        byte[] sig = hex(v.signature());
        assertFalse(Ed25519.verify(Arrays.copyOf(pk, 31), msg, sig));
        assertFalse(Ed25519.verify(Arrays.copyOf(pk, 33), msg, sig));
        assertFalse(Ed25519.verify(pk, msg, Arrays.copyOf(sig, 63)));
        assertFalse(Ed25519.verify(pk, msg, Arrays.copyOf(sig, 65)));
        assertFalse(Ed25519.verify(pk, msg, new byte[0]));
        byte[] notAPoint = new byte[32];
        notAPoint[0] = 2; // no point has y = 2
        assertFalse(Ed25519.verify(notAPoint, msg, sig));
    }

    /** With the identity as public key, R = identity and S = 0 "verifies" every message under a naive check. */
    @Test
    void aSmallOrderPublicKeyVerifiesNothing() {
        byte[] identity = new byte[32];
        identity[0] = 1;
        byte[] forged = new byte[64];
        forged[0] = 1; // R = identity, S = 0
        assertFalse(Ed25519.verify(identity, "anything".getBytes(), forged));
    }

    /** S + L is the same scalar modulo L; RFC 8032 requires rejecting it (malleability). */
    @Test
    void aNonCanonicalSIsRejected() {
        Vector v = rfc8032()[0];
        byte[] sig = hex(v.signature());
        BigInteger order = BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));
        byte[] sLe = Arrays.copyOfRange(sig, 32, 64);
        BigInteger s = new BigInteger(1, reverse(sLe)).add(order);
        byte[] sPlusL = reverse(toFixed(s, 32));
        byte[] malleated = Arrays.copyOf(sig, 64);
        System.arraycopy(sPlusL, 0, malleated, 32, 32);
        assertFalse(Ed25519.verify(hex(v.publicKey()), hex(v.message()), malleated));
    }

    @Test
    void seedLengthIsChecked() {
        assertEquals("an Ed25519 seed is 32 bytes, got 31",
                assertThrows(IllegalArgumentException.class, () -> Ed25519.signingKey(new byte[31])).getMessage());
    }

    @Test
    void signingKeyToStringShowsNoSeed() {
        Vector v = rfc8032()[0];
        String s = Ed25519.signingKey(hex(v.secretKey())).toString();
        assertEquals("Ed25519.SigningKey[public=d75a9801…]", s);
    }

    private static byte[] flip(byte[] data, int bit) {
        byte[] out = data.clone();
        out[bit / 8] ^= (byte) (1 << (bit % 8));
        return out;
    }

    private static byte[] reverse(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }

    private static byte[] toFixed(BigInteger v, int len) {
        byte[] be = v.toByteArray();
        byte[] out = new byte[len];
        int n = Math.min(be.length, len);
        System.arraycopy(be, be.length - n, out, len - n, n);
        return out;
    }
}
