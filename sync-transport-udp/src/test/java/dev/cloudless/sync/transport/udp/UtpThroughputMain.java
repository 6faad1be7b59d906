package dev.cloudless.sync.transport.udp;

import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.Transport;
import dev.cloudless.sync.spi.TransportListener;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Manual profiling aid: one-way bulk transfer over loopback, prints MiB/s. Not a test. */
final class UtpThroughputMain {
    public static void main(String[] args) throws Exception {
        long total = Long.parseLong(args.length > 0 ? args[0] : "268435456");
        try (Transport utp = new UtpTransportProvider().create()) {
            BlockingQueue<StreamConnection> accepted = new LinkedBlockingQueue<>();
            TransportListener l = utp.listen(new InetSocketAddress("127.0.0.1", 0), accepted::add);
            StreamConnection c = utp.connect(l.localAddress(), Duration.ofSeconds(5)).get();
            c.start(new Recorder(false));
            c.write(ByteBuffer.wrap(new byte[1]));
            StreamConnection s = accepted.poll(5, TimeUnit.SECONDS);
            Recorder r = new Recorder(false) {
                @Override
                public void onData(ByteBuffer data) {
                    received.addAndGet(data.remaining());
                }
            };
            s.start(r);
            long start = System.nanoTime();
            byte[] chunk = new byte[256 << 10];
            for (long sent = 0; sent < total; sent += chunk.length) {
                while (!c.isWritable()) {
                    LockSupport.parkNanos(50_000);
                }
                c.write(ByteBuffer.wrap(chunk.clone()));
            }
            while (r.received.get() < total + 0 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(120)) {
                Thread.sleep(1);
            }
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("%d MiB in %.2f s: %.1f MiB/s%n%s%n", total >> 20, secs, (total >> 20) / secs, ((UtpConnection) c).stats());
        }
    }
}
