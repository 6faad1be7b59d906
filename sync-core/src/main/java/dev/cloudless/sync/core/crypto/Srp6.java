package dev.cloudless.sync.core.crypto;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.agreement.srp.SRP6Client;
import org.bouncycastle.crypto.agreement.srp.SRP6Server;
import org.bouncycastle.crypto.agreement.srp.SRP6StandardGroups;
import org.bouncycastle.crypto.agreement.srp.SRP6Util;
import org.bouncycastle.crypto.agreement.srp.SRP6VerifierGenerator;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.SRP6GroupParameters;

/**
 * SRP-6a (RFC 2945, RFC 5054) on BouncyCastle's {@code org.bouncycastle.crypto.agreement.srp}: one
 * parameter set ({@link #PRODUCTION}) and a client and a server for one exchange each.
 *
 * <p>The formulas are BouncyCastle's, which are those of RFC 5054 §2.5-2.6, with {@code PAD(x)}
 * the big-endian value left-padded with zeros to the byte length of N:
 * <pre>
 *   k  = H(N | PAD(g))            x  = H(s | H(I | ":" | P))       v = g^x mod N
 *   A  = g^a mod N                B  = (k*v + g^b) mod N           u = H(PAD(A) | PAD(B))
 *   S  = (B - k*g^x)^(a + u*x)  = (A * v^u)^b  mod N
 *   M1 = H(PAD(A) | PAD(B) | PAD(S))
 *   M2 = H(PAD(A) | PAD(M1) | PAD(S))
 * </pre>
 * The evidence messages are BouncyCastle's {@code SRP6Util.calculateM1/M2}, not the RFC 2945
 * {@code H(H(N) xor H(g) | H(I) | s | A | B | K)} form: note that M1 inside M2 is padded to the
 * length of N, not of the hash. On the wire both are {@link #evidenceLength()} bytes.
 *
 * <p>We compute the expected evidence ourselves and compare it with
 * {@link MessageDigest#isEqual} (constant time), because BouncyCastle's own
 * {@code verify*EvidenceMessage} compares {@code BigInteger}s with {@code equals}, which returns
 * at the first differing word.
 *
 * <p>Instances of {@link Client} and {@link Server} are single-use and not thread-safe.
 */
public final class Srp6 {
    /**
     * The parameters of every Cloudless Sync handshake: the RFC 5054 2048-bit group (g = 2),
     * SHA-256, identity {@code "cloudless-sync"} (the password is the folder's handshake secret).
     */
    public static final Srp6 PRODUCTION = new Srp6(
            SRP6StandardGroups.rfc5054_2048, SHA256Digest::new, "cloudless-sync".getBytes(StandardCharsets.US_ASCII));

    private final SRP6GroupParameters group;
    private final Supplier<Digest> digests;
    private final byte[] identity;
    private final int publicValueLength;
    private final int evidenceLength;

    /** A parameter set; production code uses {@link #PRODUCTION}, tests the RFC 5054 vectors' set. */
    public Srp6(SRP6GroupParameters group, Supplier<Digest> digests, byte[] identity) {
        this.group = Objects.requireNonNull(group, "group");
        this.digests = Objects.requireNonNull(digests, "digests");
        this.identity = identity.clone();
        this.publicValueLength = (group.getN().bitLength() + 7) / 8;
        this.evidenceLength = digests.get().getDigestSize();
    }

    public SRP6GroupParameters group() {
        return group;
    }

    /** Bytes of a padded public value or premaster secret: the byte length of N (256 in production). */
    public int publicValueLength() {
        return publicValueLength;
    }

    /** Bytes of M1 and M2: the hash length (32 in production). */
    public int evidenceLength() {
        return evidenceLength;
    }

    /** {@code v = g^x mod N} for this salt and password. */
    public BigInteger verifier(byte[] salt, byte[] password) {
        SRP6VerifierGenerator gen = new SRP6VerifierGenerator();
        gen.init(group, digests.get());
        return gen.generateVerifier(salt, identity, password);
    }

    /**
     * Decodes a padded public value (A or B) and checks {@code 0 < value < N}. SRP-6a requires
     * rejecting {@code value mod N == 0}; we also reject unreduced values, which an honest peer
     * never sends, so that each value has exactly one encoding.
     *
     * @return the value, or {@code null} if it is out of range
     */
    public BigInteger decodePublicValue(byte[] buf, int off) {
        BigInteger value = new BigInteger(1, buf, off, publicValueLength);
        if (value.signum() == 0 || value.compareTo(group.getN()) >= 0) {
            return null;
        }
        return value;
    }

    /** A new client for one exchange. */
    public Client newClient(SecureRandom random) {
        return new Client(random, null);
    }

    /** A new server for one exchange; generates b and B now. */
    public Server newServer(byte[] salt, byte[] password, SecureRandom random) {
        return new Server(salt, password, random, null);
    }

    /** Test hook: a client whose private value a is fixed (RFC 5054 Appendix B). */
    Client newClient(SecureRandom random, BigInteger fixedA) {
        return new Client(random, fixedA);
    }

    /** Test hook: a server whose private value b is fixed (RFC 5054 Appendix B). */
    Server newServer(byte[] salt, byte[] password, SecureRandom random, BigInteger fixedB) {
        return new Server(salt, password, random, fixedB);
    }

    /** {@code value} big-endian, left-padded with zeros to {@code length} bytes. */
    public static byte[] pad(BigInteger value, int length) {
        byte[] out = new byte[length];
        pad(value, out, 0, length);
        return out;
    }

    /** Writes {@code value} big-endian, left-padded with zeros, into {@code out[off, off+length)}. */
    public static void pad(BigInteger value, byte[] out, int off, int length) {
        byte[] raw = value.toByteArray(); // may carry one leading sign byte of zero
        int start = raw.length > 1 && raw[0] == 0 ? 1 : 0;
        int n = raw.length - start;
        if (value.signum() < 0 || n > length) {
            throw new IllegalArgumentException("value does not fit in " + length + " bytes");
        }
        Arrays.fill(out, off, off + length - n, (byte) 0);
        System.arraycopy(raw, start, out, off + length - n, n);
    }

    /** The SRP-6a client: learns s and B, sends A and M1, checks M2. */
    public final class Client {
        private final SRP6Client srp;
        private final Digest digest = digests.get();
        private BigInteger bigA;
        private BigInteger s;
        private BigInteger m1;

        private Client(SecureRandom random, BigInteger fixedA) {
            this.srp = fixedA == null ? new SRP6Client() : new SRP6Client() {
                @Override
                protected BigInteger selectPrivateValue() {
                    return fixedA;
                }
            };
            srp.init(group, digests.get(), random);
        }

        /**
         * Computes A, S and M1 from the server's salt and B.
         *
         * @param serverB already checked with {@link #decodePublicValue}
         * @return {@code false} if {@code u = H(A|B)} is zero, which SRP-6a says to abort on
         */
        public boolean respond(byte[] salt, byte[] password, BigInteger serverB) {
            bigA = srp.generateClientCredentials(salt, identity, password);
            if (SRP6Util.calculateU(digest, group.getN(), bigA, serverB).signum() == 0) {
                return false;
            }
            try {
                s = srp.calculateSecret(serverB);
                m1 = srp.calculateClientEvidenceMessage();
            } catch (CryptoException e) {
                throw new IllegalArgumentException("B must be checked with decodePublicValue first", e);
            }
            return true;
        }

        /** PAD(A). */
        public byte[] publicValue() {
            return pad(bigA, publicValueLength);
        }

        /** M1, {@link #evidenceLength()} bytes. */
        public byte[] evidence() {
            return pad(m1, evidenceLength);
        }

        /** PAD(S): the premaster secret, input keying material of the key schedule. */
        public byte[] premasterSecret() {
            return pad(s, publicValueLength);
        }

        /** Whether {@code m2} (evidenceLength bytes at {@code off}) is the server's correct M2; constant time. */
        public boolean verifyServerEvidence(byte[] buf, int off) {
            byte[] expected = pad(SRP6Util.calculateM2(digest, group.getN(), bigA, m1, s), evidenceLength);
            return MessageDigest.isEqual(expected, Arrays.copyOfRange(buf, off, off + evidenceLength));
        }

        BigInteger secret() {
            return s;
        }
    }

    /** The SRP-6a server: sends s and B, learns A, checks M1, sends M2. */
    public final class Server {
        private final SRP6Server srp;
        private final Digest digest = digests.get();
        private final BigInteger bigB;
        private BigInteger bigA;
        private BigInteger s;
        private BigInteger m1;

        private Server(byte[] salt, byte[] password, SecureRandom random, BigInteger fixedB) {
            this.srp = fixedB == null ? new SRP6Server() : new SRP6Server() {
                @Override
                protected BigInteger selectPrivateValue() {
                    return fixedB;
                }
            };
            srp.init(group, verifier(salt, password), digests.get(), random);
            this.bigB = srp.generateServerCredentials();
        }

        /** PAD(B). */
        public byte[] publicValue() {
            return pad(bigB, publicValueLength);
        }

        /**
         * Computes S from the client's A.
         *
         * @param clientA already checked with {@link #decodePublicValue}
         * @return {@code false} if {@code u = H(A|B)} is zero
         */
        public boolean receive(BigInteger clientA) {
            if (SRP6Util.calculateU(digest, group.getN(), clientA, bigB).signum() == 0) {
                return false;
            }
            try {
                s = srp.calculateSecret(clientA);
            } catch (CryptoException e) {
                throw new IllegalArgumentException("A must be checked with decodePublicValue first", e);
            }
            bigA = clientA;
            return true;
        }

        /** Whether M1 ({@link #evidenceLength()} bytes at {@code off}) is correct; constant time. */
        public boolean verifyClientEvidence(byte[] buf, int off) {
            BigInteger expected = SRP6Util.calculateM1(digest, group.getN(), bigA, bigB, s);
            byte[] received = Arrays.copyOfRange(buf, off, off + evidenceLength);
            if (!MessageDigest.isEqual(pad(expected, evidenceLength), received)) {
                return false;
            }
            m1 = expected;
            return true;
        }

        /** M2; only after {@link #verifyClientEvidence} returned {@code true}. */
        public byte[] evidence() {
            if (m1 == null) {
                throw new IllegalStateException("M2 is sent only after M1 was verified");
            }
            return pad(SRP6Util.calculateM2(digest, group.getN(), bigA, m1, s), evidenceLength);
        }

        /** PAD(S). */
        public byte[] premasterSecret() {
            return pad(s, publicValueLength);
        }

        BigInteger secret() {
            return s;
        }
    }
}
