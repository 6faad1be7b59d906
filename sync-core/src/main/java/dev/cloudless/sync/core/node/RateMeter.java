package dev.cloudless.sync.core.node;

/** A byte rate over a sliding window of one-second slots, for status displays. Thread-safe. */
final class RateMeter {
    private static final int SLOTS = 4;
    private final long[] bytes = new long[SLOTS];
    private final long[] second = new long[SLOTS];

    synchronized void add(long n) {
        long now = System.nanoTime() / 1_000_000_000L;
        int i = (int) (now % SLOTS);
        if (second[i] != now) {
            second[i] = now;
            bytes[i] = 0;
        }
        bytes[i] += n;
    }

    /** Bytes per second over the last complete seconds. */
    synchronized long rate() {
        long now = System.nanoTime() / 1_000_000_000L;
        long sum = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (second[i] < now && second[i] >= now - (SLOTS - 1)) {
                sum += bytes[i];
            }
        }
        return sum / (SLOTS - 1);
    }
}
