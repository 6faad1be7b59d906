package dev.cloudless.sync.discovery.dht;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * A 160-bit Kademlia key: a node id, an info-hash or a lookup target. Immutable; ordered by
 * XOR distance to a third key with {@link #closer}.
 */
final class NodeId {
    /** Bytes in an id. */
    static final int BYTES = 20;
    /** Bits in an id. */
    static final int BITS = BYTES * 8;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int[] BEP42_V4_MASK = {0x03, 0x0f, 0x3f, 0xff};

    private final byte[] bytes;

    private NodeId(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of 20 bytes as an id. */
    static NodeId of(byte[] b) {
        if (b.length != BYTES) {
            throw new IllegalArgumentException("a node id has 20 bytes, not " + b.length);
        }
        return new NodeId(b.clone());
    }

    static NodeId of(byte[] b, int offset) {
        return new NodeId(Arrays.copyOfRange(b, offset, offset + BYTES));
    }

    static NodeId random() {
        return random(RANDOM);
    }

    static NodeId random(Random random) {
        byte[] b = new byte[BYTES];
        random.nextBytes(b);
        return new NodeId(b);
    }

    /**
     * A BEP 42 id for a public IPv4 address: the first 21 bits are crc32c of the masked address
     * with {@code r} in the top bits, the last byte is {@code r}, the rest random.
     */
    static NodeId bep42(Inet4Address ip, int r, Random random) {
        byte[] id = new byte[BYTES];
        random.nextBytes(id);
        int crc = bep42Prefix(ip, r);
        id[0] = (byte) (crc >>> 24);
        id[1] = (byte) (crc >>> 16);
        id[2] = (byte) (((crc >>> 8) & 0xf8) | (id[2] & 0x07));
        id[19] = (byte) r;
        return new NodeId(id);
    }

    /** Whether this id satisfies BEP 42 for {@code ip} (always true for local addresses, which BEP 42 exempts). */
    boolean isBep42ValidFor(InetAddress ip) {
        if (!(ip instanceof Inet4Address v4) || isBep42Exempt(v4)) {
            return true;
        }
        int crc = bep42Prefix(v4, bytes[19] & 0xff);
        return bytes[0] == (byte) (crc >>> 24) && bytes[1] == (byte) (crc >>> 16)
                && (bytes[2] & 0xf8) == ((crc >>> 8) & 0xf8);
    }

    /** The address ranges BEP 42 exempts: loopback, private, link-local. */
    static boolean isBep42Exempt(Inet4Address ip) {
        return ip.isLoopbackAddress() || ip.isSiteLocalAddress() || ip.isLinkLocalAddress() || ip.isAnyLocalAddress();
    }

    private static int bep42Prefix(Inet4Address ip, int r) {
        byte[] a = ip.getAddress();
        byte[] masked = new byte[4];
        for (int i = 0; i < 4; i++) {
            masked[i] = (byte) (a[i] & BEP42_V4_MASK[i]);
        }
        masked[0] |= (byte) ((r & 0x07) << 5);
        CRC32C crc = new CRC32C();
        crc.update(masked);
        return (int) crc.getValue();
    }

    byte[] toBytes() {
        return bytes.clone();
    }

    void writeTo(byte[] out, int offset) {
        System.arraycopy(bytes, 0, out, offset, BYTES);
    }

    /** Bit {@code i} (0 = most significant). */
    boolean bit(int i) {
        return (bytes[i >>> 3] & (0x80 >>> (i & 7))) != 0;
    }

    /** The number of leading bits this id shares with {@code other} (160 when equal). */
    int commonPrefix(NodeId other) {
        for (int i = 0; i < BYTES; i++) {
            int x = (bytes[i] ^ other.bytes[i]) & 0xff;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return BITS;
    }

    /** Negative if {@code a} is closer to this id than {@code b}, by XOR distance. */
    int closer(NodeId a, NodeId b) {
        for (int i = 0; i < BYTES; i++) {
            int da = (a.bytes[i] ^ bytes[i]) & 0xff;
            int db = (b.bytes[i] ^ bytes[i]) & 0xff;
            if (da != db) {
                return Integer.compare(da, db);
            }
        }
        return 0;
    }

    /** An id sharing exactly the first {@code prefixBits} bits with this one, random after. */
    NodeId randomWithPrefix(int prefixBits, Random random) {
        byte[] b = new byte[BYTES];
        random.nextBytes(b);
        for (int i = 0; i < prefixBits && i < BITS; i++) {
            int mask = 0x80 >>> (i & 7);
            b[i >>> 3] = (byte) ((b[i >>> 3] & ~mask) | (bytes[i >>> 3] & mask));
        }
        if (prefixBits < BITS) { // the next bit differs, so the id lands in that bucket
            int mask = 0x80 >>> (prefixBits & 7);
            b[prefixBits >>> 3] = (byte) ((b[prefixBits >>> 3] & ~mask) | (~bytes[prefixBits >>> 3] & mask));
        }
        return new NodeId(b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeId n && Arrays.equals(bytes, n.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
