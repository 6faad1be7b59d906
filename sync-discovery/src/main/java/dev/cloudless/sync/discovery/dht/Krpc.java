package dev.cloudless.sync.discovery.dht;

import dev.cloudless.sync.discovery.dht.KrpcMessage.Method;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes and decodes KRPC messages (BEP 5) with compact IPv4 node and peer info. Decoding
 * throws only {@link DhtProtocolException}; everything it returns is validated (ids are 20
 * bytes, ports non-zero, lists of whole entries).
 */
final class Krpc {
    /** Longest transaction id accepted, in bytes (clients use 2 to 4). */
    static final int MAX_TID_BYTES = 16;
    /** Longest token accepted, in bytes (libtorrent's are 4, ours 8). */
    static final int MAX_TOKEN_BYTES = 32;
    /** Longest error message kept, in bytes. */
    static final int MAX_ERROR_MESSAGE_BYTES = 256;
    /** Bytes of compact IPv4 peer info: address and port. */
    static final int COMPACT_PEER_BYTES = 6;
    /** Bytes of compact IPv6 peer info, skipped (this node speaks IPv4). */
    static final int COMPACT_PEER6_BYTES = 18;
    /** Bytes of compact IPv4 node info: id, address and port. */
    static final int COMPACT_NODE_BYTES = NodeId.BYTES + COMPACT_PEER_BYTES;

    /** Our client version, sent as "v": two letters of client id and two of version. */
    private static final byte[] VERSION = {'C', 'S', 0, 1};

    private Krpc() {
    }

    static byte[] encode(KrpcMessage message) {
        Map<String, Object> m = new HashMap<>();
        m.put("t", message.tid());
        m.put("v", VERSION);
        if (message instanceof KrpcMessage.Query q) {
                m.put("y", "q");
                m.put("q", q.method().wire);
                Map<String, Object> a = new HashMap<>();
                a.put("id", q.id().toBytes());
                switch (q.method()) {
                    case PING -> { }
                    case FIND_NODE -> a.put("target", q.target().toBytes());
                    case GET_PEERS -> a.put("info_hash", q.target().toBytes());
                    case ANNOUNCE_PEER -> {
                        a.put("info_hash", q.target().toBytes());
                        a.put("port", (long) q.port());
                        a.put("token", q.token());
                        if (q.impliedPort()) {
                            a.put("implied_port", 1L);
                        }
                    }
                }
                m.put("a", a);
                if (q.readOnly()) {
                    m.put("ro", 1L);
                }
        } else if (message instanceof KrpcMessage.Response r) {
                m.put("y", "r");
                Map<String, Object> body = new HashMap<>();
                body.put("id", r.id().toBytes());
                if (!r.nodes().isEmpty()) {
                    body.put("nodes", compactNodes(r.nodes()));
                }
                if (!r.values().isEmpty()) {
                    List<Object> values = new ArrayList<>(r.values().size());
                    for (InetSocketAddress p : r.values()) {
                        values.add(compactPeer(p));
                    }
                    body.put("values", values);
                }
                if (r.token() != null) {
                    body.put("token", r.token());
                }
                m.put("r", body);
                if (r.ip() != null) {
                    m.put("ip", compactPeer(r.ip()));
                }
        } else {
            KrpcMessage.Error e = (KrpcMessage.Error) message;
            m.put("y", "e");
            m.put("e", List.of(e.code(), e.message().getBytes(StandardCharsets.UTF_8)));
        }
        return Bencode.encode(m);
    }

    static KrpcMessage decode(byte[] data, int offset, int length) throws DhtProtocolException {
        if (!(Bencode.decode(data, offset, length) instanceof Map<?, ?> m)) {
            throw new DhtProtocolException("not a dictionary");
        }
        byte[] tid = bytes(m, "t", 1, MAX_TID_BYTES);
        String y = Bencode.key(bytes(m, "y", 1, 1));
        switch (y) {
            case "q" -> {
                try {
                    return query(m, tid);
                } catch (DhtProtocolException e) {
                    // a query we cannot serve still deserves an error reply carrying its tid
                    throw e.transactionId() != null ? e
                            : new DhtProtocolException(e.getMessage(), tid, DhtProtocolException.PROTOCOL_ERROR);
                }
            }
            case "r" -> {
                return response(m, tid);
            }
            case "e" -> {
                if (!(m.get("e") instanceof List<?> e) || e.size() < 2 || !(e.get(0) instanceof Long code)
                        || !(e.get(1) instanceof byte[] msg)) {
                    throw new DhtProtocolException("bad error body");
                }
                int n = Math.min(msg.length, MAX_ERROR_MESSAGE_BYTES);
                return new KrpcMessage.Error(tid, code, new String(msg, 0, n, StandardCharsets.UTF_8));
            }
            default -> throw new DhtProtocolException("unknown message type");
        }
    }

    static KrpcMessage decode(byte[] data) throws DhtProtocolException {
        return decode(data, 0, data.length);
    }

    private static KrpcMessage.Query query(Map<?, ?> m, byte[] tid) throws DhtProtocolException {
        byte[] q = bytes(m, "q", 1, 32);
        Method method = Method.of(Bencode.key(q));
        if (method == null) {
            throw new DhtProtocolException("unknown method", tid, DhtProtocolException.METHOD_UNKNOWN);
        }
        if (!(m.get("a") instanceof Map<?, ?> a)) {
            throw new DhtProtocolException("query without arguments");
        }
        NodeId id = NodeId.of(bytes(a, "id", NodeId.BYTES, NodeId.BYTES));
        boolean readOnly = m.get("ro") instanceof Long ro && ro == 1;
        return switch (method) {
            case PING -> new KrpcMessage.Query(tid, method, id, null, 0, false, null, readOnly);
            case FIND_NODE -> new KrpcMessage.Query(tid, method, id, NodeId.of(bytes(a, "target", NodeId.BYTES,
                    NodeId.BYTES)), 0, false, null, readOnly);
            case GET_PEERS -> new KrpcMessage.Query(tid, method, id, NodeId.of(bytes(a, "info_hash", NodeId.BYTES,
                    NodeId.BYTES)), 0, false, null, readOnly);
            case ANNOUNCE_PEER -> {
                NodeId infoHash = NodeId.of(bytes(a, "info_hash", NodeId.BYTES, NodeId.BYTES));
                boolean implied = a.get("implied_port") instanceof Long ip && ip != 0;
                long port = a.get("port") instanceof Long p ? p : (implied ? 0 : -1);
                if (port < (implied ? 0 : 1) || port > 65535) {
                    throw new DhtProtocolException("bad port");
                }
                byte[] token = bytes(a, "token", 1, MAX_TOKEN_BYTES);
                yield new KrpcMessage.Query(tid, method, id, infoHash, (int) port, implied, token, readOnly);
            }
        };
    }

    private static KrpcMessage.Response response(Map<?, ?> m, byte[] tid) throws DhtProtocolException {
        if (!(m.get("r") instanceof Map<?, ?> r)) {
            throw new DhtProtocolException("response without body");
        }
        NodeId id = NodeId.of(bytes(r, "id", NodeId.BYTES, NodeId.BYTES));
        List<NodeInfo> nodes = List.of();
        if (r.containsKey("nodes")) {
            byte[] compact = bytes(r, "nodes", 0, Bencode.MAX_INPUT_BYTES);
            nodes = parseNodes(compact);
        }
        List<InetSocketAddress> values = new ArrayList<>();
        if (r.containsKey("values")) {
            if (!(r.get("values") instanceof List<?> list)) {
                throw new DhtProtocolException("values is not a list");
            }
            for (Object v : list) {
                if (!(v instanceof byte[] b) || (b.length != COMPACT_PEER_BYTES && b.length != COMPACT_PEER6_BYTES)) {
                    throw new DhtProtocolException("bad compact peer");
                }
                if (b.length == COMPACT_PEER_BYTES) {
                    values.add(parsePeer(b, 0));
                }
            }
        }
        byte[] token = r.containsKey("token") ? bytes(r, "token", 1, MAX_TOKEN_BYTES) : null;
        InetSocketAddress ip = null;
        if (m.get("ip") instanceof byte[] b && b.length == COMPACT_PEER_BYTES) {
            ip = parsePeer(b, 0);
        }
        return new KrpcMessage.Response(tid, id, nodes, values, token, ip);
    }

    static List<NodeInfo> parseNodes(byte[] compact) throws DhtProtocolException {
        if (compact.length % COMPACT_NODE_BYTES != 0) {
            throw new DhtProtocolException("compact nodes of " + compact.length + " bytes");
        }
        List<NodeInfo> nodes = new ArrayList<>(compact.length / COMPACT_NODE_BYTES);
        for (int off = 0; off < compact.length; off += COMPACT_NODE_BYTES) {
            nodes.add(new NodeInfo(NodeId.of(compact, off), parsePeer(compact, off + NodeId.BYTES)));
        }
        return nodes;
    }

    static byte[] compactNodes(List<NodeInfo> nodes) {
        byte[] out = new byte[nodes.size() * COMPACT_NODE_BYTES];
        int off = 0;
        for (NodeInfo n : nodes) {
            n.id().writeTo(out, off);
            writePeer(n.address(), out, off + NodeId.BYTES);
            off += COMPACT_NODE_BYTES;
        }
        return out;
    }

    static InetSocketAddress parsePeer(byte[] b, int off) throws DhtProtocolException {
        int port = ((b[off + 4] & 0xff) << 8) | (b[off + 5] & 0xff);
        if (port == 0) {
            throw new DhtProtocolException("port 0");
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {b[off], b[off + 1], b[off + 2],
                b[off + 3]}), port);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }

    static byte[] compactPeer(InetSocketAddress a) {
        byte[] out = new byte[COMPACT_PEER_BYTES];
        writePeer(a, out, 0);
        return out;
    }

    private static void writePeer(InetSocketAddress a, byte[] out, int off) {
        if (!(a.getAddress() instanceof Inet4Address v4)) {
            throw new IllegalArgumentException("not an IPv4 address: " + a);
        }
        System.arraycopy(v4.getAddress(), 0, out, off, 4);
        out[off + 4] = (byte) (a.getPort() >>> 8);
        out[off + 5] = (byte) a.getPort();
    }

    private static byte[] bytes(Map<?, ?> m, String key, int min, int max) throws DhtProtocolException {
        if (!(m.get(key) instanceof byte[] b) || b.length < min || b.length > max) {
            throw new DhtProtocolException("missing or bad '" + key + "'");
        }
        return b;
    }
}
