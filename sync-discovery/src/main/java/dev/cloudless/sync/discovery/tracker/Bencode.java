package dev.cloudless.sync.discovery.tracker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict decoder of bencoded values (BEP 3): integers become {@link Long}, strings
 * {@code byte[]}, lists {@link List}, dictionaries {@link Map} with ISO-8859-1 keys. The input is
 * hostile: every string length is checked against the bytes left before anything is allocated,
 * nesting is bounded by {@link #MAX_DEPTH} and the number of values by {@link #MAX_VALUES}, so
 * memory stays proportional to the input. Anything malformed throws {@link TrackerException}.
 */
final class Bencode {
    /** Deepest nesting of lists and dictionaries accepted. */
    static final int MAX_DEPTH = 32;
    /** Most values (of any kind) in one input. */
    static final int MAX_VALUES = 100_000;
    /** Longest integer in digits (a long has at most 19, plus a sign). */
    private static final int MAX_INT_DIGITS = 19;

    private final byte[] in;
    private int pos;
    private int values;

    private Bencode(byte[] in) {
        this.in = in;
    }

    /** Decodes exactly one value spanning the whole input. */
    static Object decode(byte[] input) throws TrackerException {
        Bencode b = new Bencode(input);
        Object v = b.value(0);
        if (b.pos != input.length) {
            throw new TrackerException("bencode: " + (input.length - b.pos) + " bytes after the value");
        }
        return v;
    }

    private Object value(int depth) throws TrackerException {
        if (depth > MAX_DEPTH) {
            throw new TrackerException("bencode: nested deeper than " + MAX_DEPTH);
        }
        if (++values > MAX_VALUES) {
            throw new TrackerException("bencode: more than " + MAX_VALUES + " values");
        }
        int c = peek();
        switch (c) {
            case 'i': {
                pos++;
                long v = integer('e');
                return v;
            }
            case 'l': {
                pos++;
                List<Object> list = new ArrayList<>();
                while (peek() != 'e') {
                    list.add(value(depth + 1));
                }
                pos++;
                return list;
            }
            case 'd': {
                pos++;
                Map<String, Object> map = new LinkedHashMap<>();
                while (peek() != 'e') {
                    if (peek() < '0' || peek() > '9') {
                        throw new TrackerException("bencode: a dictionary key is not a string at " + pos);
                    }
                    String k = new String(string(), StandardCharsets.ISO_8859_1);
                    Object v = value(depth + 1);
                    if (map.put(k, v) != null) {
                        throw new TrackerException("bencode: duplicate key '" + k + "'");
                    }
                }
                pos++;
                return map;
            }
            default:
                if (c >= '0' && c <= '9') {
                    return string();
                }
                throw new TrackerException("bencode: unexpected byte " + c + " at " + pos);
        }
    }

    private int peek() throws TrackerException {
        if (pos >= in.length) {
            throw new TrackerException("bencode: truncated at " + pos);
        }
        return in[pos] & 0xff;
    }

    private byte[] string() throws TrackerException {
        long len = integer(':');
        if (len < 0 || len > in.length - pos) {
            throw new TrackerException("bencode: string of " + len + " bytes with " + (in.length - pos) + " left");
        }
        byte[] s = new byte[(int) len];
        System.arraycopy(in, pos, s, 0, s.length);
        pos += s.length;
        return s;
    }

    /** Digits up to {@code end}, consumed: no leading zeros, no "-0", at most 19 digits. */
    private long integer(char end) throws TrackerException {
        int start = pos;
        boolean negative = false;
        if (peek() == '-') {
            negative = true;
            pos++;
        }
        int digitsStart = pos;
        long v = 0;
        while (peek() != end) {
            int d = peek() - '0';
            if (d < 0 || d > 9 || pos - digitsStart >= MAX_INT_DIGITS) {
                throw new TrackerException("bencode: bad integer at " + start);
            }
            try {
                v = Math.subtractExact(Math.multiplyExact(v, 10), d); // negative, to reach Long.MIN_VALUE
            } catch (ArithmeticException e) {
                throw new TrackerException("bencode: integer out of range at " + start);
            }
            pos++;
        }
        int digits = pos - digitsStart;
        pos++; // the end marker
        if (digits == 0 || digits > 1 && in[digitsStart] == '0' || negative && (in[digitsStart] == '0' || end == ':')) {
            throw new TrackerException("bencode: bad integer at " + start);
        }
        if (negative) {
            return v;
        }
        if (v == Long.MIN_VALUE) {
            throw new TrackerException("bencode: integer out of range at " + start);
        }
        return -v;
    }
}
