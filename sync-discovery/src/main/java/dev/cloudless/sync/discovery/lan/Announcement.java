package dev.cloudless.sync.discovery.lan;

import dev.cloudless.sync.DeviceId;
import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One LAN datagram, fixed length {@link #LENGTH}:
 * <pre>
 * magic "CSL1" (4) | kind (1: 0 announce, 1 reply) | device id (15) | port (2, big-endian)
 *   | nonce (16, fresh random per datagram) | tag (32)
 * tag = HMAC-SHA256(lanKey, magic | kind | device id | port | nonce)
 * </pre>
 * The folder is named only by the tag: without the folder's LAN key the tag of a fresh nonce is
 * indistinguishable from random, so a passive listener cannot link two announcements of one
 * folder (the device id and port are in clear: they say who, not what).
 */
record Announcement(boolean reply, DeviceId device, int port, byte[] nonce, byte[] tag) {
    static final byte[] MAGIC = {'C', 'S', 'L', '1'};
    static final int NONCE_LENGTH = 16;
    static final int TAG_LENGTH = 32;
    static final int LENGTH = MAGIC.length + 1 + DeviceId.LENGTH + 2 + NONCE_LENGTH + TAG_LENGTH;
    private static final int SIGNED_LENGTH = LENGTH - TAG_LENGTH;

    /** A new datagram for the folder with {@code lanKey}. */
    static Announcement create(boolean reply, DeviceId device, int port, byte[] nonce, byte[] lanKey) {
        Announcement unsigned = new Announcement(reply, device, port, nonce, new byte[TAG_LENGTH]);
        return new Announcement(reply, device, port, nonce, hmac(lanKey, unsigned.signed()));
    }

    byte[] encode() {
        return ByteBuffer.allocate(LENGTH).put(signed()).put(tag).array();
    }

    private byte[] signed() {
        return ByteBuffer.allocate(SIGNED_LENGTH).put(MAGIC).put((byte) (reply ? 1 : 0)).put(device.toBytes())
                .putShort((short) port).put(nonce).array();
    }

    /** Whether the tag was made with {@code lanKey}, in constant time. */
    boolean isFor(byte[] lanKey) {
        return MessageDigest.isEqual(tag, hmac(lanKey, signed()));
    }

    /** Decodes a datagram; anything but a well-formed one throws {@link MalformedAnnouncementException}. */
    static Announcement decode(byte[] buf, int len) throws MalformedAnnouncementException {
        if (len != LENGTH) {
            throw new MalformedAnnouncementException("length " + len + ", expected " + LENGTH);
        }
        if (!Arrays.equals(buf, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new MalformedAnnouncementException("bad magic");
        }
        ByteBuffer b = ByteBuffer.wrap(buf, MAGIC.length, LENGTH - MAGIC.length);
        int kind = b.get();
        if (kind != 0 && kind != 1) {
            throw new MalformedAnnouncementException("unknown kind " + kind);
        }
        byte[] dev = new byte[DeviceId.LENGTH];
        b.get(dev);
        int port = b.getShort() & 0xffff;
        if (port == 0) {
            throw new MalformedAnnouncementException("port 0");
        }
        byte[] nonce = new byte[NONCE_LENGTH];
        b.get(nonce);
        byte[] tag = new byte[TAG_LENGTH];
        b.get(tag);
        DeviceId device;
        try {
            device = DeviceId.fromBytes(dev);
        } catch (IllegalArgumentException e) {
            throw new MalformedAnnouncementException("bad device id");
        }
        return new Announcement(kind == 1, device, port, nonce, tag);
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Announcement a && a.reply == reply && a.device.equals(device) && a.port == port
                && Arrays.equals(a.nonce, nonce) && Arrays.equals(a.tag, tag);
    }

    @Override
    public int hashCode() {
        return device.hashCode() * 31 + Arrays.hashCode(nonce);
    }

    @Override
    public String toString() {
        return "Announcement[" + (reply ? "reply" : "announce") + " " + device + ":" + port + "]";
    }
}
