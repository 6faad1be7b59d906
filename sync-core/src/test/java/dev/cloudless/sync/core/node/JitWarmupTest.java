package dev.cloudless.sync.core.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JitWarmupTest {
    @Test
    void everyRoundSealsOpensAndHashesConsistently() throws Exception {
        // Each round opens what it sealed (heap and direct input alternately): a mismatch throws.
        long first = JitWarmup.run(40, 97);
        assertEquals(first, JitWarmup.run(40, 97), "deterministic: same inputs, same results");
    }

    @Test
    void thePropertyTurnsItOff() {
        String before = System.getProperty(JitWarmup.PROPERTY);
        try {
            System.clearProperty(JitWarmup.PROPERTY);
            assertTrue(JitWarmup.enabled());
            System.setProperty(JitWarmup.PROPERTY, "false");
            assertFalse(JitWarmup.enabled());
        } finally {
            if (before == null) {
                System.clearProperty(JitWarmup.PROPERTY);
            } else {
                System.setProperty(JitWarmup.PROPERTY, before);
            }
        }
    }
}
