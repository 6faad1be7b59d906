/**
 * The UDP transports: {@link dev.cloudless.sync.transport.udp.UtpTransportProvider}, uTP (BEP 29,
 * LEDBAT) as a byte-stream {@link dev.cloudless.sync.spi.Transport} on Netty UDP. Everything else
 * is package-private; {@code DatagramDemultiplexer} is the seam through which STUN and the DHT
 * will share the socket.
 */
package dev.cloudless.sync.transport.udp;
