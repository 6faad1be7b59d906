package dev.cloudless.sync;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The JDK-only public key check behind SyncKey.parse. sync-core's Ed25519PointAgreementProperties
 * checks it against BouncyCastle on random inputs; here are the edge cases by name.
 */
class Ed25519PointTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void acceptsRealPublicKeys() {
        for (String vk : KeyTexts.VALID_VERIFY_KEYS) {
            assertTrue(Ed25519Point.isValidPublicKey(hex(vk)), vk);
        }
    }

    /** The eight points of order 1, 2, 4 and 8 (all torsion points of edwards25519). */
    @Test
    void refusesEveryPointOfSmallOrder() {
        String[] smallOrder = {
            "0100000000000000000000000000000000000000000000000000000000000000", // identity
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // (0, -1), order 2
            "0000000000000000000000000000000000000000000000000000000000000000", // order 4
            "0000000000000000000000000000000000000000000000000000000000000080", // order 4
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        };
        for (String s : smallOrder) {
            assertFalse(Ed25519Point.isValidPublicKey(hex(s)), s);
        }
    }

    @Test
    void refusesNonCanonicalY() {
        // y = p + 1 encodes the same y as 1 (the identity) but is not reduced; likewise every y >= p
        BigInteger p = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
        for (int k = 0; k < 19; k++) {
            byte[] be = p.add(BigInteger.valueOf(k)).toByteArray();
            byte[] le = new byte[32];
            for (int i = 0; i < 32; i++) {
                le[i] = be[be.length - 1 - i];
            }
            assertFalse(Ed25519Point.isValidPublicKey(le), "y = p + " + k);
        }
    }

    @Test
    void refusesNonPointsAndWrongLengths() {
        byte[] y2 = new byte[32];
        y2[0] = 2;
        assertFalse(Ed25519Point.isValidPublicKey(y2));
        assertFalse(Ed25519Point.isValidPublicKey(new byte[31]));
        // flipping the sign bit of a valid key gives the negated point: still valid
        byte[] negated = hex(KeyTexts.VK);
        negated[31] ^= (byte) 0x80;
        assertTrue(Ed25519Point.isValidPublicKey(negated));
    }
}
