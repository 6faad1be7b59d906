package dev.cloudless.sync;

/**
 * A registered event listener. Each subscription has its own bounded queue and delivery thread,
 * so a slow listener never blocks the engine: when its queue is full, further events for it are
 * dropped and counted.
 */
public interface Subscription extends AutoCloseable {
    /** Events dropped because this listener fell behind. */
    long dropped();

    /** Stops delivery; idempotent. */
    @Override
    void close();
}
