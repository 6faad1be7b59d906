package dev.cloudless.sync.bench.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One synchronisation tool under benchmark: two endpoints, A and B, on loopback, each serving
 * one folder. The harness writes into A's folder and decides by itself (comparing B's tree with
 * what it wrote) when B has the data; a tool only has to run, say when it is idle and report
 * what it sent.
 *
 * <p>Life cycle: {@link #start} once, then any number of changes, {@link #stop} and
 * {@link #start} again (a restart keeps each endpoint's state), and {@link #close} at the end,
 * which must leave no process of the tool running, whatever happened before.
 */
public interface SyncTool extends AutoCloseable {
    /** The name the harness selects and prints, e.g. {@code syncthing-rescan}. */
    String name();

    /**
     * Starts both endpoints (again, after {@link #stop}) and returns once they are up and, where
     * the tool can tell, connected to each other.
     *
     * @param dirA A's folder, where the harness writes
     * @param dirB B's folder, which must come to equal A's
     * @param stateDir a directory the tool owns for configuration, databases and logs; kept
     *     across {@link #stop} / {@link #start}
     * @throws ToolUnavailableException if the tool cannot run here (not installed, exits at once)
     */
    void start(Path dirA, Path dirB, Path stateDir) throws IOException;

    /**
     * Tells the tool that a change has just landed in A's folder, right after the writer closed
     * it. A tool that watches its folder does nothing; one that syncs on request starts that
     * sync here (asynchronously: the harness measures until B has the data).
     */
    void changeLanded() throws IOException;

    /** Whether {@link #requestRescan} does anything. */
    boolean supportsRescan();

    /** Asks A to look at its folder now instead of waiting for its watcher or rescan timer. */
    void requestRescan(Path dirA) throws IOException;

    /**
     * Waits until both endpoints have nothing left to do: the tool's own notion of idle where it
     * has one, and its processes no longer using CPU.
     *
     * @return the {@link System#nanoTime} at which the tool became idle (not when that was noticed)
     *
     * @throws java.util.concurrent.TimeoutException if that does not happen within {@code timeout}
     */
    long awaitIdle(Duration timeout) throws IOException, java.util.concurrent.TimeoutException, InterruptedException;

    /** Bytes sent between A and B in both directions since the last {@link #resetBytesOnWire}. */
    long bytesOnWire() throws IOException;

    /** Starts a new count for {@link #bytesOnWire}. */
    void resetBytesOnWire() throws IOException;

    /** The highest VmHWM (peak resident set) of any single process of the tool seen so far, in bytes. */
    long peakRssBytes();

    /** Stops both endpoints, keeping their state for a later {@link #start}. */
    void stop() throws IOException;

    /** Stops everything the tool started; never throws. */
    @Override
    void close();
}
