package dev.cloudless.sync.bench.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 that forwards every accepted connection to a target port and counts
 * the bytes it carries each way: the "bytes on the wire" of a tool whose own counters we do not
 * trust or do not have. It counts TCP payload (so TLS or frame overhead is included), not IP or
 * TCP headers.
 */
final class ByteCountingProxy implements AutoCloseable {
    private static final int BUFFER_BYTES = 256 * 1024;
    private static final int ACCEPT_BACKLOG = 50;

    private final ServerSocket server;
    private final int targetPort;
    private final AtomicLong towardTarget = new AtomicLong();
    private final AtomicLong fromTarget = new AtomicLong();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    /** Listens on an ephemeral port of 127.0.0.1 and forwards to 127.0.0.1:{@code targetPort}. */
    ByteCountingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, ACCEPT_BACKLOG, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "proxy-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Bytes relayed from clients to the target so far. */
    long bytesTowardTarget() {
        return towardTarget.get();
    }

    /** Bytes relayed from the target back to clients so far. */
    long bytesFromTarget() {
        return fromTarget.get();
    }

    long totalBytes() {
        return towardTarget.get() + fromTarget.get();
    }

    void reset() {
        towardTarget.set(0);
        fromTarget.set(0);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue; // target not up (yet): the client sees a closed connection and retries
            }
            sockets.add(client);
            sockets.add(upstream);
            pump(client, upstream, towardTarget);
            pump(upstream, client, fromTarget);
        }
    }

    private void pump(Socket from, Socket to, AtomicLong counter) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[BUFFER_BYTES];
            boolean clean = false;
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    counter.addAndGet(n);
                }
                to.shutdownOutput(); // pass the half-close on; the other direction may still run
                clean = true;
            } catch (IOException e) {
                // one side went away: drop both below
            } finally {
                synchronized (this) {
                    if (!clean || from.isOutputShutdown()) { // error, or both directions done
                        closeQuietly(from);
                        closeQuietly(to);
                        sockets.remove(from);
                        sockets.remove(to);
                    }
                }
            }
        }, "proxy-pump-" + from.getPort() + "-" + to.getPort());
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(ByteCountingProxy::closeQuietly);
        try {
            acceptor.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
