package dev.cloudless.sync.core.version;

import dev.cloudless.sync.core.version.MalformedVersionVectorException.Reason;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The version of a file record: for each device that changed the file, how many changes it
 * made. Immutable; operations return new vectors.
 *
 * <pre>{@code
 * VersionVector mine = VersionVector.empty().increment(myDevice);      // {<myDevice>=1}
 * switch (mine.compare(theirs)) {
 *     case GREATER, EQUAL -> keepMine();                                  // theirs is already included
 *     case LESSER -> takeTheirs();
 *     case CONCURRENT -> keepBothAsConflict();                            // then mine.merge(theirs).increment(myDevice)
 * }
 * }</pre>
 *
 * <p>A device is named by its <em>short id</em>: the first 8 bytes of its device id read as an
 * unsigned big-endian 64-bit number (a Java {@code long}, compared unsigned). Counters are
 * 1 to 2<sup>63</sup>-1; a device with no changes is absent, never listed with zero, so every
 * vector has exactly one form. At most {@value #MAX_ENTRIES} devices: every vector, including
 * the result of {@link #merge}, stays encodable.
 *
 * <h2>Encoding</h2>
 * Canonical: one byte string per vector, so it can be signed as part of a record.
 * <pre>
 * +----------------+---------------------------+---------------------------+----
 * | count (varint) | device (u64 big-endian)   | counter (varint)          | ... count entries
 * +----------------+---------------------------+---------------------------+----
 * </pre>
 * Varints are unsigned LEB128 (7 bits per byte, least significant first, high bit = more),
 * minimal length, at most 9 bytes (63 bits). Entries are sorted by device, strictly increasing
 * (unsigned). {@code {0x0a=1, 0xff00000000000000=300}} encodes as
 * {@code 02 | 00 00 00 00 00 00 00 0a 01 | ff 00 00 00 00 00 00 00 ac 02}. The decoder checks
 * the count against {@link #MAX_ENTRIES} and against the bytes left before it allocates, and
 * rejects non-minimal varints, zero counters, unsorted or duplicate devices and, for
 * {@link #decode(byte[])}, trailing bytes.
 */
public final class VersionVector {
    /** Most devices in one vector: bounds a decoded vector to two 8 KiB arrays and 17 KiB on the wire. */
    public static final int MAX_ENTRIES = 1024;
    /** Smallest encoded entry, in bytes: an 8-byte device and a 1-byte counter. */
    static final int MIN_ENTRY_BYTES = 9;
    private static final int MAX_VARINT_BYTES = 9;

    /** How two vectors relate. */
    public enum Ordering {
        /** The same vector. */
        EQUAL,
        /** This one has seen everything the other has, and more: it descends from it. */
        GREATER,
        /** The other has seen everything this one has, and more. */
        LESSER,
        /** Each has changes the other has not seen: a conflict. */
        CONCURRENT
    }

    private static final VersionVector EMPTY = new VersionVector(new long[0], new long[0]);

    private final long[] devices; // strictly increasing, unsigned
    private final long[] counters; // each > 0

    private VersionVector(long[] devices, long[] counters) {
        this.devices = devices;
        this.counters = counters;
    }

    /** The vector of a file no device has changed. */
    public static VersionVector empty() {
        return EMPTY;
    }

    /**
     * The vector with these counters.
     *
     * @throws IllegalArgumentException if a counter is not positive or there are more than
     *     {@value #MAX_ENTRIES} entries
     */
    public static VersionVector of(Map<Long, Long> counters) {
        if (counters.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("more than " + MAX_ENTRIES + " devices: " + counters.size());
        }
        TreeMap<Long, Long> sorted = new TreeMap<>(Long::compareUnsigned);
        sorted.putAll(counters);
        long[] d = new long[sorted.size()];
        long[] c = new long[sorted.size()];
        int i = 0;
        for (Map.Entry<Long, Long> e : sorted.entrySet()) {
            if (e.getValue() <= 0) {
                throw new IllegalArgumentException("counter of device " + hex(e.getKey()) + " must be positive, was "
                        + e.getValue());
            }
            d[i] = e.getKey();
            c[i++] = e.getValue();
        }
        return new VersionVector(d, c);
    }

    /** The counter of {@code device}, 0 if it never changed the file. */
    public long counter(long device) {
        int i = indexOf(device);
        return i >= 0 ? counters[i] : 0;
    }

    /** The number of devices with a counter. */
    public int size() {
        return devices.length;
    }

    /** Whether no device has a counter. */
    public boolean isEmpty() {
        return devices.length == 0;
    }

    /** The counters by device, in encoding order (unsigned device id). */
    public Map<Long, Long> toMap() {
        Map<Long, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < devices.length; i++) {
            m.put(devices[i], counters[i]);
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * This vector with {@code device}'s counter one higher: the version of a change made on
     * {@code device} on top of this one. The result is {@link Ordering#GREATER} than this.
     *
     * @throws ArithmeticException if the counter is already {@link Long#MAX_VALUE}
     * @throws IllegalStateException if {@code device} is new and the vector is full
     */
    public VersionVector increment(long device) {
        int i = indexOf(device);
        if (i >= 0) {
            long[] c = counters.clone();
            c[i] = Math.addExact(c[i], 1);
            return new VersionVector(devices, c);
        }
        if (devices.length == MAX_ENTRIES) {
            throw new IllegalStateException("version vector already has " + MAX_ENTRIES + " devices");
        }
        int at = -i - 1;
        long[] d = new long[devices.length + 1];
        long[] c = new long[devices.length + 1];
        System.arraycopy(devices, 0, d, 0, at);
        System.arraycopy(counters, 0, c, 0, at);
        d[at] = device;
        c[at] = 1;
        System.arraycopy(devices, at, d, at + 1, devices.length - at);
        System.arraycopy(counters, at, c, at + 1, devices.length - at);
        return new VersionVector(d, c);
    }

    /**
     * The pointwise maximum: the least vector that dominates both. Commutative, associative and
     * idempotent.
     *
     * @throws IllegalStateException if the union has more than {@value #MAX_ENTRIES} devices
     */
    public VersionVector merge(VersionVector other) {
        long[] d = new long[devices.length + other.devices.length];
        long[] c = new long[d.length];
        int n = 0;
        int i = 0;
        int j = 0;
        while (i < devices.length || j < other.devices.length) {
            int cmp = i == devices.length ? 1 : j == other.devices.length ? -1
                    : Long.compareUnsigned(devices[i], other.devices[j]);
            if (cmp < 0) {
                d[n] = devices[i];
                c[n++] = counters[i++];
            } else if (cmp > 0) {
                d[n] = other.devices[j];
                c[n++] = other.counters[j++];
            } else {
                d[n] = devices[i];
                c[n++] = Math.max(counters[i++], other.counters[j++]);
            }
        }
        if (n > MAX_ENTRIES) {
            throw new IllegalStateException("merged version vector would have " + n + " devices, more than "
                    + MAX_ENTRIES);
        }
        return new VersionVector(Arrays.copyOf(d, n), Arrays.copyOf(c, n));
    }

    /** How this vector relates to {@code other}. */
    public Ordering compare(VersionVector other) {
        boolean greater = false;
        boolean lesser = false;
        int i = 0;
        int j = 0;
        while (i < devices.length || j < other.devices.length) {
            int cmp = i == devices.length ? 1 : j == other.devices.length ? -1
                    : Long.compareUnsigned(devices[i], other.devices[j]);
            if (cmp < 0) {
                greater = true; // a device only this vector has (its counter is > 0)
                i++;
            } else if (cmp > 0) {
                lesser = true;
                j++;
            } else {
                greater |= counters[i] > other.counters[j];
                lesser |= counters[i] < other.counters[j];
                i++;
                j++;
            }
            if (greater && lesser) {
                return Ordering.CONCURRENT;
            }
        }
        return greater ? Ordering.GREATER : lesser ? Ordering.LESSER : Ordering.EQUAL;
    }

    /** Whether this vector has seen every change {@code other} has: {@link #compare} is GREATER or EQUAL. */
    public boolean dominates(VersionVector other) {
        Ordering o = compare(other);
        return o == Ordering.GREATER || o == Ordering.EQUAL;
    }

    // ---- codec ----

    /** The length of {@link #encode()}, in bytes. */
    public int encodedLength() {
        int n = varintLength(devices.length);
        for (long c : counters) {
            n += 8 + varintLength(c);
        }
        return n;
    }

    /** The canonical encoding (see the class comment). */
    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(encodedLength());
        encodeTo(out);
        return out.array();
    }

    /** Writes the canonical encoding at {@code out}'s position, big-endian whatever its byte order. */
    public void encodeTo(ByteBuffer out) {
        putVarint(out, devices.length);
        for (int i = 0; i < devices.length; i++) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.put((byte) (devices[i] >>> shift));
            }
            putVarint(out, counters[i]);
        }
    }

    /**
     * Decodes a vector that must fill {@code bytes} exactly.
     *
     * @throws MalformedVersionVectorException if the bytes are not one canonical vector
     */
    public static VersionVector decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        VersionVector v = decode(in);
        if (in.hasRemaining()) {
            throw new MalformedVersionVectorException(Reason.TRAILING_BYTES, in.position(),
                    in.remaining() + " bytes after the vector");
        }
        return v;
    }

    /**
     * Decodes one vector at {@code in}'s position and leaves the position just after it,
     * never reading beyond it; on failure the position is unchanged.
     *
     * @throws MalformedVersionVectorException if the bytes are not a canonical vector
     */
    public static VersionVector decode(ByteBuffer in) {
        ByteBuffer buf = in.duplicate();
        int start = buf.position();
        long count = getVarint(buf, start);
        if (count > MAX_ENTRIES) {
            throw new MalformedVersionVectorException(Reason.TOO_MANY_ENTRIES, 0,
                    count + " entries, at most " + MAX_ENTRIES);
        }
        // Before allocating: the claimed entries must fit in what is left.
        if (count * MIN_ENTRY_BYTES > buf.remaining()) {
            throw new MalformedVersionVectorException(Reason.TRUNCATED, buf.position() - start,
                    count + " entries need at least " + count * MIN_ENTRY_BYTES + " bytes, " + buf.remaining() + " left");
        }
        int n = (int) count;
        if (n == 0) {
            in.position(buf.position());
            return EMPTY;
        }
        long[] d = new long[n];
        long[] c = new long[n];
        for (int i = 0; i < n; i++) {
            int at = buf.position() - start;
            if (buf.remaining() < 8) {
                throw new MalformedVersionVectorException(Reason.TRUNCATED, at, "device id of entry " + i);
            }
            long device = 0;
            for (int k = 0; k < 8; k++) {
                device = device << 8 | (buf.get() & 0xFF);
            }
            if (i > 0 && Long.compareUnsigned(d[i - 1], device) >= 0) {
                throw new MalformedVersionVectorException(Reason.UNSORTED, at,
                        "device " + hex(device) + " after " + hex(d[i - 1]));
            }
            int counterAt = buf.position() - start;
            long counter = getVarint(buf, start);
            if (counter == 0) {
                throw new MalformedVersionVectorException(Reason.ZERO_COUNTER, counterAt,
                        "counter of device " + hex(device));
            }
            d[i] = device;
            c[i] = counter;
        }
        in.position(buf.position());
        return new VersionVector(d, c);
    }

    private static long getVarint(ByteBuffer buf, int start) {
        int at = buf.position() - start;
        long value = 0;
        for (int i = 0; i < MAX_VARINT_BYTES; i++) {
            if (!buf.hasRemaining()) {
                throw new MalformedVersionVectorException(Reason.TRUNCATED, buf.position() - start, "inside a varint");
            }
            int b = buf.get() & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new MalformedVersionVectorException(Reason.BAD_VARINT, at, "varint not minimal");
                }
                return value;
            }
        }
        throw new MalformedVersionVectorException(Reason.BAD_VARINT, at, "varint longer than 63 bits");
    }

    private static void putVarint(ByteBuffer out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.put((byte) value);
    }

    private static int varintLength(long value) {
        int n = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            n++;
        }
        return n;
    }

    private int indexOf(long device) {
        int lo = 0;
        int hi = devices.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int cmp = Long.compareUnsigned(devices[mid], device);
            if (cmp < 0) {
                lo = mid + 1;
            } else if (cmp > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    private static String hex(long device) {
        return String.format("%016x", device);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionVector v && Arrays.equals(devices, v.devices) && Arrays.equals(counters, v.counters);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(devices) + Arrays.hashCode(counters);
    }

    /** Entries in encoding order, devices as 16 hex digits: {@code {000000000000000a=1, ff00000000000000=300}}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < devices.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(hex(devices[i])).append('=').append(counters[i]);
        }
        return b.append('}').toString();
    }
}
