package dev.cloudless.sync.discovery.tracker;

/** Announces to one tracker. Implementations block the calling thread for a bounded time. */
interface TrackerClient extends AutoCloseable {
    /**
     * Announces {@code infoHash} with our {@code port}; {@code event} is one of the
     * {@code UdpMessages.EVENT_*} values; {@code quick} asks for a single short attempt (the
     * {@code stopped} announce on close).
     */
    AnnounceResult announce(byte[] infoHash, byte[] peerId, int port, int event, boolean quick) throws TrackerException;

    /** Aborts a blocked announce and releases resources. */
    @Override
    void close();
}
