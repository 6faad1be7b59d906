package dev.cloudless.sync.core.node;

import dev.cloudless.sync.Subscription;
import dev.cloudless.sync.SyncEvent;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans events out to subscribers without ever blocking the publisher: each subscription owns a
 * bounded queue and a daemon thread; a full queue drops the event for that subscriber only.
 */
final class EventBus implements AutoCloseable {
    /** Events a subscriber may lag behind before further events are dropped for it. */
    static final int QUEUE_CAPACITY = 16_384;
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

    private final List<Sub> subs = new CopyOnWriteArrayList<>();
    private final String threadName;

    EventBus(String threadName) {
        this.threadName = threadName;
    }

    void publish(SyncEvent event) {
        for (Sub s : subs) {
            s.offer(event);
        }
    }

    Subscription subscribe(Consumer<? super SyncEvent> listener) {
        Sub s = new Sub(Objects.requireNonNull(listener, "listener"));
        subs.add(s);
        s.thread.start();
        return s;
    }

    @Override
    public void close() {
        for (Sub s : subs) {
            s.close();
        }
    }

    private final class Sub implements Subscription, Runnable {
        private final Consumer<? super SyncEvent> listener;
        private final BlockingQueue<SyncEvent> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        private final AtomicLong dropped = new AtomicLong();
        private final Thread thread;
        private volatile boolean closed;

        Sub(Consumer<? super SyncEvent> listener) {
            this.listener = listener;
            this.thread = new Thread(this, threadName);
            thread.setDaemon(true);
        }

        void offer(SyncEvent e) {
            if (!closed && !queue.offer(e)) {
                dropped.incrementAndGet();
            }
        }

        @Override
        public void run() {
            while (!closed || !queue.isEmpty()) {
                SyncEvent e;
                try {
                    e = queue.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException ie) {
                    return;
                }
                if (e == null) {
                    continue;
                }
                try {
                    listener.accept(e);
                } catch (RuntimeException ex) {
                    LOG.warn("event listener threw on {}", e, ex);
                }
            }
        }

        @Override
        public long dropped() {
            return dropped.get();
        }

        @Override
        public void close() {
            closed = true;
            subs.remove(this);
        }
    }
}
