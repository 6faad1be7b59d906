package dev.cloudless.sync;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * A peer connected for one folder.
 *
 * @param deviceId the peer's device id, proven by its device key during the handshake
 * @param name the device name the peer announced (unverified, for display)
 * @param address the peer's address
 * @param transport the transport carrying the session, such as {@code "tcp"}
 * @param readOnly whether the peer holds only a read-only key for this folder
 * @param connectedAt when the session was established
 * @param bytesIn block data received from this peer so far
 * @param bytesOut block data sent to this peer so far
 * @param rateIn recent receive rate of block data, bytes per second
 * @param rateOut recent send rate of block data, bytes per second
 */
public record PeerInfo(DeviceId deviceId, String name, InetSocketAddress address, String transport, boolean readOnly,
                       Instant connectedAt, long bytesIn, long bytesOut, long rateIn, long rateOut) {
    /** Checks for nulls. */
    public PeerInfo {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(connectedAt, "connectedAt");
    }
}
