package dev.cloudless.sync.core.session;

import dev.cloudless.sync.core.crypto.Srp6;
import dev.cloudless.sync.core.session.HandshakeException.Reason;
import java.util.Arrays;

/**
 * Codec of the five session handshake messages. Every message has a fixed length determined by
 * its first byte, so a stream reader needs no length prefix: read one byte, ask
 * {@link #lengthOf(int)}, read the rest. No message exceeds {@link #MAX_MESSAGE_LENGTH}.
 *
 * <pre>
 * ClientHello, client -&gt; server, 53 bytes: the first bytes of every connection
 * +-----+-----+-----+-----+---------+------------------------+--------------------+
 * | 'C' | 'L' | 'S' | 'Y' | version |  client nonce (32)     |  folder tag (16)   |
 * +-----+-----+-----+-----+---------+------------------------+--------------------+
 *   0                       4         5                        37                 53
 *
 * ServerHello, server -&gt; client, 306 bytes
 * +------+---------+-------------------+-----------+------------------------------+
 * | 0x02 | version | server nonce (32) | salt (16) | PAD(B) (256)                 |
 * +------+---------+-------------------+-----------+------------------------------+
 *   0      1         2                   34          50                          306
 *
 * ClientProof, client -&gt; server, 289 bytes
 * +------+------------------------------------------+--------------------+
 * | 0x03 | PAD(A) (256)                             | M1 (32)            |
 * +------+------------------------------------------+--------------------+
 *   0      1                                          257                289
 *
 * ServerProof, server -&gt; client, 33 bytes
 * +------+--------------------+
 * | 0x04 | M2 (32)            |
 * +------+--------------------+
 *
 * Failure, either direction, 2 bytes: then the sender closes the connection
 * +------+--------+
 * | 0x0F | reason |      reason = {@link HandshakeException.Reason#code()}
 * +------+--------+
 * </pre>
 *
 * <p>{@code PAD(x)} is the unsigned big-endian value left-padded to the 256-byte length of the
 * RFC 5054 2048-bit group's N; M1 and M2 are SHA-256 outputs (see {@link Srp6}). The folder tag is
 * defined in {@link FolderSecret}. Version is {@link #VERSION}; a decoder checks, in this order,
 * the type (or magic), the version, then the exact length, so that a peer of another version is
 * told {@code UNSUPPORTED_VERSION} rather than {@code MALFORMED}.
 */
public final class HandshakeMessages {
    /** The protocol version this code speaks. */
    public static final int VERSION = 1;
    /** "CLSY": the first four bytes of a connection, so that a stray client of another protocol fails at once. */
    static final byte[] MAGIC = {'C', 'L', 'S', 'Y'};
    public static final int NONCE_LENGTH = 32;
    public static final int FOLDER_TAG_LENGTH = 16;
    public static final int SALT_LENGTH = 16;
    /** PAD(A), PAD(B), PAD(S): the byte length of the 2048-bit N. */
    public static final int PUBLIC_VALUE_LENGTH = Srp6.PRODUCTION.publicValueLength();
    /** M1, M2: SHA-256. */
    public static final int EVIDENCE_LENGTH = Srp6.PRODUCTION.evidenceLength();

    static final int TYPE_SERVER_HELLO = 0x02;
    static final int TYPE_CLIENT_PROOF = 0x03;
    static final int TYPE_SERVER_PROOF = 0x04;
    static final int TYPE_FAILURE = 0x0F;

    public static final int CLIENT_HELLO_LENGTH = MAGIC.length + 1 + NONCE_LENGTH + FOLDER_TAG_LENGTH;
    public static final int SERVER_HELLO_LENGTH = 1 + 1 + NONCE_LENGTH + SALT_LENGTH + PUBLIC_VALUE_LENGTH;
    public static final int CLIENT_PROOF_LENGTH = 1 + PUBLIC_VALUE_LENGTH + EVIDENCE_LENGTH;
    public static final int SERVER_PROOF_LENGTH = 1 + EVIDENCE_LENGTH;
    public static final int FAILURE_LENGTH = 2;
    /** The longest handshake message, in bytes (the ServerHello). */
    public static final int MAX_MESSAGE_LENGTH = SERVER_HELLO_LENGTH;

    private HandshakeMessages() {}

    /**
     * The total length of the message whose first byte is {@code firstByte}, for a stream reader.
     *
     * @throws HandshakeException MALFORMED if no message starts with this byte
     */
    public static int lengthOf(int firstByte) throws HandshakeException {
        switch (firstByte & 0xFF) {
            case 'C':
                return CLIENT_HELLO_LENGTH;
            case TYPE_SERVER_HELLO:
                return SERVER_HELLO_LENGTH;
            case TYPE_CLIENT_PROOF:
                return CLIENT_PROOF_LENGTH;
            case TYPE_SERVER_PROOF:
                return SERVER_PROOF_LENGTH;
            case TYPE_FAILURE:
                return FAILURE_LENGTH;
            default:
                throw malformed("no handshake message starts with 0x" + Integer.toHexString(firstByte & 0xFF));
        }
    }

    /** The first message: who we are (version) and which folder (tag), without naming the folder. */
    public record ClientHello(int version, byte[] nonce, byte[] folderTag) {
        public ClientHello {
            checkLength("nonce", nonce, NONCE_LENGTH);
            checkLength("folder tag", folderTag, FOLDER_TAG_LENGTH);
        }

        public byte[] encode() {
            byte[] out = new byte[CLIENT_HELLO_LENGTH];
            System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
            out[4] = (byte) version;
            System.arraycopy(nonce, 0, out, 5, NONCE_LENGTH);
            System.arraycopy(folderTag, 0, out, 5 + NONCE_LENGTH, FOLDER_TAG_LENGTH);
            return out;
        }

        public static ClientHello decode(byte[] msg) throws HandshakeException {
            if (msg.length < MAGIC.length + 1 || !Arrays.equals(msg, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw malformed("ClientHello must start with \"CLSY\" and a version");
            }
            checkVersion(msg[4]);
            checkMessageLength("ClientHello", msg, CLIENT_HELLO_LENGTH);
            return new ClientHello(msg[4] & 0xFF, Arrays.copyOfRange(msg, 5, 5 + NONCE_LENGTH),
                    Arrays.copyOfRange(msg, 5 + NONCE_LENGTH, CLIENT_HELLO_LENGTH));
        }
    }

    /** The server's answer: its nonce, a fresh SRP salt and its SRP public value B. */
    public record ServerHello(int version, byte[] nonce, byte[] salt, byte[] publicValue) {
        public ServerHello {
            checkLength("nonce", nonce, NONCE_LENGTH);
            checkLength("salt", salt, SALT_LENGTH);
            checkLength("B", publicValue, PUBLIC_VALUE_LENGTH);
        }

        public byte[] encode() {
            byte[] out = new byte[SERVER_HELLO_LENGTH];
            out[0] = TYPE_SERVER_HELLO;
            out[1] = (byte) version;
            System.arraycopy(nonce, 0, out, 2, NONCE_LENGTH);
            System.arraycopy(salt, 0, out, 2 + NONCE_LENGTH, SALT_LENGTH);
            System.arraycopy(publicValue, 0, out, 2 + NONCE_LENGTH + SALT_LENGTH, PUBLIC_VALUE_LENGTH);
            return out;
        }

        public static ServerHello decode(byte[] msg) throws HandshakeException {
            checkType(msg, TYPE_SERVER_HELLO, "ServerHello");
            if (msg.length < 2) {
                throw malformed("ServerHello truncated before its version");
            }
            checkVersion(msg[1]);
            checkMessageLength("ServerHello", msg, SERVER_HELLO_LENGTH);
            int saltAt = 2 + NONCE_LENGTH;
            int bAt = saltAt + SALT_LENGTH;
            return new ServerHello(msg[1] & 0xFF, Arrays.copyOfRange(msg, 2, saltAt),
                    Arrays.copyOfRange(msg, saltAt, bAt), Arrays.copyOfRange(msg, bAt, SERVER_HELLO_LENGTH));
        }
    }

    /** The client's SRP public value A and its proof M1. */
    public record ClientProof(byte[] publicValue, byte[] evidence) {
        public ClientProof {
            checkLength("A", publicValue, PUBLIC_VALUE_LENGTH);
            checkLength("M1", evidence, EVIDENCE_LENGTH);
        }

        public byte[] encode() {
            byte[] out = new byte[CLIENT_PROOF_LENGTH];
            out[0] = TYPE_CLIENT_PROOF;
            System.arraycopy(publicValue, 0, out, 1, PUBLIC_VALUE_LENGTH);
            System.arraycopy(evidence, 0, out, 1 + PUBLIC_VALUE_LENGTH, EVIDENCE_LENGTH);
            return out;
        }

        public static ClientProof decode(byte[] msg) throws HandshakeException {
            checkType(msg, TYPE_CLIENT_PROOF, "ClientProof");
            checkMessageLength("ClientProof", msg, CLIENT_PROOF_LENGTH);
            return new ClientProof(Arrays.copyOfRange(msg, 1, 1 + PUBLIC_VALUE_LENGTH),
                    Arrays.copyOfRange(msg, 1 + PUBLIC_VALUE_LENGTH, CLIENT_PROOF_LENGTH));
        }
    }

    /** The server's proof M2. */
    public record ServerProof(byte[] evidence) {
        public ServerProof {
            checkLength("M2", evidence, EVIDENCE_LENGTH);
        }

        public byte[] encode() {
            byte[] out = new byte[SERVER_PROOF_LENGTH];
            out[0] = TYPE_SERVER_PROOF;
            System.arraycopy(evidence, 0, out, 1, EVIDENCE_LENGTH);
            return out;
        }

        public static ServerProof decode(byte[] msg) throws HandshakeException {
            checkType(msg, TYPE_SERVER_PROOF, "ServerProof");
            checkMessageLength("ServerProof", msg, SERVER_PROOF_LENGTH);
            return new ServerProof(Arrays.copyOfRange(msg, 1, SERVER_PROOF_LENGTH));
        }
    }

    /** The Failure message for {@code reason}. */
    public static byte[] failure(Reason reason) {
        return new byte[] {TYPE_FAILURE, (byte) reason.code()};
    }

    /**
     * Decodes a Failure message.
     *
     * @throws HandshakeException MALFORMED if {@code msg} is not a Failure message
     */
    public static Reason decodeFailure(byte[] msg) throws HandshakeException {
        checkType(msg, TYPE_FAILURE, "Failure");
        checkMessageLength("Failure", msg, FAILURE_LENGTH);
        return Reason.fromCode(msg[1] & 0xFF);
    }

    /** If {@code msg} is a Failure message, throws the peer's failure; otherwise returns. */
    static void throwIfFailure(byte[] msg) throws HandshakeException {
        if (msg.length > 0 && (msg[0] & 0xFF) == TYPE_FAILURE) {
            throw HandshakeException.remote(decodeFailure(msg));
        }
    }

    private static void checkType(byte[] msg, int type, String name) throws HandshakeException {
        if (msg.length == 0) {
            throw malformed("empty message where a " + name + " was expected");
        }
        int actual = msg[0] & 0xFF;
        if (actual == type) {
            return;
        }
        boolean known = actual == TYPE_SERVER_HELLO || actual == TYPE_CLIENT_PROOF
                || actual == TYPE_SERVER_PROOF || actual == TYPE_FAILURE || actual == 'C';
        throw known
                ? HandshakeException.local(Reason.UNEXPECTED_MESSAGE, "type 0x" + Integer.toHexString(actual)
                        + " where a " + name + " was expected")
                : malformed("unknown message type 0x" + Integer.toHexString(actual));
    }

    private static void checkVersion(byte version) throws HandshakeException {
        if ((version & 0xFF) != VERSION) {
            throw HandshakeException.local(Reason.UNSUPPORTED_VERSION,
                    "version " + (version & 0xFF) + ", this peer speaks " + VERSION);
        }
    }

    private static void checkMessageLength(String name, byte[] msg, int expected) throws HandshakeException {
        if (msg.length != expected) {
            throw malformed(name + " must be " + expected + " bytes, was " + msg.length);
        }
    }

    private static void checkLength(String field, byte[] value, int expected) {
        if (value.length != expected) {
            throw new IllegalArgumentException(field + " must be " + expected + " bytes, was " + value.length);
        }
    }

    private static HandshakeException malformed(String detail) {
        return HandshakeException.local(Reason.MALFORMED, detail);
    }
}
