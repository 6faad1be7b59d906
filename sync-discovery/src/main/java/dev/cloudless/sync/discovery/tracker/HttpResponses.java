package dev.cloudless.sync.discovery.tracker;

import dev.cloudless.sync.discovery.bencode.Bencode;
import dev.cloudless.sync.discovery.bencode.BencodeException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Decodes an HTTP tracker's announce response (BEP 3): a bencoded dictionary with
 * {@code failure reason}, or {@code interval} and {@code peers}, either compact (BEP 23: 6 bytes
 * per IPv4 peer) or a list of dictionaries with a literal {@code ip} and {@code port}; IPv6 peers
 * in {@code peers6} (BEP 7: 18 bytes each). Host names in {@code ip} are ignored: resolving them
 * would let a tracker make us query DNS for names of its choice.
 */
final class HttpResponses {
    /** What a tracker response may hold (the body is read up to {@link HttpTrackerClient#MAX_RESPONSE_BYTES}). */
    static final Bencode.Limits LIMITS = new Bencode.Limits(HttpTrackerClient.MAX_RESPONSE_BYTES, 32, 100_000);
    /** Most peers taken from one response; the rest are ignored. */
    static final int MAX_PEERS = 200;
    private static final int IPV4_ENTRY = 6;
    private static final int IPV6_ENTRY = 18;
    private static final int MAX_REASON_CHARS = 200;

    private HttpResponses() {
    }

    static AnnounceResult decode(byte[] body) throws TrackerException {
        Object decoded;
        try {
            decoded = Bencode.decode(body, LIMITS);
        } catch (BencodeException e) {
            throw new TrackerException("bencode: " + e.getMessage());
        }
        if (!(decoded instanceof Map<?, ?> m)) {
            throw new TrackerException("tracker response is not a dictionary");
        }
        if (m.get("failure reason") instanceof byte[] reason) {
            String r = new String(reason, StandardCharsets.UTF_8);
            throw new TrackerException("tracker refused: " + (r.length() > MAX_REASON_CHARS ? r.substring(0, MAX_REASON_CHARS) : r));
        }
        if (!(m.get("interval") instanceof Long interval) || interval < 0) {
            throw new TrackerException("tracker response without a valid interval");
        }
        List<InetSocketAddress> peers = new ArrayList<>();
        Object p = m.get("peers");
        if (p instanceof byte[] compact) {
            compact(compact, IPV4_ENTRY, peers);
        } else if (p instanceof List<?> list) {
            for (Object o : list) {
                if (peers.size() >= MAX_PEERS) {
                    break;
                }
                if (o instanceof Map<?, ?> d && d.get("ip") instanceof byte[] ip && d.get("port") instanceof Long port) {
                    InetAddress a = literal(new String(ip, StandardCharsets.ISO_8859_1));
                    if (a != null && port > 0 && port <= 0xffff) {
                        peers.add(new InetSocketAddress(a, port.intValue()));
                    }
                } else {
                    throw new TrackerException("tracker response: a peer is not a dictionary with ip and port");
                }
            }
        } else if (p != null) {
            throw new TrackerException("tracker response: peers is neither a string nor a list");
        }
        if (m.get("peers6") instanceof byte[] compact6) {
            compact(compact6, IPV6_ENTRY, peers);
        }
        return new AnnounceResult(interval, peers);
    }

    /** Appends compact entries (address bytes, then a big-endian port); a ragged length is malformed. */
    static void compact(byte[] data, int entry, List<InetSocketAddress> out) throws TrackerException {
        if (data.length % entry != 0) {
            throw new TrackerException("compact peer list of " + data.length + " bytes is not a multiple of " + entry);
        }
        for (int i = 0; i < data.length && out.size() < MAX_PEERS; i += entry) {
            int port = (data[i + entry - 2] & 0xff) << 8 | data[i + entry - 1] & 0xff;
            if (port == 0) {
                continue;
            }
            try {
                out.add(new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(data, i, i + entry - 2)), port));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e); // cannot happen: 4 or 16 bytes
            }
        }
    }

    /** An IPv4 or IPv6 literal, else null (never a DNS query). */
    private static InetAddress literal(String s) {
        if (s.isEmpty() || s.length() > 45 || !s.matches("[0-9a-fA-F:.]+") || !s.contains(".") && !s.contains(":")) {
            return null;
        }
        try {
            return InetAddress.getByName(s); // a literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
