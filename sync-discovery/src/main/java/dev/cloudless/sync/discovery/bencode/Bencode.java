package dev.cloudless.sync.discovery.bencode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bencoding (BEP 3) with hard limits, for hostile input: the DHT's datagrams and trackers' HTTP
 * responses. Internal to the discovery module (public only because its users live in sibling
 * packages).
 *
 * <p>Values are {@link Long} (integers), {@code byte[]} (byte strings), {@link List} and
 * {@link Map}. Dictionary keys are byte strings held as ISO-8859-1 {@link String}s: that mapping
 * is one byte to one char, so it is lossless, and the natural order of such strings is the raw
 * byte order bencoding sorts keys by. The decoder rejects non-canonical integers, duplicate keys,
 * trailing bytes and anything beyond the caller's {@link Limits}; it accepts unsorted keys, which
 * some clients send. Every length is checked against the remaining input before anything is
 * allocated, so memory stays proportional to the input.
 */
public final class Bencode {
    /** Most digits in an integer: a long has 19. */
    private static final int MAX_INT_DIGITS = 19;

    /**
     * What one input may hold.
     *
     * @param maxInputBytes longest input accepted, in bytes
     * @param maxDepth deepest nesting of lists and dictionaries
     * @param maxValues most values of any kind, at any depth
     */
    public record Limits(int maxInputBytes, int maxDepth, int maxValues) {
        /** Rejects non-positive limits. */
        public Limits {
            if (maxInputBytes < 1 || maxDepth < 1 || maxValues < 1) {
                throw new IllegalArgumentException("bencode limits must be positive: " + maxInputBytes + ", "
                        + maxDepth + ", " + maxValues);
            }
        }
    }

    private Bencode() {
    }

    /** Decodes exactly one value filling {@code data[offset, offset+length)}. */
    public static Object decode(byte[] data, int offset, int length, Limits limits) throws BencodeException {
        if (length > limits.maxInputBytes()) {
            throw new BencodeException("input of " + length + " bytes exceeds " + limits.maxInputBytes());
        }
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IllegalArgumentException("bad range");
        }
        Decoder d = new Decoder(data, offset, offset + length, limits);
        Object v = d.value(0);
        if (d.pos != d.end) {
            throw new BencodeException((d.end - d.pos) + " trailing bytes");
        }
        return v;
    }

    /** Decodes exactly one value filling {@code data}. */
    public static Object decode(byte[] data, Limits limits) throws BencodeException {
        return decode(data, 0, data.length, limits);
    }

    /** Encodes a value made of the types above (and ASCII {@code String}s); dictionary keys are written sorted. */
    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        write(out, value);
        return out.toByteArray();
    }

    /** The ISO-8859-1 key form of a byte string. */
    public static String key(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    private static void write(ByteArrayOutputStream out, Object v) {
        if (v instanceof byte[] b) {
            writeAscii(out, Integer.toString(b.length));
            out.write(':');
            out.write(b, 0, b.length);
        } else if (v instanceof String s) { // convenience for ASCII literals
            write(out, s.getBytes(StandardCharsets.ISO_8859_1));
        } else if (v instanceof Long || v instanceof Integer) {
            out.write('i');
            writeAscii(out, v.toString());
            out.write('e');
        } else if (v instanceof List<?> list) {
            out.write('l');
            for (Object e : list) {
                write(out, e);
            }
            out.write('e');
        } else if (v instanceof Map<?, ?> map) {
            out.write('d');
            TreeMap<String, Object> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sorted.put((String) e.getKey(), e.getValue());
            }
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                write(out, e.getKey());
                write(out, e.getValue());
            }
            out.write('e');
        } else {
            throw new IllegalArgumentException("not bencodable: " + (v == null ? "null" : v.getClass()));
        }
    }

    private static void writeAscii(ByteArrayOutputStream out, String s) {
        for (int i = 0; i < s.length(); i++) {
            out.write(s.charAt(i));
        }
    }

    private static final class Decoder {
        private final byte[] data;
        private final int end;
        private final Limits limits;
        private int pos;
        private int values;

        Decoder(byte[] data, int pos, int end, Limits limits) {
            this.limits = limits;
            this.data = data;
            this.pos = pos;
            this.end = end;
        }

        Object value(int depth) throws BencodeException {
            if (++values > limits.maxValues()) {
                throw new BencodeException("more than " + limits.maxValues() + " values");
            }
            int c = peek();
            switch (c) {
                case 'i' -> {
                    pos++;
                    long v = integer('e');
                    return v;
                }
                case 'l' -> {
                    enter(depth);
                    pos++;
                    List<Object> list = new ArrayList<>();
                    while (peek() != 'e') {
                        list.add(value(depth + 1));
                    }
                    pos++;
                    return Collections.unmodifiableList(list);
                }
                case 'd' -> {
                    enter(depth);
                    pos++;
                    Map<String, Object> map = new TreeMap<>();
                    while (peek() != 'e') {
                        if (peek() < '0' || peek() > '9') {
                            throw new BencodeException("dictionary key is not a byte string");
                        }
                        values++;
                        String k = key(string());
                        if (map.put(k, value(depth + 1)) != null) {
                            throw new BencodeException("duplicate key");
                        }
                    }
                    pos++;
                    return Collections.unmodifiableMap(map);
                }
                default -> {
                    if (c >= '0' && c <= '9') {
                        return string();
                    }
                    throw new BencodeException("unexpected byte " + c + " at " + pos);
                }
            }
        }

        private void enter(int depth) throws BencodeException {
            if (depth >= limits.maxDepth()) {
                throw new BencodeException("nesting deeper than " + limits.maxDepth());
            }
        }

        private int peek() throws BencodeException {
            if (pos >= end) {
                throw new BencodeException("truncated");
            }
            return data[pos] & 0xff;
        }

        private byte[] string() throws BencodeException {
            long len = integer(':');
            if (len < 0 || len > end - pos) { // validated before allocation
                throw new BencodeException("string length " + len + " exceeds the remaining " + (end - pos));
            }
            byte[] s = new byte[(int) len];
            System.arraycopy(data, pos, s, 0, s.length);
            pos += s.length;
            return s;
        }

        /** Canonical decimal up to {@code terminator}: no leading zeros, no "-0", no empty. */
        private long integer(char terminator) throws BencodeException {
            int start = pos;
            boolean negative = peek() == '-';
            if (negative) {
                if (terminator == ':') {
                    throw new BencodeException("negative length");
                }
                pos++;
            }
            int digitsStart = pos;
            long v = 0;
            while (peek() != terminator) {
                int c = peek();
                if (c < '0' || c > '9' || pos - digitsStart >= MAX_INT_DIGITS) {
                    throw new BencodeException("bad integer at " + start);
                }
                try {
                    v = Math.subtractExact(Math.multiplyExact(v, 10), c - '0'); // negative: reaches Long.MIN_VALUE
                } catch (ArithmeticException overflow) {
                    throw new BencodeException("integer out of range at " + start);
                }
                pos++;
            }
            int digits = pos - digitsStart;
            if (digits == 0 || (digits > 1 && data[digitsStart] == '0') || (negative && v == 0)) {
                throw new BencodeException("non-canonical integer at " + start);
            }
            pos++; // terminator
            if (!negative && v == Long.MIN_VALUE) {
                throw new BencodeException("integer out of range at " + start);
            }
            return negative ? v : -v;
        }
    }
}
