package dev.cloudless.sync.transport.udp;

/** Arithmetic on 16-bit uTP sequence numbers and 32-bit microsecond timestamps, with wrap-around. */
final class SeqNumbers {
    static final int SEQ_MASK = 0xFFFF;
    static final long U32_MASK = 0xFFFF_FFFFL;

    private SeqNumbers() {
    }

    /** {@code a + n} modulo 2^16. */
    static int add(int a, int n) {
        return (a + n) & SEQ_MASK;
    }

    /** Signed distance from {@code a} to {@code b} in -32768..32767: positive when {@code b} is after {@code a}. */
    static int distance(int a, int b) {
        return (short) (b - a);
    }

    /** Whether {@code a} comes before {@code b} (within half the sequence space). */
    static boolean before(int a, int b) {
        return distance(a, b) > 0;
    }

    /** {@code a - b} modulo 2^32, for microsecond timestamps. */
    static long sub32(long a, long b) {
        return (a - b) & U32_MASK;
    }
}
