package dev.cloudless.sync.bench;

import dev.cloudless.sync.spi.StreamConnection;
import dev.cloudless.sync.spi.StreamHandler;
import dev.cloudless.sync.spi.Transport;
import dev.cloudless.sync.spi.TransportListener;
import dev.cloudless.sync.spi.TransportProvider;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Bulk throughput of every transport on the class path (TCP and uTP), one after the other in
 * the same run over loopback: one connection, one direction, the sender writing 256 KiB buffers
 * as fast as the connection stays writable, the receiver counting bytes. Prints MiB/s and the
 * process CPU seconds per GiB moved (both ends run in this process), best of the rounds.
 *
 * <pre>{@code
 * java -cp <sync-bench class path> dev.cloudless.sync.bench.TransportThroughputReport [MiB] [rounds]
 * }</pre>
 */
public final class TransportThroughputReport {
    static final int WRITE_BYTES = 256 << 10;
    static final long TIMEOUT_SECONDS = 300;

    private TransportThroughputReport() {
    }

    record Result(String transport, double mibPerSecond, double cpuSecondsPerGib) {
    }

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 512;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<TransportProvider> providers = new ArrayList<>();
        ServiceLoader.load(TransportProvider.class).forEach(providers::add);
        providers.sort((a, b) -> a.name().compareTo(b.name()));
        List<Result> best = new ArrayList<>();
        for (TransportProvider p : providers) {
            best.add(null);
        }
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < providers.size(); i++) {
                Result r = run(providers.get(i), mib << 20);
                System.out.printf(Locale.ROOT, "round %d %-4s %8.1f MiB/s %6.2f CPU s/GiB%n", round + 1, r.transport(),
                        r.mibPerSecond(), r.cpuSecondsPerGib());
                if (best.get(i) == null || r.mibPerSecond() > best.get(i).mibPerSecond()) {
                    best.set(i, r);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n| transport | MiB/s (best of %d, %d MiB one way) | CPU s per GiB |%n| --- | --- | --- |%n", rounds, mib);
        for (Result r : best) {
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.2f |%n", r.transport(), r.mibPerSecond(), r.cpuSecondsPerGib());
        }
    }

    static Result run(TransportProvider provider, long total) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Transport t = provider.create()) {
            AtomicLong received = new AtomicLong();
            CompletableFuture<Void> done = new CompletableFuture<>();
            TransportListener l = t.listen(new InetSocketAddress("127.0.0.1", 0), c -> c.start(new StreamHandler() {
                @Override
                public void onData(ByteBuffer data) {
                    if (received.addAndGet(data.remaining()) >= total) {
                        done.complete(null);
                    }
                }

                @Override
                public void onWritabilityChanged(boolean writable) {
                }

                @Override
                public void onClosed(Throwable cause) {
                    if (cause != null) {
                        done.completeExceptionally(cause);
                    }
                }
            }));
            StreamConnection c = t.connect(l.localAddress(), Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS);
            c.start(new StreamHandler() {
                @Override
                public void onData(ByteBuffer data) {
                }

                @Override
                public void onWritabilityChanged(boolean writable) {
                }

                @Override
                public void onClosed(Throwable cause) {
                }
            });
            byte[] chunk = new byte[WRITE_BYTES];
            new java.util.SplittableRandom(1).nextBytes(chunk);
            long cpuStart = os.getProcessCpuTime();
            long start = System.nanoTime();
            for (long sent = 0; sent < total; sent += WRITE_BYTES) {
                while (!c.isWritable()) {
                    LockSupport.parkNanos(50_000);
                }
                c.write(ByteBuffer.wrap(chunk.clone()));
            }
            done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            double secs = (System.nanoTime() - start) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
            double gib = total / (double) (1L << 30);
            c.close();
            return new Result(provider.name(), total / 1048576.0 / secs, cpu / gib);
        }
    }
}
