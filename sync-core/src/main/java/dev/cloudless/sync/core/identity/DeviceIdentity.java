package dev.cloudless.sync.core.identity;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.core.crypto.Ed25519;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This device's persistent Ed25519 key: what peers know it by ({@link #deviceId()}) and what it
 * signs its handshakes with. Created once, on first start, in the node's data directory and
 * reused ever after; losing the file makes the node a new device that peers must approve again.
 *
 * <pre>{@code
 * DeviceIdentity me = DeviceIdentity.loadOrCreate(Path.of("state"));
 * System.out.println("This device is " + me.deviceId());
 * byte[] sig = me.sign(challenge);
 * boolean ok = DeviceIdentity.verify(peerPublicKey, challenge, peerSignature);
 * }</pre>
 *
 * <h2>The file {@value #FILE_NAME}</h2>
 *
 * <pre>
 * offset size
 *      0    4  magic "CSDK" (0x43 0x53 0x44 0x4B)
 *      4    1  version 0x01
 *      5   32  Ed25519 seed (the private key)
 *     37    4  CRC-32C of bytes 0..36, big-endian
 * </pre>
 *
 * <p>It is written to a temporary file in the same directory, forced to disk, then linked (or, if
 * the file system cannot link, atomically moved) into place, so a crash leaves either no identity
 * or a complete one. Where the file system supports POSIX permissions, the file is created
 * {@code rw-------}. A file that exists but is truncated, corrupt or of an unknown version is an
 * error naming the file: it is never silently replaced, because a new identity would orphan every
 * approval peers gave this device.
 */
public final class DeviceIdentity {
    /** The file name inside the data directory. */
    public static final String FILE_NAME = "device.key";
    static final int FILE_LENGTH = 41;
    private static final byte[] MAGIC = {'C', 'S', 'D', 'K'};
    private static final int VERSION = 1;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger log = LoggerFactory.getLogger(DeviceIdentity.class);

    private final Ed25519.SigningKey key;
    private final byte[] publicKey;
    private final DeviceId deviceId;

    private DeviceIdentity(byte[] seed) {
        this.key = Ed25519.signingKey(seed);
        this.publicKey = key.publicKey();
        this.deviceId = DeviceId.fromPublicKey(publicKey);
    }

    /**
     * Loads this device's identity from {@code dataDir}, creating the directory and a new identity
     * if there is none yet.
     *
     * @throws IOException if the file cannot be read or written, or exists but is not a valid
     *     identity file (the message names the file and what is wrong)
     */
    public static DeviceIdentity loadOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            return load(file);
        } catch (NoSuchFileException e) {
            // first start: fall through and create
        }
        Files.createDirectories(dataDir);
        byte[] seed = new byte[Ed25519.SEED_LENGTH];
        RANDOM.nextBytes(seed);
        try {
            if (!publish(dataDir, file, encode(seed))) {
                return load(file); // another process created it first: use that one, not ours
            }
            return new DeviceIdentity(seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** A fresh identity kept only in memory, for tests and throw-away nodes. */
    public static DeviceIdentity generate() {
        byte[] seed = new byte[Ed25519.SEED_LENGTH];
        RANDOM.nextBytes(seed);
        try {
            return new DeviceIdentity(seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** This device's id, derived from its public key. */
    public DeviceId deviceId() {
        return deviceId;
    }

    /** This device's 32-byte Ed25519 public key (a copy). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** This device's 64-byte Ed25519 signature of {@code message}. */
    public byte[] sign(byte[] message) {
        return key.sign(message);
    }

    /**
     * Whether {@code signature} is the signature of {@code message} by the device with
     * {@code publicKey}; false (never an exception) for malformed keys or signatures.
     */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        return Ed25519.verify(publicKey, message, signature);
    }

    /** The device id only; never the key. */
    @Override
    public String toString() {
        return "DeviceIdentity[" + deviceId + "]";
    }

    private static DeviceIdentity load(Path file) throws IOException {
        byte[] data;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() != FILE_LENGTH) {
                throw corrupt(file, "it is " + ch.size() + " bytes long, expected " + FILE_LENGTH
                        + (ch.size() < FILE_LENGTH ? " (truncated)" : ""));
            }
            ByteBuffer buf = ByteBuffer.allocate(FILE_LENGTH);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read fully
            }
            if (buf.hasRemaining()) {
                throw corrupt(file, "it ended after " + buf.position() + " bytes while being read");
            }
            data = buf.array();
        }
        try {
            byte[] seed = decode(file, data);
            warnIfReadableByOthers(file);
            try {
                return new DeviceIdentity(seed);
            } finally {
                Arrays.fill(seed, (byte) 0);
            }
        } finally {
            Arrays.fill(data, (byte) 0);
        }
    }

    static byte[] encode(byte[] seed) {
        ByteBuffer buf = ByteBuffer.allocate(FILE_LENGTH);
        buf.put(MAGIC).put((byte) VERSION).put(seed);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        return buf.array();
    }

    private static byte[] decode(Path file, byte[] data) throws IOException {
        if (!Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw corrupt(file, "it does not start with the magic bytes \"CSDK\"");
        }
        CRC32C crc = new CRC32C();
        crc.update(data, 0, FILE_LENGTH - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(data, FILE_LENGTH - 4, 4).getInt()) {
            throw corrupt(file, "its checksum does not match (the file is damaged)");
        }
        if (data[MAGIC.length] != VERSION) {
            throw corrupt(file, "it has version " + (data[MAGIC.length] & 0xff)
                    + ", this library reads version " + VERSION);
        }
        return Arrays.copyOfRange(data, MAGIC.length + 1, MAGIC.length + 1 + Ed25519.SEED_LENGTH);
    }

    /**
     * Makes {@code content} appear at {@code file} all at once; returns false if {@code file}
     * appeared meanwhile (and leaves it alone).
     */
    private static boolean publish(Path dir, Path file, byte[] content) throws IOException {
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        // Created with its final permissions, so the seed is never readable by others, not even briefly.
        Path tmp = Files.createTempFile(dir, FILE_NAME + ".", ".tmp", attrs);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            } finally {
                Arrays.fill(content, (byte) 0);
            }
            try {
                // A hard link is atomic and, unlike a rename, refuses to replace an existing file.
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | IOException e) {
                if (Files.exists(file)) {
                    return false;
                }
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException notAtomic) {
                    throw new IOException("cannot create " + file + " atomically on this file system", notAtomic);
                }
            }
            syncDirectory(dir);
            return true;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Makes the new directory entry durable; not possible (nor needed) on every platform. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("cannot fsync directory {} (normal on some platforms): {}", dir, e.toString());
        }
    }

    private static void warnIfReadableByOthers(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(perms)) {
                log.warn("{} is accessible to other users ({}): anyone who reads it can impersonate this device; "
                        + "restrict it to rw-------", file, PosixFilePermissions.toString(perms));
            }
        } catch (UnsupportedOperationException | IOException e) {
            // no POSIX permissions here: nothing to check
        }
    }

    private static IOException corrupt(Path file, String what) {
        return new IOException("device identity file " + file.toAbsolutePath() + " is not valid: " + what
                + ". Refusing to replace it with a new identity (peers would no longer recognise this device); "
                + "restore it from a backup, or delete it to start over as a new device");
    }
}
