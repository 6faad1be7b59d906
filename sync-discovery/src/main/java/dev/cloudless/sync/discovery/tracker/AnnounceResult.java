package dev.cloudless.sync.discovery.tracker;

import java.net.InetSocketAddress;
import java.util.List;

/** What a tracker answered to an announce: when to announce again, and some peers. */
record AnnounceResult(long intervalSeconds, List<InetSocketAddress> peers) {
    AnnounceResult {
        peers = List.copyOf(peers);
    }
}
