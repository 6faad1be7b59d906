package dev.cloudless.sync.bench.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback ports for the tools under test. */
final class Loopback {
    private static final int CONNECT_TIMEOUT_MS = 200;
    private static final long POLL_MS = 50;

    private Loopback() {}

    /** A port of 127.0.0.1 that was free a moment ago (the tool binds it shortly after). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static boolean accepting(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until something accepts on {@code port}, or {@code process} dies, or the deadline passes. */
    static boolean awaitAccepting(int port, Process process, long deadlineNanos) throws InterruptedException {
        while (System.nanoTime() < deadlineNanos && process.isAlive()) {
            if (accepting(port)) {
                return true;
            }
            Thread.sleep(POLL_MS);
        }
        return false;
    }
}
