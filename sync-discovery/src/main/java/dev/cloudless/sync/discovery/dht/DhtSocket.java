package dev.cloudless.sync.discovery.dht;

import java.net.InetSocketAddress;

/**
 * Where the DHT's datagrams come in and go out: a transport's socket it shares
 * ({@link SharedDhtSocket}, uTP's, on the node's listen port) or, when there is none, its own
 * ({@link UdpSocket}). Either way received datagrams reach the handler on a thread of the DHT's
 * own, never on a transport's I/O thread.
 */
interface DhtSocket extends DhtNode.Sender, AutoCloseable {
    /** The bound address. */
    InetSocketAddress localAddress();

    /** Datagrams handed to the socket so far. */
    long sentDatagrams();

    /** Whether the socket is a transport's, which {@link #close} leaves open. */
    boolean shared();

    /** Stops receiving; closes the socket unless it is {@linkplain #shared() shared}. */
    @Override
    void close();
}
