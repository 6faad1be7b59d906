package dev.cloudless.sync.bench.dht;

import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.spi.DiscoveryContext;
import dev.cloudless.sync.spi.DiscoveryProvider;
import dev.cloudless.sync.spi.PeerDiscovery;
import dev.cloudless.sync.spi.SharedDatagramSocket;
import dev.cloudless.sync.spi.Transport;
import dev.cloudless.sync.spi.TransportProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;

/**
 * Load generator for the DHT node: starts the "dht" discovery (as the engine would, through its
 * provider) on 127.0.0.1 and fires ping, find_node and get_peers queries at it from many loopback
 * source addresses (127.0.1.0/24 and up: the node rate-limits each source IP, as it must), each
 * with a few queries in flight. Prints answered queries per second and the heap in use. With
 * {@code utp} as the third argument the node runs as in a node with uTP: on a uTP listener's
 * shared socket (its event loop hands datagrams to the DHT's thread); with {@code own} (the
 * default), on a socket of its own.
 *
 * <pre>
 * mvn -B -q -pl sync-bench -am package -Dmaven.test.skip=true
 * java -Xmx128m -cp sync-bench/target/sync-bench.jar dev.cloudless.sync.bench.dht.DhtLoadGenerator [seconds] [sources] [own|utp]
 * </pre>
 */
public final class DhtLoadGenerator {
    /** Queries kept in flight per source address. */
    private static final int WINDOW = 4;
    /** A query unanswered this long is counted lost and replaced, in nanoseconds. */
    private static final long LOST_AFTER_NANOS = 200_000_000L;
    /** Warm-up before measuring, in seconds. */
    private static final int WARMUP_SECONDS = 3;

    private DhtLoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int sources = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        Path data = Files.createTempDirectory("dht-bench");
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
        boolean onUtp = args.length > 2 && args[2].equals("utp");
        DiscoveryProvider provider = ServiceLoader.load(DiscoveryProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("dht")).findFirst().orElseThrow();
        Transport utp = null;
        List<SharedDatagramSocket> shared = List.of();
        if (onUtp) {
            utp = ServiceLoader.load(TransportProvider.class).stream().map(ServiceLoader.Provider::get)
                    .filter(p -> p.name().equals("utp")).findFirst().orElseThrow().create();
            shared = List.of(utp.listen(target, c -> c.close()).datagramSocket().orElseThrow());
        }
        System.out.println("DHT socket: " + (onUtp ? "uTP listener's, shared" : "its own"));
        try (PeerDiscovery dht = provider.create(new Context(target, data, shared))) {
            dht.start();
            run(target, sources, seconds);
        } finally {
            if (utp != null) {
                utp.close();
            }
        }
    }

    private static void run(InetSocketAddress target, int sources, int seconds) throws IOException {
        Random random = new Random(1);
        Selector selector = Selector.open();
        List<DatagramChannel> channels = new ArrayList<>();
        int[] inFlight = new int[sources];
        long[] lastActivity = new long[sources];
        for (int i = 0; i < sources; i++) {
            DatagramChannel ch = DatagramChannel.open();
            ch.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, (byte) (1 + i / 250),
                (byte) (1 + i % 250)}), 0));
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ, i);
            channels.add(ch);
        }
        byte[][] ids = new byte[sources][20];
        for (byte[] id : ids) {
            random.nextBytes(id);
        }
        ByteBuffer buf = ByteBuffer.allocate(2048);
        long start = System.nanoTime();
        long measureFrom = start + WARMUP_SECONDS * 1_000_000_000L;
        long end = measureFrom + seconds * 1_000_000_000L;
        long answered = 0;
        long lost = 0;
        long seq = 0;
        long heapPeak = 0;
        Runtime rt = Runtime.getRuntime();
        long nextReport = start;
        while (true) {
            long now = System.nanoTime();
            if (now - end > 0) {
                break;
            }
            for (int i = 0; i < sources; i++) {
                if (inFlight[i] > 0 && now - lastActivity[i] > LOST_AFTER_NANOS) {
                    if (now - measureFrom > 0) {
                        lost += inFlight[i];
                    }
                    inFlight[i] = 0;
                }
                while (inFlight[i] < WINDOW) {
                    channels.get(i).send(ByteBuffer.wrap(query(ids[i], seq++, random)), target);
                    inFlight[i]++;
                    lastActivity[i] = now;
                }
            }
            selector.select(5);
            for (SelectionKey k : selector.selectedKeys()) {
                int i = (Integer) k.attachment();
                DatagramChannel ch = (DatagramChannel) k.channel();
                while (true) {
                    buf.clear();
                    if (ch.receive(buf) == null) {
                        break;
                    }
                    if (inFlight[i] > 0) {
                        inFlight[i]--;
                    }
                    lastActivity[i] = System.nanoTime();
                    if (lastActivity[i] - measureFrom > 0) {
                        answered++;
                    }
                }
            }
            selector.selectedKeys().clear();
            if (now - nextReport > 0) {
                heapPeak = Math.max(heapPeak, rt.totalMemory() - rt.freeMemory());
                nextReport = now + 500_000_000L;
            }
        }
        System.gc();
        long heapAfter = rt.totalMemory() - rt.freeMemory();
        for (DatagramChannel ch : channels) {
            ch.close();
        }
        selector.close();
        System.out.printf("sources=%d window=%d seconds=%d answered=%d lost=%d%n", sources, WINDOW, seconds,
                answered, lost);
        System.out.printf("KRPC queries answered per second: %.0f%n", answered / (double) seconds);
        System.out.printf("heap: peak sampled %d MiB, after GC %d MiB, max %d MiB%n", heapPeak >> 20,
                heapAfter >> 20, rt.maxMemory() >> 20);
    }

    /** A bencoded ping, find_node or get_peers with a random target, written out by hand. */
    private static byte[] query(byte[] id, long seq, Random random) {
        byte[] target = new byte[20];
        random.nextBytes(target);
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        int kind = (int) (seq % 3);
        write(out, "d1:ad2:id20:");
        out.writeBytes(id);
        if (kind == 1) {
            write(out, "6:target20:");
            out.writeBytes(target);
        } else if (kind == 2) {
            write(out, "9:info_hash20:");
            out.writeBytes(target);
        }
        write(out, "e1:q");
        write(out, kind == 0 ? "4:ping" : kind == 1 ? "9:find_node" : "9:get_peers");
        write(out, "1:t2:");
        out.write((int) (seq >>> 8));
        out.write((int) seq);
        write(out, "1:y1:qe");
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    private record Context(InetSocketAddress listen, Path dataDir, List<SharedDatagramSocket> datagramSockets)
            implements DiscoveryContext {
        @Override
        public DeviceId deviceId() {
            return DeviceId.fromBytes(new byte[DeviceId.LENGTH]);
        }

        @Override
        public List<InetSocketAddress> listenAddresses() {
            return List.of(listen);
        }

        @Override
        public List<InetSocketAddress> dhtBootstrap() {
            return List.of(); // contacts nobody; only answers
        }

        @Override
        public void found(byte[] discoveryId, InetSocketAddress address, DeviceId device, String method) {
        }
    }
}
