package dev.cloudless.sync.core.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.path.FolderPath;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Debounce timing on a fake clock: milliseconds written as nanoseconds via {@link #ms}. */
class DebouncerTest {
    private static final long QUIET = ms(150);
    private static final long MAX = ms(1000);

    private static long ms(long millis) {
        return millis * 1_000_000L;
    }

    private static FolderPath p(String s) {
        return FolderPath.parse(s);
    }

    @Test
    void emptyIsNeverDue() {
        Debouncer d = new Debouncer(QUIET, MAX, 10);
        assertTrue(d.isEmpty());
        assertFalse(d.isDue(ms(5000)));
        assertEquals(Long.MAX_VALUE, d.nanosUntilDue(0));
    }

    @Test
    void dueAfterQuietPeriodWithDistinctSortedPaths() {
        Debouncer d = new Debouncer(QUIET, MAX, 10);
        d.add(p("b"), ms(0));
        d.add(p("a"), ms(10));
        d.add(p("b"), ms(20));
        assertFalse(d.isDue(ms(169)));
        assertEquals(ms(1), d.nanosUntilDue(ms(169)));
        assertTrue(d.isDue(ms(170)));
        Debouncer.Batch batch = d.drain();
        assertEquals(List.of(p("a"), p("b")), List.copyOf(batch.paths()));
        assertNull(batch.rescanReason());
        assertTrue(d.isEmpty());
    }

    @Test
    void continuousChangesAreDueAtMaxDelay() {
        Debouncer d = new Debouncer(QUIET, MAX, 10);
        for (long t = 0; t < 1000; t += 100) {
            d.add(p("log"), ms(t));
            assertFalse(d.isDue(ms(t)), "at " + t);
        }
        assertEquals(0, d.nanosUntilDue(ms(1000)));
        assertTrue(d.isDue(ms(1000)));
        d.drain();
        // The next batch's clock starts at its first change.
        d.add(p("log"), ms(1010));
        assertFalse(d.isDue(ms(1100)));
        assertTrue(d.isDue(ms(1160)));
    }

    @Test
    void timingSurvivesNanoTimeWrapAround() {
        Debouncer d = new Debouncer(QUIET, MAX, 10);
        long start = Long.MAX_VALUE - ms(50);
        d.add(p("x"), start);
        assertFalse(d.isDue(start + ms(100)));
        assertTrue(d.isDue(start + ms(150)));
    }

    @Test
    void rescanSupersedesPathsAndKeepsFirstReason() {
        Debouncer d = new Debouncer(QUIET, MAX, 10);
        d.add(p("a"), 0);
        d.requestRescan("overflow", ms(10));
        d.requestRescan("later", ms(20));
        d.add(p("b"), ms(30));
        assertFalse(d.isDue(ms(100)), "a rescan waits for the burst to end too");
        Debouncer.Batch batch = d.drain();
        assertTrue(batch.isRescan());
        assertEquals("overflow", batch.rescanReason());
        assertTrue(batch.paths().isEmpty());
    }

    @Test
    void tooManyPathsBecomeARescan() {
        Debouncer d = new Debouncer(QUIET, MAX, 3);
        for (String s : List.of("a", "b", "c")) {
            d.add(p(s), 0);
        }
        d.add(p("a"), 0); // duplicates do not count
        assertFalse(d.drain().isRescan());
        for (String s : List.of("a", "b", "c", "d")) {
            d.add(p(s), 0);
        }
        Debouncer.Batch batch = d.drain();
        assertTrue(batch.isRescan(), batch.toString());
        assertTrue(batch.paths().isEmpty());
    }

    @Test
    void rejectsInconsistentSettings() {
        assertThrows(IllegalArgumentException.class, () -> new Debouncer(0, MAX, 1));
        assertThrows(IllegalArgumentException.class, () -> new Debouncer(MAX, QUIET, 1));
        assertThrows(IllegalArgumentException.class, () -> new Debouncer(QUIET, MAX, 0));
    }
}
