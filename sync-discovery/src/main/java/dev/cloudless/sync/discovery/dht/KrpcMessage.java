package dev.cloudless.sync.discovery.dht;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** One KRPC message (BEP 5): a query, a response or an error. */
sealed interface KrpcMessage permits KrpcMessage.Query, KrpcMessage.Response, KrpcMessage.Error {
    /** The transaction id, echoed by the answer. */
    byte[] tid();

    /** The query methods of BEP 5. */
    enum Method {
        PING("ping"), FIND_NODE("find_node"), GET_PEERS("get_peers"), ANNOUNCE_PEER("announce_peer");

        final String wire;

        Method(String wire) {
            this.wire = wire;
        }

        static Method of(String wire) {
            for (Method m : values()) {
                if (m.wire.equals(wire)) {
                    return m;
                }
            }
            return null;
        }
    }

    /**
     * A query. {@code target} is the find_node target or the get_peers / announce_peer
     * info-hash (null for ping); {@code port}, {@code impliedPort} and {@code token} only
     * matter for announce_peer. {@code readOnly} is BEP 43's "ro": the sender must not be
     * added to routing tables.
     */
    record Query(byte[] tid, Method method, NodeId id, NodeId target, int port, boolean impliedPort, byte[] token,
                 boolean readOnly) implements KrpcMessage {
        public Query {
            Objects.requireNonNull(tid);
            Objects.requireNonNull(method);
            Objects.requireNonNull(id);
            if ((method == Method.PING) != (target == null)) {
                throw new IllegalArgumentException("target is required exactly for find_node/get_peers/announce_peer");
            }
            if (method == Method.ANNOUNCE_PEER && token == null) {
                throw new IllegalArgumentException("announce_peer needs a token");
            }
        }

        static Query ping(byte[] tid, NodeId id) {
            return new Query(tid, Method.PING, id, null, 0, false, null, false);
        }

        static Query findNode(byte[] tid, NodeId id, NodeId target) {
            return new Query(tid, Method.FIND_NODE, id, target, 0, false, null, false);
        }

        static Query getPeers(byte[] tid, NodeId id, NodeId infoHash) {
            return new Query(tid, Method.GET_PEERS, id, infoHash, 0, false, null, false);
        }

        static Query announcePeer(byte[] tid, NodeId id, NodeId infoHash, int port, boolean impliedPort, byte[] token) {
            return new Query(tid, Method.ANNOUNCE_PEER, id, infoHash, port, impliedPort, token, false);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Query q && Arrays.equals(tid, q.tid) && method == q.method && id.equals(q.id)
                    && Objects.equals(target, q.target) && port == q.port && impliedPort == q.impliedPort
                    && Arrays.equals(token, q.token) && readOnly == q.readOnly;
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(tid), method, id, target, port);
        }
    }

    /**
     * A response: {@code nodes} (compact IPv4 node info) and {@code values} (compact IPv4
     * peers) may be empty, {@code token} is null unless answering get_peers, {@code ip} is the
     * requester's address as the responder saw it (BEP 42), or null.
     */
    record Response(byte[] tid, NodeId id, List<NodeInfo> nodes, List<InetSocketAddress> values, byte[] token,
                    InetSocketAddress ip) implements KrpcMessage {
        public Response {
            Objects.requireNonNull(tid);
            Objects.requireNonNull(id);
            nodes = List.copyOf(nodes);
            values = List.copyOf(values);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && Arrays.equals(tid, r.tid) && id.equals(r.id) && nodes.equals(r.nodes)
                    && values.equals(r.values) && Arrays.equals(token, r.token) && Objects.equals(ip, r.ip);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(tid), id, nodes, values);
        }
    }

    /** An error: a BEP 5 code (201 generic, 202 server, 203 protocol, 204 method unknown) and a message. */
    record Error(byte[] tid, long code, String message) implements KrpcMessage {
        public Error {
            Objects.requireNonNull(tid);
            Objects.requireNonNull(message);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Error e && Arrays.equals(tid, e.tid) && code == e.code && message.equals(e.message);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(tid), code, message);
        }
    }
}
