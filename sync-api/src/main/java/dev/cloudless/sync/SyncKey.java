package dev.cloudless.sync;

import dev.cloudless.sync.spi.KeyDerivation;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.StringJoiner;
import java.util.zip.CRC32C;

/**
 * The key of a shared folder: whoever holds it can find the folder's peers and sync with them, at
 * the {@linkplain AccessLevel access level} the key grants. A folder is shared by handing its key
 * to another device, as text.
 *
 * <pre>{@code
 * SyncKey key = SyncKey.generate();                 // a new folder, read-write
 * String forLaptop = key.toText();                  // "WAE..." or "WAF...", 61 characters
 * String forPhone = key.readOnly().toText();        // "R...", 112 characters: cannot modify
 * String forBackup = key.encrypted().toText();      // "E...", 112 characters: stores ciphertext only
 *
 * SyncKey typed = SyncKey.parse(textFromUser);      // case, '-' and spaces do not matter;
 *                                                   // a typo throws IllegalArgumentException
 * typed.discoveryIdHex();                           // equal for all three keys of one folder
 * }</pre>
 *
 * <h2>Text form</h2>
 *
 * <pre>
 * text    = prefix base32( payload || crc32c(prefix || payload) as 4 bytes little-endian )
 * prefix  = 'W' | 'R' | 'E'                       (one ASCII letter: the access level)
 * payload = 0x01 || s_rw                          W:  33 bytes -&gt;  60 Base32 characters
 *         | 0x01 || s_ro  || vk                   R:  65 bytes -&gt; 111 Base32 characters
 *         | 0x01 || s_enc || vk                   E:  65 bytes -&gt; 111 Base32 characters
 * </pre>
 *
 * <p>{@code 0x01} is the format version, {@code s_*} are the level's 32-byte secrets and
 * {@code vk} is the folder's 32-byte Ed25519 verification key, which lets read-only and encrypted
 * devices check signatures without trusting any peer. Base32 is RFC 4648 ({@code A-Z2-7}), no
 * padding, unused trailing bits zero. {@link #parse} ignores case, {@code '-'} and white space.
 *
 * <p>The checksum is CRC-32C ({@link CRC32C}) appended least significant byte first, which keeps
 * {@code payload || crc} a codeword of the CRC's cyclic code in the CRC's own bit order, so every
 * error burst of at most 32 bits is detected. One mistyped character changes 5 consecutive bits of
 * the most-significant-bit-first Base32 stream and two swapped neighbours at most 10; within CRC
 * bit order (each byte least significant bit first) that span grows to at most 24 bits. Hence
 * <em>every</em> single typo and every adjacent transposition is rejected, not just most of them.
 * The derivation of the lower levels and of the discovery id is specified in
 * {@code docs/PROTOCOL.md}.
 *
 * <h2>Secrecy</h2>
 *
 * <p>{@link #toText()} and {@link #material()} are the secret itself: anyone who sees them gets
 * the folder at this key's level. {@link #toString()} shows only the level and the start of the
 * public discovery id, so keys can be logged. Instances are immutable and thread-safe.
 *
 * <p>{@link #readOnly()}, {@link #encrypted()} and {@link #discoveryId()} need sync-core on the
 * class path (found through the {@link KeyDerivation} service); parsing, printing and
 * {@link #generate()} work with sync-api alone.
 */
public final class SyncKey {
    /** Length of {@link #discoveryId()} in bytes (a BitTorrent info-hash). */
    public static final int DISCOVERY_ID_LENGTH = 20;
    /** The payload format version this library reads and writes. */
    static final int VERSION = 1;
    static final int SECRET_LENGTH = 32;
    static final int VERIFY_KEY_LENGTH = 32;
    static final int CHECKSUM_LENGTH = 4;
    /** The longest Base32 part of any level (read-only and encrypted keys). */
    private static final int MAX_BASE32_LENGTH = Base32.encodedLength(1 + SECRET_LENGTH + VERIFY_KEY_LENGTH + CHECKSUM_LENGTH);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static volatile KeyDerivation derivation;

    private final AccessLevel level;
    private final byte[] payload;
    private final int hash;
    private volatile byte[] discoveryId;

    private SyncKey(AccessLevel level, byte[] payload) {
        this.level = level;
        this.payload = payload;
        this.hash = fingerprint(level, payload);
    }

    /** A new read-write key for a new folder, from 32 bytes of {@link SecureRandom} (OS entropy). */
    public static SyncKey generate() {
        byte[] secret = new byte[SECRET_LENGTH];
        RANDOM.nextBytes(secret);
        try {
            return fromReadWriteSecret(secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * The read-write key whose secret {@code s_rw} is {@code secret}: for fixtures, known-answer
     * tests and keys kept in a secret store. The 32 bytes must be uniformly random; anything
     * guessable (a password, a counter) makes the folder open to whoever guesses it. Use
     * {@link #generate()} for new folders.
     *
     * @throws IllegalArgumentException if {@code secret} is not 32 bytes
     */
    public static SyncKey fromReadWriteSecret(byte[] secret) {
        if (secret.length != SECRET_LENGTH) {
            throw new IllegalArgumentException("a read-write secret is " + SECRET_LENGTH + " bytes, got " + secret.length);
        }
        byte[] p = new byte[1 + SECRET_LENGTH];
        p[0] = VERSION;
        System.arraycopy(secret, 0, p, 1, SECRET_LENGTH);
        return new SyncKey(AccessLevel.READ_WRITE, p);
    }

    /**
     * Reads a key from its text form (see the class comment), ignoring case, {@code '-'} and white
     * space.
     *
     * @throws IllegalArgumentException with a message saying what is wrong: an unknown level
     *     prefix, a character that is not Base32 (which one and where), a length that does not
     *     fit the level (expected and actual), a checksum mismatch (a character is mistyped or two
     *     are swapped), non-zero unused trailing bits, an unsupported version, or a verification
     *     key that is not a valid Ed25519 public key. Messages never contain the key.
     */
    public static SyncKey parse(String text) {
        Objects.requireNonNull(text, "text");
        AccessLevel level = null;
        StringBuilder body = new StringBuilder(MAX_BASE32_LENGTH);
        int count = 0; // Base32 characters seen; only the first few are kept, so huge input costs no memory
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '-' || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                continue; // grouping and line breaks from copy and paste
            }
            if (level == null) {
                level = AccessLevel.ofPrefix(c);
            } else if (Base32.value(c) < 0) {
                throw new IllegalArgumentException(Base32.notBase32(c, i + 1));
            } else if (count++ < MAX_BASE32_LENGTH) {
                body.append(c);
            }
        }
        if (level == null) {
            throw new IllegalArgumentException("a sync key must not be empty");
        }
        int expected = base32Length(level);
        if (count != expected) {
            throw new IllegalArgumentException(wrongLength(level, count));
        }
        byte[] bytes = Base32.decodeBits(body);
        byte[] payload = Arrays.copyOf(bytes, bytes.length - CHECKSUM_LENGTH);
        int crc = (bytes[payload.length] & 0xff) | (bytes[payload.length + 1] & 0xff) << 8
                | (bytes[payload.length + 2] & 0xff) << 16 | (bytes[payload.length + 3] & 0xff) << 24;
        if (crc != checksum(level, payload)) {
            throw new IllegalArgumentException("checksum mismatch: a character is mistyped or two are swapped");
        }
        if (!Base32.hasZeroTail(body)) {
            throw new IllegalArgumentException("the last character has non-zero unused bits, so it is mistyped");
        }
        String problem = payloadProblem(level, payload);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return new SyncKey(level, payload);
    }

    /** What this key allows. */
    public AccessLevel level() {
        return level;
    }

    /**
     * The read-only key of the same folder: this key if it is read-only already.
     *
     * @throws IllegalStateException if this key is {@linkplain AccessLevel#ENCRYPTED encrypted}
     *     (the levels are one-way: an encrypted key cannot give back the read-only secret), or if
     *     sync-core is not on the class path
     */
    public SyncKey readOnly() {
        switch (level) {
            case READ_ONLY:
                return this;
            case READ_WRITE:
                KeyDerivation d = derivation();
                return derived(d, AccessLevel.READ_ONLY, d.readOnlyMaterial(material()));
            default:
                throw new IllegalStateException("an encrypted key cannot be turned into a read-only key: "
                        + "the levels are one-way (read-write -> read-only -> encrypted)");
        }
    }

    /**
     * The encrypted key of the same folder, for a device that should store and serve the folder
     * without reading it: this key if it is encrypted already.
     *
     * @throws IllegalStateException if sync-core is not on the class path
     */
    public SyncKey encrypted() {
        if (level == AccessLevel.ENCRYPTED) {
            return this;
        }
        SyncKey ro = readOnly();
        KeyDerivation d = derivation();
        return derived(d, AccessLevel.ENCRYPTED, d.encryptedMaterial(ro.material()));
    }

    /**
     * The folder's public 20-byte discovery id, equal for all three levels of one folder: what
     * devices announce on the LAN, to trackers and on the BitTorrent DHT (as an info-hash) to find
     * each other. Reveals nothing about the key. Returns a copy.
     *
     * @throws IllegalStateException if sync-core is not on the class path
     */
    public byte[] discoveryId() {
        byte[] id = discoveryId;
        if (id == null) {
            KeyDerivation d = derivation();
            id = d.discoveryId(level, material());
            if (id == null || id.length != DISCOVERY_ID_LENGTH) {
                throw brokenContract(d, "discoveryId returned " + (id == null ? "null" : id.length + " bytes")
                        + ", expected " + DISCOVERY_ID_LENGTH);
            }
            id = id.clone();
            discoveryId = id; // benign race: every thread computes the same value
        }
        return id.clone();
    }

    /** {@link #discoveryId()} as 40 lower-case hex digits, the usual spelling of an info-hash. */
    public String discoveryIdHex() {
        return HexFormat.of().formatHex(discoveryId());
    }

    /**
     * A copy of the raw payload: the version byte {@code 0x01}, the level's 32-byte secret and,
     * for read-only and encrypted keys, the 32-byte verification key (see the class comment).
     * This is <strong>as secret as the key text</strong>: for sync-core's derivations, never for
     * logs or the network.
     */
    public byte[] material() {
        return payload.clone();
    }

    /** The key as text, e.g. to show to the user or store in a configuration file. This is the secret. */
    public String toText() {
        byte[] bytes = Arrays.copyOf(payload, payload.length + CHECKSUM_LENGTH);
        int crc = checksum(level, payload);
        for (int i = 0; i < CHECKSUM_LENGTH; i++) {
            bytes[payload.length + i] = (byte) (crc >>> (8 * i)); // little-endian: see the class comment
        }
        try {
            return level.prefix() + Base32.encode(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Equal when level and material are equal; compares in constant time. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SyncKey other && level == other.level && MessageDigest.isEqual(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /**
     * The level and the start of the public discovery id, e.g. {@code SyncKey[read-only,
     * id=3fa2c1d0…]}; never the secret. Without sync-core only the level is shown.
     */
    @Override
    public String toString() {
        String id;
        try {
            id = ", id=" + discoveryIdHex().substring(0, 8) + "…";
        } catch (IllegalStateException e) {
            id = "";
        }
        return "SyncKey[" + level.description() + id + "]";
    }

    private static String wrongLength(AccessLevel level, int got) {
        String message = "wrong length for " + withArticle(level) + " key: expected " + base32Length(level)
                + " Base32 characters after the prefix " + level.prefix() + ", got " + got;
        StringJoiner others = new StringJoiner(" or ");
        for (AccessLevel other : AccessLevel.values()) {
            if (base32Length(other) == got) {
                others.add(other.description());
            }
        }
        return others.length() == 0 ? message
                : message + " (the length of a " + others + " key: is the prefix mistyped?)";
    }

    /** "a read-only", "an encrypted". */
    private static String withArticle(AccessLevel level) {
        return (level == AccessLevel.ENCRYPTED ? "an " : "a ") + level.description();
    }

    /** Base32 characters after the prefix for a key of {@code level}. */
    static int base32Length(AccessLevel level) {
        return Base32.encodedLength(payloadLength(level) + CHECKSUM_LENGTH);
    }

    static int payloadLength(AccessLevel level) {
        return level == AccessLevel.READ_WRITE ? 1 + SECRET_LENGTH : 1 + SECRET_LENGTH + VERIFY_KEY_LENGTH;
    }

    /** CRC-32C over the prefix letter (upper case ASCII) and the payload. */
    static int checksum(AccessLevel level, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(level.prefix());
        crc.update(payload);
        return (int) crc.getValue();
    }

    /** What is wrong with a payload for {@code level} once its checksum matched, or null. */
    private static String payloadProblem(AccessLevel level, byte[] payload) {
        if (payload.length != payloadLength(level)) {
            return withArticle(level) + " payload is " + payloadLength(level) + " bytes, got " + payload.length;
        }
        if (payload[0] != VERSION) {
            return "unsupported key version " + (payload[0] & 0xff) + ": this library reads version " + VERSION;
        }
        if (level != AccessLevel.READ_WRITE
                && !Ed25519Point.isValidPublicKey(Arrays.copyOfRange(payload, 1 + SECRET_LENGTH, payload.length))) {
            return "the verification key inside this " + level.description()
                    + " key is not a valid Ed25519 public key";
        }
        return null;
    }

    private static SyncKey derived(KeyDerivation d, AccessLevel level, byte[] material) {
        String problem = material == null ? "returned null" : payloadProblem(level, material);
        if (problem != null) {
            throw brokenContract(d, "the derived " + level.description() + " material is wrong: " + problem);
        }
        return new SyncKey(level, material.clone());
    }

    private static IllegalStateException brokenContract(KeyDerivation d, String what) {
        return new IllegalStateException("KeyDerivation " + d.getClass().getName() + " broke its contract: " + what);
    }

    /** A hash code that is no function of the secret anyone could invert (unlike Arrays.hashCode). */
    private static int fingerprint(AccessLevel level, byte[] payload) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((byte) level.prefix());
            byte[] h = sha.digest(payload);
            return (h[0] & 0xff) << 24 | (h[1] & 0xff) << 16 | (h[2] & 0xff) << 8 | (h[3] & 0xff);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /** The KeyDerivation service, found once; failures are not cached, so a later class path may still work. */
    static KeyDerivation derivation() {
        KeyDerivation d = derivation;
        if (d == null) {
            d = loadDerivation();
            derivation = d;
        }
        return d;
    }

    private static KeyDerivation loadDerivation() {
        ClassLoader[] loaders = {Thread.currentThread().getContextClassLoader(), SyncKey.class.getClassLoader()};
        for (ClassLoader loader : loaders) {
            try {
                var found = ServiceLoader.load(KeyDerivation.class, loader).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (ServiceConfigurationError e) {
                throw new IllegalStateException("the KeyDerivation service from sync-core could not be loaded", e);
            }
        }
        throw new IllegalStateException("sync-core is not on the class path: SyncKey needs its KeyDerivation service "
                + "to derive read-only and encrypted keys and the discovery id");
    }
}
