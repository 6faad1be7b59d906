/**
 * The UDP transports: {@link dev.cloudless.sync.transport.udp.UtpTransportProvider}, uTP (BEP 29,
 * LEDBAT) as a byte-stream {@link dev.cloudless.sync.spi.Transport} on Netty UDP. Everything else
 * is package-private. A listener's socket is shared with other protocols (the DHT) through
 * {@link dev.cloudless.sync.spi.TransportListener#datagramSocket()}, behind
 * {@code DatagramDemultiplexer}, which is also where STUN will join.
 */
package dev.cloudless.sync.transport.udp;
