package dev.cloudless.sync.transport.udp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP proxy on loopback that impairs the path between one client and one server, because this
 * kernel has no netem: loss, duplication, reordering, delay, jitter and a rate limit with a
 * bounded queue (tail drop), each direction on its own. Clients send to {@link #address()}; the
 * first client address seen is the one replies go to.
 */
final class ImpairedUdpProxy implements AutoCloseable {
    /** How one direction of the path behaves. Rates are probabilities per datagram. */
    record Link(double loss, double duplicate, double reorder, long reorderExtraMicros,
                long delayMicros, long jitterMicros, long bytesPerSecond, long queueMicros) {
        static Link clean() {
            return new Link(0, 0, 0, 0, 0, 0, 0, 0);
        }
    }

    private static final int MAX_DATAGRAM_BYTES = 65_535;

    private final DatagramSocket front;
    private final DatagramSocket back;
    private final InetSocketAddress server;
    private volatile InetSocketAddress client;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong duplicated = new AtomicLong();
    final AtomicLong reordered = new AtomicLong();
    final AtomicLong forwarded = new AtomicLong();

    ImpairedUdpProxy(InetSocketAddress server, Link up, Link down, long seed) throws SocketException {
        this.server = server;
        this.front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.back = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        for (DatagramSocket s : List.of(front, back)) {
            s.setReceiveBufferSize(4 << 20);
            s.setSendBufferSize(4 << 20);
        }
        direction("up", front, back, up, new SplittableRandom(seed), true);
        direction("down", back, front, down, new SplittableRandom(seed + 1), false);
        threads.forEach(Thread::start);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    private static final class Scheduled implements Delayed {
        final long releaseNanos;
        final long order;
        final byte[] data;

        Scheduled(long releaseNanos, long order, byte[] data) {
            this.releaseNanos = releaseNanos;
            this.order = order;
            this.data = data;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(releaseNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            Scheduled s = (Scheduled) o;
            int c = Long.compare(releaseNanos, s.releaseNanos);
            return c != 0 ? c : Long.compare(order, s.order);
        }
    }

    private void direction(String name, DatagramSocket in, DatagramSocket out, Link link, SplittableRandom random, boolean up) {
        DelayQueue<Scheduled> queue = new DelayQueue<>();
        AtomicLong order = new AtomicLong();
        long[] linkFreeNanos = {0};
        Thread receiver = new Thread(() -> {
            byte[] buf = new byte[MAX_DATAGRAM_BYTES];
            while (!closed) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    in.receive(p);
                } catch (IOException e) {
                    return;
                }
                if (up && client == null) {
                    client = (InetSocketAddress) p.getSocketAddress();
                }
                byte[] data = java.util.Arrays.copyOf(p.getData(), p.getLength());
                if (random.nextDouble() < link.loss()) {
                    dropped.incrementAndGet();
                    continue;
                }
                int copies = random.nextDouble() < link.duplicate() ? 2 : 1;
                if (copies == 2) {
                    duplicated.incrementAndGet();
                }
                long now = System.nanoTime();
                long send = now;
                if (link.bytesPerSecond() > 0) {
                    long start = Math.max(now, linkFreeNanos[0]);
                    if (start - now > TimeUnit.MICROSECONDS.toNanos(link.queueMicros())) {
                        dropped.incrementAndGet(); // the bottleneck queue is full
                        continue;
                    }
                    linkFreeNanos[0] = start + (data.length + 28) * 1_000_000_000L / link.bytesPerSecond();
                    send = linkFreeNanos[0];
                }
                for (int i = 0; i < copies; i++) {
                    long delay = link.delayMicros() + (link.jitterMicros() > 0 ? random.nextLong(link.jitterMicros() + 1) : 0);
                    if (random.nextDouble() < link.reorder()) {
                        delay += link.reorderExtraMicros();
                        reordered.incrementAndGet();
                    }
                    queue.add(new Scheduled(send + TimeUnit.MICROSECONDS.toNanos(delay), order.getAndIncrement(), data));
                }
            }
        }, "impair-" + name + "-in");
        Thread sender = new Thread(() -> {
            while (!closed) {
                Scheduled s;
                try {
                    s = queue.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (s == null) {
                    continue;
                }
                InetSocketAddress to = up ? server : client;
                if (to == null) {
                    continue;
                }
                try {
                    out.send(new DatagramPacket(s.data, s.data.length, to));
                    forwarded.incrementAndGet();
                } catch (IOException e) {
                    if (closed) {
                        return;
                    }
                }
            }
        }, "impair-" + name + "-out");
        receiver.setDaemon(true);
        sender.setDaemon(true);
        threads.add(receiver);
        threads.add(sender);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        front.close();
        back.close();
        for (Thread t : threads) {
            t.interrupt();
            t.join(2_000);
        }
    }
}
