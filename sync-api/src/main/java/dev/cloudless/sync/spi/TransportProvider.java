package dev.cloudless.sync.spi;

/**
 * Creates a {@link Transport}; found with {@link java.util.ServiceLoader}.
 *
 * <p>A node creates one transport per provider on start and closes it on close.
 */
public interface TransportProvider {
    /** The name of the transports this provider creates, equal to {@link Transport#name()}. */
    String name();

    /** A new, independent transport. */
    Transport create();
}
