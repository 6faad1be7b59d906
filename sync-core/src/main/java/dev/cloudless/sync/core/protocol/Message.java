package dev.cloudless.sync.core.protocol;

/**
 * One message of the sync protocol, exchanged inside an established session. Encode with
 * {@link MessageEncoder}, decode a byte stream with {@link MessageDecoder}; the wire format is
 * in {@link Messages}.
 */
public sealed interface Message permits Hello, IndexUpdate, BlockRequest, BlockResponse, Progress, Ping, Close,
        IndexDelta, IndexResend, PeerExchange {
}
