package dev.cloudless.sync.discovery.tracker;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The packets of the UDP tracker protocol (BEP 15), all big-endian. A reply whose action or
 * transaction id does not match is reported as {@code null} (a stray or stale datagram, to be
 * ignored); a matching reply that is too short, or an error reply (action 3), throws
 * {@link TrackerException} (Debian's opentracker answers a refused info-hash with a bare 8-byte
 * reply).
 */
final class UdpMessages {
    static final long PROTOCOL_ID = 0x41727101980L;
    static final int ACTION_CONNECT = 0;
    static final int ACTION_ANNOUNCE = 1;
    static final int ACTION_ERROR = 3;
    static final int EVENT_NONE = 0;
    static final int EVENT_STARTED = 2;
    static final int EVENT_STOPPED = 3;
    static final int CONNECT_REQUEST_LENGTH = 16;
    static final int CONNECT_RESPONSE_LENGTH = 16;
    static final int ANNOUNCE_REQUEST_LENGTH = 98;
    static final int ANNOUNCE_RESPONSE_HEADER = 20;
    /** Largest datagram read from a tracker: enough for {@link HttpResponses#MAX_PEERS} IPv6 peers. */
    static final int MAX_DATAGRAM = ANNOUNCE_RESPONSE_HEADER + 18 * HttpResponses.MAX_PEERS;
    private static final int MAX_ERROR_CHARS = 200;

    private UdpMessages() {
    }

    static byte[] connectRequest(int transactionId) {
        return ByteBuffer.allocate(CONNECT_REQUEST_LENGTH).putLong(PROTOCOL_ID).putInt(ACTION_CONNECT)
                .putInt(transactionId).array();
    }

    /** The connection id, or null if the datagram is not the reply to this transaction. */
    static Long connectResponse(byte[] buf, int len, int transactionId) throws TrackerException {
        if (!matches(buf, len, transactionId, ACTION_CONNECT)) {
            return null;
        }
        if (len < CONNECT_RESPONSE_LENGTH) {
            throw new TrackerException("connect reply of " + len + " bytes");
        }
        return ByteBuffer.wrap(buf, 8, 8).getLong();
    }

    static byte[] announceRequest(long connectionId, int transactionId, byte[] infoHash, byte[] peerId, int event,
                                  int key, int port) {
        return ByteBuffer.allocate(ANNOUNCE_REQUEST_LENGTH).putLong(connectionId).putInt(ACTION_ANNOUNCE)
                .putInt(transactionId).put(infoHash).put(peerId)
                .putLong(0).putLong(TrackerDiscovery.LEFT).putLong(0) // downloaded, left, uploaded
                .putInt(event).putInt(0).putInt(key).putInt(-1).putShort((short) port) // ip: the sender's, num_want: default
                .array();
    }

    /** The announce reply, or null if the datagram is not the reply to this transaction. */
    static AnnounceResult announceResponse(byte[] buf, int len, int transactionId, boolean ipv6) throws TrackerException {
        if (!matches(buf, len, transactionId, ACTION_ANNOUNCE)) {
            return null;
        }
        if (len < ANNOUNCE_RESPONSE_HEADER) {
            throw new TrackerException("announce reply of " + len + " bytes: refused");
        }
        long interval = ByteBuffer.wrap(buf, 8, 4).getInt() & 0xffffffffL;
        List<InetSocketAddress> peers = new ArrayList<>();
        int entry = ipv6 ? 18 : 6;
        int n = (len - ANNOUNCE_RESPONSE_HEADER) / entry * entry; // a ragged tail is ignored
        HttpResponses.compact(Arrays.copyOfRange(buf, ANNOUNCE_RESPONSE_HEADER, ANNOUNCE_RESPONSE_HEADER + n), entry, peers);
        return new AnnounceResult(interval, peers);
    }

    /**
     * Whether the datagram answers this transaction; an error reply (action 3) for it throws.
     * Anything shorter than action and transaction id cannot be attributed and is ignored.
     */
    private static boolean matches(byte[] buf, int len, int transactionId, int action) throws TrackerException {
        if (len < 8) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
        int a = b.getInt();
        if (b.getInt() != transactionId) {
            return false;
        }
        if (a == ACTION_ERROR) {
            String msg = new String(buf, 8, Math.min(len - 8, MAX_ERROR_CHARS), StandardCharsets.UTF_8);
            throw new TrackerException("tracker error: " + msg);
        }
        return a == action;
    }
}
