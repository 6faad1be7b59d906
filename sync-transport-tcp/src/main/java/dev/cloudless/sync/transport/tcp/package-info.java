/**
 * The TCP transport: {@link dev.cloudless.sync.transport.tcp.TcpTransportProvider}, a byte-stream
 * {@link dev.cloudless.sync.spi.Transport} on Netty NIO. Everything else is package-private.
 */
package dev.cloudless.sync.transport.tcp;
