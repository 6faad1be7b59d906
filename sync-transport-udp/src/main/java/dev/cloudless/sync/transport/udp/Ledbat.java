package dev.cloudless.sync.transport.udp;

/**
 * LEDBAT congestion control of one connection (BEP 29, as libutp does it): the window grows while
 * the one-way queuing delay our packets see stays below {@link #TARGET_DELAY_MICROS} and shrinks
 * when it goes above, so a bulk uTP flow yields to TCP and to interactive traffic on a shared
 * bottleneck. A slow start doubles the window each round trip until the delay reaches
 * {@link #SLOW_START_EXIT_FRACTION} of the target or a packet is lost. Above the target the
 * window also shrinks multiplicatively (see {@link #DECREASE_CONSTANT}), so a competing TCP flow
 * gets the link within a few round trips rather than tens of seconds.
 *
 * <p>Delay samples are the peer's "timestamp difference" field: its receive time minus our send
 * timestamp, in its clock minus ours. The clock offset cancels out against the base delay, the
 * smallest sample over the last {@link #BASE_HISTORY_MINUTES} minutes (one minimum per minute, so
 * an old minimum ages out and clock drift cannot pin the base forever).
 *
 * <p>Not thread-safe: the connection's event loop owns it.
 */
final class Ledbat {
    /** BEP 29's target queuing delay. */
    static final long TARGET_DELAY_MICROS = 100_000;
    /** Largest window growth per round trip when the delay is zero (libutp's figure; TCP grows one MSS). */
    static final double MAX_CWND_INCREASE_BYTES_PER_RTT = 3000;
    /** Minutes of base-delay history, one minimum per minute (libutp: 13). */
    static final int BASE_HISTORY_MINUTES = 13;
    static final long MINUTE_MICROS = 60_000_000L;
    /** Recent samples whose minimum is the current delay, filtering one-off spikes. */
    static final int CURRENT_DELAY_SAMPLES = 3;
    /** Slow start ends once the queuing delay passes this fraction of the target. */
    static final double SLOW_START_EXIT_FRACTION = 0.9;
    /** The window never grows without the sender having filled it within this long. */
    static final long WINDOW_USE_MICROS = 1_000_000;
    /**
     * Above the target the window also shrinks in proportion to itself: by this factor times
     * {@code (delay / target - 1)} of the window per round trip (LEDBAT++'s multiplicative
     * decrease). BEP 29's decrease alone is at most {@link #MAX_CWND_INCREASE_BYTES_PER_RTT} per
     * round trip, so a window of hundreds of KiB took tens of seconds to leave room for a TCP flow
     * (measured in LedbatNamespaceTest: TCP kept 62% of the link instead of 75%+).
     */
    static final double DECREASE_CONSTANT = 1.0;
    /** ... but by at most this fraction of the window per round trip, as one loss does. */
    static final double MAX_DECREASE_FRACTION_PER_RTT = 0.5;

    private final int minWindowBytes;
    private final int maxWindowBytes;
    private double window;
    private boolean slowStart = true;
    private double slowStartThreshold;

    private final long[] baseMinima = new long[BASE_HISTORY_MINUTES];
    private int baseCount;
    private int baseIndex;
    private long bucketStartMicros;
    private final long[] current = new long[CURRENT_DELAY_SAMPLES];
    private int currentCount;
    private int currentIndex;
    private long lastWindowFullMicros = Long.MIN_VALUE / 2;

    /**
     * @param minWindowBytes the smallest window: one full packet, so a connection always makes progress
     * @param initialWindowBytes the window before any ack
     * @param maxWindowBytes the largest window (the send ring's capacity)
     */
    Ledbat(int minWindowBytes, int initialWindowBytes, int maxWindowBytes) {
        this.minWindowBytes = minWindowBytes;
        this.maxWindowBytes = maxWindowBytes;
        this.window = initialWindowBytes;
        this.slowStartThreshold = maxWindowBytes;
    }

    /** The congestion window in bytes. */
    int window() {
        return (int) window;
    }

    boolean inSlowStart() {
        return slowStart;
    }

    /** The sender was limited by the window at {@code nowMicros} (so growth is earned). */
    void windowFull(long nowMicros) {
        lastWindowFullMicros = nowMicros;
    }

    /** Adds a timestamp-difference sample (unsigned 32-bit microseconds, wrapping) taken at {@code nowMicros}. */
    void addDelaySample(long sample, long nowMicros) {
        if (baseCount == 0) {
            baseMinima[0] = sample;
            baseCount = 1;
            baseIndex = 0;
            bucketStartMicros = nowMicros;
        } else if (nowMicros - bucketStartMicros >= MINUTE_MICROS) {
            bucketStartMicros = nowMicros;
            baseIndex = (baseIndex + 1) % BASE_HISTORY_MINUTES;
            baseCount = Math.min(baseCount + 1, BASE_HISTORY_MINUTES);
            baseMinima[baseIndex] = sample;
        } else if (lessU32(sample, baseMinima[baseIndex])) {
            baseMinima[baseIndex] = sample;
        }
        long delay = SeqNumbers.sub32(sample, baseDelay());
        current[currentIndex] = delay;
        currentIndex = (currentIndex + 1) % CURRENT_DELAY_SAMPLES;
        currentCount = Math.min(currentCount + 1, CURRENT_DELAY_SAMPLES);
    }

    /** The smallest sample in the history (wrapping 32-bit value). */
    long baseDelay() {
        long min = baseMinima[baseIndex];
        for (int i = 0; i < baseCount; i++) {
            if (lessU32(baseMinima[i], min)) {
                min = baseMinima[i];
            }
        }
        return min;
    }

    /** The current queuing delay estimate: the smallest of the last few samples above the base; 0 before any. */
    long queuingDelayMicros() {
        if (currentCount == 0) {
            return 0;
        }
        long min = Long.MAX_VALUE;
        for (int i = 0; i < currentCount; i++) {
            min = Math.min(min, current[i]);
        }
        return min;
    }

    /** {@code bytesAcked} newly acknowledged at {@code nowMicros}: grow or shrink the window. */
    void onAck(int bytesAcked, long nowMicros) {
        if (bytesAcked <= 0) {
            return;
        }
        long delay = queuingDelayMicros();
        double offTarget = TARGET_DELAY_MICROS - delay;
        double windowFactor = Math.min(bytesAcked, window) / Math.max(window, bytesAcked);
        double delayFactor = offTarget / TARGET_DELAY_MICROS;
        double gain = MAX_CWND_INCREASE_BYTES_PER_RTT * windowFactor * delayFactor;
        if (delay > TARGET_DELAY_MICROS) {
            // This ack's share of the round trip's multiplicative decrease.
            double fraction = Math.min(DECREASE_CONSTANT * (delay - TARGET_DELAY_MICROS) / TARGET_DELAY_MICROS,
                    MAX_DECREASE_FRACTION_PER_RTT);
            gain -= Math.min(bytesAcked, window) * fraction;
        }
        if (gain > 0 && nowMicros - lastWindowFullMicros > WINDOW_USE_MICROS) {
            gain = 0; // an application-limited sender has not shown the path can take more
        }
        double ledbatWindow = window + gain;
        if (slowStart) {
            double ssWindow = window + (gain > 0 || delay == 0 ? bytesAcked : 0);
            if (ssWindow > slowStartThreshold) {
                slowStart = false;
                window = ledbatWindow;
            } else if (delay > SLOW_START_EXIT_FRACTION * TARGET_DELAY_MICROS) {
                slowStart = false;
                slowStartThreshold = window;
                window = ledbatWindow;
            } else {
                window = Math.max(ssWindow, ledbatWindow);
            }
        } else {
            window = ledbatWindow;
        }
        clamp();
    }

    /** A packet was lost (fast retransmit): halve the window, leave slow start. */
    void onLoss() {
        slowStart = false;
        window = window / 2;
        slowStartThreshold = Math.max(window, minWindowBytes);
        clamp();
    }

    /** The retransmission timer fired: back to one packet, slow start up to half the old window. */
    void onTimeout() {
        slowStartThreshold = Math.max(window / 2, minWindowBytes);
        slowStart = true;
        window = minWindowBytes;
    }

    private void clamp() {
        window = Math.max(minWindowBytes, Math.min(maxWindowBytes, window));
    }

    /** Whether wrapping 32-bit {@code a} is below {@code b}. */
    static boolean lessU32(long a, long b) {
        return a != b && SeqNumbers.sub32(b, a) < 0x8000_0000L;
    }
}
