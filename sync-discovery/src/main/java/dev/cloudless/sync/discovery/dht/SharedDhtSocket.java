package dev.cloudless.sync.discovery.dht;

import dev.cloudless.sync.spi.SharedDatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHT on a transport's UDP socket (uTP's, see {@link SharedDatagramSocket}), so the node is
 * known on the DHT by the port it announces and uses one UDP socket.
 *
 * <p>The claim takes datagrams that look like a bencoded dictionary: {@code 'd'}, then a digit
 * (the length of the first key), ..., {@code 'e'}. uTP takes its own datagrams before this claim
 * runs, and {@code 'd'} ({@code 0x64}) is not a uTP first byte anyway (version 4, type 6).
 *
 * <p>{@link DhtNode#handleDatagram} takes the node's lock, which lookups on the timer thread
 * hold, so it must not run on the transport's event loop. The I/O thread only copies the bytes
 * into a bounded queue ({@value #MAX_QUEUED} datagrams, dropped and counted when full: KRPC
 * retries) and one thread of the DHT's own drains it.
 */
final class SharedDhtSocket implements DhtSocket {
    private static final Logger LOG = LoggerFactory.getLogger(SharedDhtSocket.class);
    /** Received datagrams waiting for the DHT's thread; at 8 KiB at most each, 8 MiB in the worst case. */
    static final int MAX_QUEUED = 1024;
    /** How long {@link #close} waits for the receive thread, in milliseconds. */
    static final long CLOSE_WAIT_MILLIS = 2_000;

    private record Inbound(InetSocketAddress from, byte[] bytes) {
    }

    private final SharedDatagramSocket socket;
    private final BlockingQueue<Inbound> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
    private final Thread receiver;
    private final SharedDatagramSocket.Registration registration;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong sendsRefused = new AtomicLong();
    private final AtomicLong queueFull = new AtomicLong();

    private SharedDhtSocket(SharedDatagramSocket socket, BiConsumer<InetSocketAddress, ByteBuffer> handler) {
        this.socket = socket;
        this.receiver = new Thread(() -> drain(handler), "dht-udp-" + socket.localAddress().getPort());
        this.receiver.setDaemon(true);
        this.receiver.start();
        this.registration = socket.register(SharedDhtSocket::looksLikeKrpc, this::enqueue);
    }

    /** Registers on {@code socket} and starts handing its KRPC datagrams to {@code handler}. */
    static SharedDhtSocket open(SharedDatagramSocket socket, BiConsumer<InetSocketAddress, ByteBuffer> handler) {
        return new SharedDhtSocket(socket, handler);
    }

    /** A bencoded dictionary's outline: {@code d}, a digit starting its first key, ..., {@code e}. */
    static boolean looksLikeKrpc(ByteBuffer d) {
        int p = d.position();
        int n = d.remaining();
        if (n < 3 || d.get(p) != 'd' || d.get(d.limit() - 1) != 'e') {
            return false;
        }
        byte b1 = d.get(p + 1);
        return b1 >= '1' && b1 <= '9';
    }

    /** On the transport's I/O thread: copy and queue, never wait. */
    private void enqueue(InetSocketAddress from, ByteBuffer d) {
        if (queue.remainingCapacity() == 0) {
            queueFull.incrementAndGet();
            return;
        }
        // Anything longer than the decoder accepts only needs to be seen as too long.
        byte[] bytes = new byte[Math.min(d.remaining(), Bencode.MAX_INPUT_BYTES + 1)];
        d.get(bytes);
        if (!queue.offer(new Inbound(from, bytes))) {
            queueFull.incrementAndGet();
        }
    }

    private void drain(BiConsumer<InetSocketAddress, ByteBuffer> handler) {
        while (true) {
            Inbound in;
            try {
                in = queue.take();
            } catch (InterruptedException closing) {
                return;
            }
            try {
                handler.accept(in.from(), ByteBuffer.wrap(in.bytes()));
            } catch (RuntimeException e) {
                LOG.debug("DHT receive: {}", e.toString()); // a bad datagram must not stop the loop
            }
        }
    }

    @Override
    public void send(InetSocketAddress to, ByteBuffer data) {
        sent.incrementAndGet();
        if (!socket.send(to, data)) {
            sendsRefused.incrementAndGet(); // socket full or closed: the query times out and is retried
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return socket.localAddress();
    }

    @Override
    public long sentDatagrams() {
        return sent.get();
    }

    /** Received datagrams dropped because the DHT's thread was behind. */
    long queueFull() {
        return queueFull.get();
    }

    /** Datagrams the shared socket refused to send. */
    long sendsRefused() {
        return sendsRefused.get();
    }

    @Override
    public boolean shared() {
        return true;
    }

    /** Unregisters from the socket (which stays open: it is the transport's) and stops the thread. */
    @Override
    public void close() {
        registration.close();
        receiver.interrupt();
        try {
            receiver.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.clear();
    }
}
