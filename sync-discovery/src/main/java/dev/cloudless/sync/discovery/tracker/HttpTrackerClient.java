package dev.cloudless.sync.discovery.tracker;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A BEP 3 client for one {@code http(s)://} tracker, asking for a compact peer list (BEP 23).
 * Connect and request time out, and at most {@link #MAX_RESPONSE_BYTES} of the body are read.
 */
final class HttpTrackerClient implements TrackerClient {
    /** Largest announce response accepted; a compact list of 200 peers is 1.2 KB. */
    static final int MAX_RESPONSE_BYTES = 64 * 1024;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final Duration QUICK_TIMEOUT = Duration.ofSeconds(2);
    private static final int NUM_WANT = 50;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final URI announce;
    private final HttpClient http;

    HttpTrackerClient(URI announce, HttpClient http) {
        this.announce = announce;
        this.http = http;
    }

    @Override
    public AnnounceResult announce(byte[] infoHash, byte[] peerId, int port, int event, boolean quick)
            throws TrackerException {
        String base = announce.toString();
        StringBuilder q = new StringBuilder(base).append(base.contains("?") ? '&' : '?')
                .append("info_hash=").append(percent(infoHash))
                .append("&peer_id=").append(percent(peerId))
                .append("&port=").append(port)
                .append("&uploaded=0&downloaded=0&left=").append(TrackerDiscovery.LEFT)
                .append("&compact=1&numwant=").append(NUM_WANT);
        if (event == UdpMessages.EVENT_STARTED) {
            q.append("&event=started");
        } else if (event == UdpMessages.EVENT_STOPPED) {
            q.append("&event=stopped");
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(q.toString()))
                .timeout(quick ? QUICK_TIMEOUT : REQUEST_TIMEOUT).GET().build();
        try {
            HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = resp.body()) {
                if (resp.statusCode() != 200) {
                    throw new TrackerException("http tracker " + announce.getHost() + " answered " + resp.statusCode());
                }
                byte[] body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
                if (body.length > MAX_RESPONSE_BYTES) {
                    throw new TrackerException("http tracker response larger than " + MAX_RESPONSE_BYTES + " bytes");
                }
                return HttpResponses.decode(body);
            }
        } catch (IOException e) {
            throw e instanceof TrackerException t ? t
                    : new TrackerException("http tracker " + announce.getHost() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrackerException("interrupted");
        }
    }

    /** Every byte percent-encoded except RFC 3986's unreserved characters. */
    static String percent(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        // the shared HttpClient belongs to the TrackerDiscovery
    }
}
