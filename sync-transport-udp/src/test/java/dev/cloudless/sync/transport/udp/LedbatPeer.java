package dev.cloudless.sync.transport.udp;

import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.StreamHandler;
import dev.cloudless.sync.spi.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One end of the bulk uTP transfer of {@link LedbatNamespaceTest}, run in its own JVM inside a
 * network namespace ({@code ip netns exec NS java -cp ... LedbatPeer ...}). Both ends report on
 * stdout with wall-clock timestamps (both namespaces share the host's clock), so the test can line
 * their samples up with iperf3's and ping's:
 *
 * <pre>
 * receive BIND_IP PORT        prints "listening", then "bytes EPOCH_MILLIS TOTAL_BYTES" every REPORT_MILLIS
 * send IP PORT SECONDS        writes as fast as the connection stays writable for SECONDS, then closes;
 *                             prints "cc EPOCH_MILLIS RTT_MICROS QDELAY_MICROS CWND_BYTES" every REPORT_MILLIS
 * </pre>
 */
public final class LedbatPeer {
    static final long REPORT_MILLIS = 250;
    static final int WRITE_BYTES = 256 << 10;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** After its time, the sender waits this long for the close to complete. */
    static final long CLOSE_WAIT_SECONDS = 10;
    /** The receiver gives up when no connection or no close comes within this long. */
    static final long RECEIVER_LIFETIME_SECONDS = 180;
    static final long WRITABLE_POLL_NANOS = 100_000;

    private LedbatPeer() {
    }

    public static void main(String[] args) throws Exception {
        int code = switch (args[0]) {
            case "receive" -> receive(args[1], Integer.parseInt(args[2]));
            case "send" -> send(args[1], Integer.parseInt(args[2]), Long.parseLong(args[3]));
            default -> throw new IllegalArgumentException("receive|send: " + args[0]);
        };
        System.out.flush();
        System.exit(code); // the transport's threads are daemons, but do not wait for a slow shutdown
    }

    private static int receive(String bindIp, int port) throws Exception {
        AtomicLong received = new AtomicLong();
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        try (Transport t = new UtpTransport()) {
            t.listen(new InetSocketAddress(InetAddress.getByName(bindIp), port), c -> c.start(new StreamHandler() {
                @Override
                public void onData(ByteBuffer data) {
                    received.addAndGet(data.remaining());
                }

                @Override
                public void onWritabilityChanged(boolean writable) {
                }

                @Override
                public void onClosed(Throwable cause) {
                    closed.complete(cause);
                }
            }));
            System.out.println("listening");
            System.out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RECEIVER_LIFETIME_SECONDS);
            while (!closed.isDone() && System.nanoTime() < deadline) {
                System.out.println("bytes " + System.currentTimeMillis() + " " + received.get());
                System.out.flush();
                try {
                    closed.get(REPORT_MILLIS, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // next report
                }
            }
            System.out.println("bytes " + System.currentTimeMillis() + " " + received.get());
            Throwable cause = closed.getNow(null);
            System.out.println(closed.isDone() && cause == null ? "closed" : "failed " + cause);
            return closed.isDone() && cause == null ? 0 : 1;
        }
    }

    private static int send(String ip, int port, long seconds) throws Exception {
        byte[] chunk = new byte[WRITE_BYTES];
        new SplittableRandom(port).nextBytes(chunk); // incompressible, though nothing here compresses
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        try (Transport t = new UtpTransport()) {
            StreamConnection c = t.connect(new InetSocketAddress(InetAddress.getByName(ip), port), CONNECT_TIMEOUT)
                    .get(CONNECT_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
            c.start(new StreamHandler() {
                @Override
                public void onData(ByteBuffer data) {
                }

                @Override
                public void onWritabilityChanged(boolean writable) {
                }

                @Override
                public void onClosed(Throwable cause) {
                    closed.complete(cause);
                }
            });
            UtpConnection utp = (UtpConnection) c;
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            long nextReport = start;
            while (System.nanoTime() < end && !closed.isDone()) {
                if (c.isWritable()) {
                    c.write(ByteBuffer.wrap(chunk)); // the connection copies payloads out, so one array serves all writes
                } else {
                    LockSupport.parkNanos(WRITABLE_POLL_NANOS);
                }
                if (System.nanoTime() >= nextReport) {
                    UtpConnection.CongestionSnapshot s = utp.congestionSnapshot();
                    System.out.println("cc " + System.currentTimeMillis() + " " + s.rttMicros() + " " + s.queuingDelayMicros()
                            + " " + s.windowBytes());
                    System.out.flush();
                    nextReport += TimeUnit.MILLISECONDS.toNanos(REPORT_MILLIS);
                }
            }
            System.out.println("stats " + utp.stats());
            c.close();
            Throwable cause = closed.get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            System.out.println(cause == null ? "closed" : "failed " + cause);
            return cause == null ? 0 : 1;
        }
    }
}
