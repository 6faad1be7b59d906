package dev.cloudless.sync.discovery.tracker;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;

/**
 * A BEP 15 client for one {@code udp://host:port} tracker. The host is resolved on each
 * announce; a connection id is reused for {@link #CONNECTION_ID_LIFETIME_NANOS}; each request is
 * retransmitted after {@code 15 * 2^n} seconds, for at most {@code maxAttempts} attempts (BEP 15
 * allows 9, about an hour; we give up sooner and try again at the next scheduled announce).
 */
final class UdpTrackerClient implements TrackerClient {
    /** BEP 15: a connection id may be used for one minute after it was received. */
    static final long CONNECTION_ID_LIFETIME_NANOS = 60_000_000_000L;
    /** BEP 15's first timeout, milliseconds: 15 s, doubling per attempt. */
    static final long BASE_TIMEOUT_MILLIS = 15_000;
    /** Attempts per request: 15 + 30 + 60 + 120 s. */
    static final int MAX_ATTEMPTS = 4;
    /** The single attempt of a quick (stopped) announce, milliseconds. */
    static final long QUICK_TIMEOUT_MILLIS = 2_000;

    private final String host;
    private final int port;
    private final long baseTimeoutMillis;
    private final int maxAttempts;
    private final SecureRandom random;
    private final int key;
    private Long connectionId;
    private long connectionIdNanos;
    private volatile DatagramSocket socket;
    private volatile boolean closed;

    UdpTrackerClient(String host, int port, SecureRandom random) {
        this(host, port, random, BASE_TIMEOUT_MILLIS, MAX_ATTEMPTS);
    }

    /** With shorter timeouts, for tests. */
    UdpTrackerClient(String host, int port, SecureRandom random, long baseTimeoutMillis, int maxAttempts) {
        this.host = host;
        this.port = port;
        this.random = random;
        this.baseTimeoutMillis = baseTimeoutMillis;
        this.maxAttempts = maxAttempts;
        this.key = random.nextInt();
    }

    @Override
    public synchronized AnnounceResult announce(byte[] infoHash, byte[] peerId, int ourPort, int event, boolean quick)
            throws TrackerException {
        if (closed) {
            throw new TrackerException("closed");
        }
        InetSocketAddress tracker;
        try {
            tracker = new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (IOException e) {
            throw new TrackerException("cannot resolve " + host, e);
        }
        boolean ipv6 = tracker.getAddress() instanceof Inet6Address;
        try (DatagramSocket s = new DatagramSocket()) {
            socket = s;
            if (closed) {
                throw new TrackerException("closed");
            }
            s.connect(tracker);
            int attempts = quick ? 1 : maxAttempts;
            if (connectionId == null || System.nanoTime() - connectionIdNanos > CONNECTION_ID_LIFETIME_NANOS) {
                connectionId = null;
                int tx = random.nextInt();
                Long id = transact(s, UdpMessages.connectRequest(tx), attempts, quick,
                        (b, len) -> UdpMessages.connectResponse(b, len, tx));
                connectionId = id;
                connectionIdNanos = System.nanoTime();
            }
            int tx = random.nextInt();
            long cid = connectionId;
            return transact(s, UdpMessages.announceRequest(cid, tx, infoHash, peerId, event, key, ourPort), attempts,
                    quick, (b, len) -> UdpMessages.announceResponse(b, len, tx, ipv6));
        } catch (TrackerException e) {
            connectionId = null; // an error may mean the id expired on the tracker's side
            throw e;
        } catch (IOException e) {
            connectionId = null;
            throw new TrackerException("udp tracker " + host + ":" + port + ": " + e.getMessage(), e);
        } finally {
            socket = null;
        }
    }

    private interface Parser<T> {
        T parse(byte[] buf, int len) throws TrackerException;
    }

    /** Sends {@code request} and waits for the matching reply, retransmitting after 15·2^n s. */
    private <T> T transact(DatagramSocket s, byte[] request, int attempts, boolean quick, Parser<T> parser)
            throws IOException {
        byte[] buf = new byte[UdpMessages.MAX_DATAGRAM];
        for (int n = 0; n < attempts; n++) {
            s.send(new DatagramPacket(request, request.length));
            long timeout = quick ? Math.min(QUICK_TIMEOUT_MILLIS, baseTimeoutMillis) : baseTimeoutMillis << n;
            long deadline = System.nanoTime() + timeout * 1_000_000L;
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    break;
                }
                s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    break;
                }
                T r = parser.parse(buf, p.getLength());
                if (r != null) {
                    return r;
                }
                // not ours (stale transaction or garbage): keep waiting until the deadline
            }
        }
        throw new TrackerException("no reply from udp tracker " + host + ":" + port + " after " + attempts + " attempts");
    }

    @Override
    public void close() {
        closed = true;
        DatagramSocket s = socket;
        if (s != null) {
            s.close();
        }
    }
}
