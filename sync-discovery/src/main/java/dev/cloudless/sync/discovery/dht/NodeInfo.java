package dev.cloudless.sync.discovery.dht;

import java.net.InetSocketAddress;
import java.util.Objects;

/** A DHT node's id and UDP address, as carried in compact node info. */
record NodeInfo(NodeId id, InetSocketAddress address) {
    NodeInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
    }
}
