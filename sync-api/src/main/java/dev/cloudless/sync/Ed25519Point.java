package dev.cloudless.sync;

import java.math.BigInteger;

/**
 * Checks that 32 bytes are a usable Ed25519 public key, so that {@link SyncKey#parse} can reject
 * a read-only or encrypted key whose verification key was garbled, with the JDK alone.
 *
 * <p>Decoding follows RFC 8032 §5.1.3; in addition the 8 points of small order are refused,
 * because with such a "public key" signatures can be forged without any private key. Speed does
 * not matter here (one check per parsed key), so this is plain {@link BigInteger} arithmetic on
 * affine coordinates; the signature code in sync-core does the real work.
 */
final class Ed25519Point {
    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    /** d = -121665 / 121666 mod p. */
    private static final BigInteger D = BigInteger.valueOf(-121665)
            .multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    /** sqrt(-1) = 2^((p-1)/4) mod p. */
    private static final BigInteger SQRT_M1 = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
    private static final BigInteger SQRT_EXP = P.add(BigInteger.valueOf(3)).shiftRight(3);

    private Ed25519Point() {}

    /**
     * Whether {@code encoded} is the canonical encoding of a curve point that does not have small
     * order.
     */
    static boolean isValidPublicKey(byte[] encoded) {
        if (encoded.length != 32) {
            return false;
        }
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) {
            be[i] = encoded[31 - i];
        }
        int xSign = (be[0] >>> 7) & 1;
        be[0] &= 0x7f;
        BigInteger y = new BigInteger(1, be);
        if (y.compareTo(P) >= 0) {
            return false; // non-canonical: y must be reduced
        }
        BigInteger y2 = y.multiply(y).mod(P);
        BigInteger u = y2.subtract(BigInteger.ONE).mod(P);
        BigInteger v = D.multiply(y2).add(BigInteger.ONE).mod(P); // never 0: d is not a square
        BigInteger x2 = u.multiply(v.modInverse(P)).mod(P);
        BigInteger x = x2.modPow(SQRT_EXP, P);
        if (!x.multiply(x).mod(P).equals(x2)) {
            x = x.multiply(SQRT_M1).mod(P);
            if (!x.multiply(x).mod(P).equals(x2)) {
                return false; // no x: not on the curve
            }
        }
        if (x.signum() == 0 && xSign == 1) {
            return false; // non-canonical: -0
        }
        // The sign of x does not change the order, so the root found is as good as the encoded one.
        BigInteger[] q = {x, y};
        for (int i = 0; i < 3; i++) {
            q = twice(q[0], q[1]);
        }
        return !(q[0].signum() == 0 && q[1].equals(BigInteger.ONE)); // 8·P = identity: small order
    }

    /** Affine doubling on -x^2 + y^2 = 1 + d x^2 y^2 (complete: denominators never vanish). */
    private static BigInteger[] twice(BigInteger x, BigInteger y) {
        BigInteger xy = x.multiply(y).mod(P);
        BigInteger dxxyy = D.multiply(xy).multiply(xy).mod(P);
        BigInteger x3 = xy.shiftLeft(1).multiply(BigInteger.ONE.add(dxxyy).modInverse(P)).mod(P);
        BigInteger y3 = y.multiply(y).add(x.multiply(x))
                .multiply(BigInteger.ONE.subtract(dxxyy).mod(P).modInverse(P)).mod(P);
        return new BigInteger[] {x3, y3};
    }
}
