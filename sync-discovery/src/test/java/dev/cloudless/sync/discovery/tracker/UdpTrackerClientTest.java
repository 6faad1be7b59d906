package dev.cloudless.sync.discovery.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The BEP 15 client against a tracker on loopback that misbehaves on purpose: it drops the first
 * request (the client must retransmit), answers with a stale transaction id first (ignored),
 * and the client must reuse its connection id for the next announce.
 */
class UdpTrackerClientTest {
    private static final byte[] HASH = new byte[20];
    private static final byte[] PEER = new byte[20];

    @Test
    void retransmitsIgnoresStaleRepliesAndReusesTheConnectionId() throws Exception {
        List<Integer> actions = new CopyOnWriteArrayList<>();
        try (DatagramSocket tracker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> serve(tracker, actions));
            t.setDaemon(true);
            t.start();
            UdpTrackerClient c = new UdpTrackerClient("127.0.0.1", tracker.getLocalPort(), new SecureRandom(), 200, 3);
            long start = System.nanoTime();
            AnnounceResult r = c.announce(HASH, PEER, 4321, UdpMessages.EVENT_STARTED, false);
            assertTrue(System.nanoTime() - start >= 190_000_000L, "the dropped request was retransmitted after the timeout");
            assertEquals(List.of(new InetSocketAddress("10.1.2.3", 4000)), r.peers());
            assertEquals(1200, r.intervalSeconds());
            c.announce(HASH, PEER, 4321, UdpMessages.EVENT_NONE, false);
            // connect (dropped), connect, announce, announce: the second announce reused the id.
            assertEquals(List.of(0, 0, 1, 1), actions);
        }
    }

    @Test
    void givesUpAfterTheBoundedAttempts() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            UdpTrackerClient c = new UdpTrackerClient("127.0.0.1", silent.getLocalPort(), new SecureRandom(), 50, 3);
            long start = System.nanoTime();
            assertThrows(TrackerException.class, () -> c.announce(HASH, PEER, 1, UdpMessages.EVENT_STARTED, false));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 340 && ms < 5_000, "50 + 100 + 200 ms of waiting, was " + ms);
            int received = 0;
            silent.setSoTimeout(100);
            try {
                while (received < 10) {
                    silent.receive(new DatagramPacket(new byte[100], 100));
                    received++;
                }
            } catch (java.net.SocketTimeoutException e) {
                // all read
            }
            assertEquals(3, received);
        }
    }

    private static void serve(DatagramSocket s, List<Integer> actions) {
        byte[] buf = new byte[200];
        long connectionId = 0x0123456789abcdefL;
        boolean dropped = false;
        try {
            while (actions.size() < 4) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                ByteBuffer in = ByteBuffer.wrap(buf, 0, p.getLength());
                long first = in.getLong();
                int action = in.getInt();
                int tx = in.getInt();
                actions.add(action);
                if (!dropped) {
                    dropped = true;
                    continue;
                }
                byte[] stale = ByteBuffer.allocate(16).putInt(action).putInt(tx + 1).putLong(99).array();
                s.send(new DatagramPacket(stale, stale.length, p.getSocketAddress()));
                byte[] reply;
                if (action == UdpMessages.ACTION_CONNECT && first == UdpMessages.PROTOCOL_ID) {
                    reply = ByteBuffer.allocate(16).putInt(0).putInt(tx).putLong(connectionId).array();
                } else if (action == UdpMessages.ACTION_ANNOUNCE && first == connectionId) {
                    reply = ByteBuffer.allocate(26).putInt(1).putInt(tx).putInt(1200).putInt(0).putInt(1)
                            .put(new byte[] {10, 1, 2, 3}).putShort((short) 4000).array();
                } else {
                    reply = ByteBuffer.allocate(12).putInt(3).putInt(tx).put("bad!".getBytes()).array();
                }
                s.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
            }
        } catch (java.io.IOException e) {
            // socket closed by the test
        }
    }
}
