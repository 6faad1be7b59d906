package dev.cloudless.sync.transport.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The window arithmetic of {@link Ledbat}, driven by hand-made delay samples and acks. */
class LedbatTest {
    static final int PACKET = 1420;
    static final int MAX_WINDOW = 512 * PACKET;
    static final long BASE_SAMPLE = 1_000_000; // any clock offset: only differences matter
    static final long MS = 1_000;

    /** A controller out of slow start with a large window, as a bulk flow that has been running. */
    private static Ledbat settled(long now) {
        Ledbat cc = new Ledbat(PACKET, 4 * PACKET, MAX_WINDOW);
        cc.addDelaySample(BASE_SAMPLE, now);
        // Slow start up to the maximum window while the queue stays empty.
        for (int i = 0; i < 1000 && cc.window() < MAX_WINDOW; i++) {
            cc.windowFull(now);
            cc.onAck(PACKET, now);
        }
        cc.onLoss(); // leaves slow start at half the window
        assertFalse(cc.inSlowStart());
        return cc;
    }

    /** Feeds one window's worth of acks at queuing delay {@code delayMicros}; returns the window after. */
    private static int oneRoundTrip(Ledbat cc, long delayMicros, long now) {
        for (int i = 0; i < Ledbat.CURRENT_DELAY_SAMPLES; i++) {
            cc.addDelaySample(BASE_SAMPLE + delayMicros, now);
        }
        int acked = 0;
        int window = cc.window();
        while (acked < window) {
            cc.windowFull(now);
            cc.onAck(PACKET, now);
            acked += PACKET;
        }
        return cc.window();
    }

    @Test
    void farAboveTheTargetTheWindowShrinksByUpToHalfPerRoundTrip() {
        long now = 0;
        Ledbat cc = settled(now);
        int before = cc.window();
        int after = oneRoundTrip(cc, 3 * Ledbat.TARGET_DELAY_MICROS, now);
        // At most halved per round trip, applied ack by ack: the window ends between 1/e^0.5 and 1/2 of where it was (less the linear term).
        assertTrue(after < 0.65 * before, before + " -> " + after);
        assertTrue(after > 0.45 * before, before + " -> " + after);
        // A queue that stays far above the target drives it to one packet within a few dozen round trips.
        for (int rtt = 0; rtt < 30; rtt++) {
            oneRoundTrip(cc, 3 * Ledbat.TARGET_DELAY_MICROS, now);
        }
        assertEquals(PACKET, cc.window());
    }

    @Test
    void slightlyAboveTheTargetTheDecreaseIsProportional() {
        long now = 0;
        Ledbat cc = settled(now);
        int before = cc.window();
        int after = oneRoundTrip(cc, Ledbat.TARGET_DELAY_MICROS + 10 * MS, now); // 10% over
        double shrink = 1 - after / (double) before;
        assertTrue(shrink > 0.05 && shrink < 0.15, before + " -> " + after);
    }

    @Test
    void belowTheTargetTheWindowGrowsByAtMostTheLinearGain() {
        long now = 0;
        Ledbat cc = settled(now);
        int before = cc.window();
        int after = oneRoundTrip(cc, Ledbat.TARGET_DELAY_MICROS / 2, now);
        assertTrue(after > before, before + " -> " + after);
        assertTrue(after - before <= Ledbat.MAX_CWND_INCREASE_BYTES_PER_RTT / 2 + 1, before + " -> " + after);
    }
}
