package dev.cloudless.sync.core.protocol;

/**
 * Keep-alive: sent after {@link Messages#PING_INTERVAL} without sending anything else; a peer
 * silent for {@link Messages#PEER_TIMEOUT} is dropped. No body (type {@value Messages#TYPE_PING},
 * length 0). Needs no answer: any traffic proves the sender alive.
 */
public record Ping() implements Message {
}
