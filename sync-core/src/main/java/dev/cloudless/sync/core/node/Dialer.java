package dev.cloudless.sync.core.node;

import dev.cloudless.sync.DeviceId;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a folder's known peer addresses connected: dials each, and after a failure or a
 * disconnect dials again with exponential back-off (1 s doubling to 60 s). A host name is
 * resolved again on every attempt. An address whose device is already connected by another
 * session is not dialled.
 *
 * <p>Configured known hosts stay until the folder stops; addresses added by discovery
 * ({@link #addDiscovered}) are dropped again by {@link #removeDiscovered} when they expire.
 */
final class Dialer {
    static final long MIN_BACKOFF_MILLIS = 1_000;
    static final long MAX_BACKOFF_MILLIS = 60_000;

    private final EngineNode node;
    private final FolderRunner folder;
    private final Map<InetSocketAddress, Target> targets = new HashMap<>();
    private boolean closed;

    private static final class Target {
        boolean discovered;
        boolean busy;
        int failures;
        DeviceId device;
        ScheduledFuture<?> timer;
    }

    Dialer(EngineNode node, FolderRunner folder) {
        this.node = node;
        this.folder = folder;
    }

    synchronized void add(InetSocketAddress address) {
        if (closed) {
            return;
        }
        Target known = targets.get(address);
        if (known != null) {
            known.discovered = false; // configured now: it no longer expires
            return;
        }
        targets.put(address, new Target());
        dial(address);
    }

    /**
     * Dials an address a discovery method reported, unless it is already a target; {@code device}
     * (nullable) is who the method says is there, so the address is skipped while that device
     * is connected.
     */
    synchronized void addDiscovered(InetSocketAddress address, DeviceId device) {
        if (closed) {
            return;
        }
        Target known = targets.get(address);
        if (known != null) {
            if (known.device == null) {
                known.device = device;
            }
            return;
        }
        Target t = new Target();
        t.discovered = true;
        t.device = device;
        targets.put(address, t);
        dial(address);
    }

    /** Stops dialling an address added by discovery (a configured known host stays); a live session is kept. */
    synchronized void removeDiscovered(InetSocketAddress address) {
        Target t = targets.get(address);
        if (t != null && t.discovered) {
            targets.remove(address);
            if (t.timer != null) {
                t.timer.cancel(false);
            }
        }
    }

    /** The device last connected at (or reported for) {@code address}, or null. */
    synchronized DeviceId deviceAt(InetSocketAddress address) {
        Target t = targets.get(address);
        return t == null ? null : t.device;
    }

    /** Whether {@code address} is a target (configured or discovered). */
    synchronized boolean isTarget(InetSocketAddress address) {
        return targets.containsKey(address);
    }

    private synchronized void dial(InetSocketAddress address) {
        Target t = targets.get(address);
        if (closed || t == null || t.busy) {
            return;
        }
        if (t.device != null && folder.hasSession(t.device)) {
            schedule(address, t, MAX_BACKOFF_MILLIS);
            return;
        }
        t.busy = true;
        InetSocketAddress fresh = address.isUnresolved() || address.getHostString() != null
                ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
        node.connect(folder, fresh, address);
    }

    /** The dial of {@code address} failed before a session was established. */
    synchronized void failed(InetSocketAddress address) {
        retryLater(address);
    }

    synchronized void connected(InetSocketAddress address, DeviceId device) {
        Target t = targets.get(address);
        if (t != null) {
            t.failures = 0;
            t.device = device;
        }
    }

    /** The session dialled at {@code address} ended. */
    synchronized void disconnected(InetSocketAddress address) {
        retryLater(address);
    }

    private void retryLater(InetSocketAddress address) {
        Target t = targets.get(address);
        if (t == null) {
            return;
        }
        t.busy = false;
        t.failures++;
        schedule(address, t, backoff(t.failures));
    }

    private void schedule(InetSocketAddress address, Target t, long millis) {
        if (closed) {
            return;
        }
        if (t.timer != null) {
            t.timer.cancel(false);
        }
        t.timer = node.timer().schedule(() -> dial(address), millis, TimeUnit.MILLISECONDS);
    }

    private static long backoff(int failures) {
        return Math.min(MAX_BACKOFF_MILLIS, MIN_BACKOFF_MILLIS << Math.min(failures - 1, 16));
    }

    synchronized void close() {
        closed = true;
        for (Target t : targets.values()) {
            if (t.timer != null) {
                t.timer.cancel(false);
            }
        }
    }
}
