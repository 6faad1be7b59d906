package dev.cloudless.sync.discovery.dht;

import dev.cloudless.sync.discovery.dht.KrpcMessage.Query;
import dev.cloudless.sync.discovery.dht.KrpcMessage.Response;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mainline DHT node (BEP 5, IPv4): answers ping / find_node / get_peers / announce_peer, keeps a
 * {@link RoutingTable}, a {@link PeerStore} and rotating {@link Tokens}, and runs iterative
 * lookups. It owns no socket: datagrams come in through {@link #handleDatagram} and go out
 * through a {@link Sender}, so it runs on uTP's socket ({@link SharedDhtSocket}) or on its own
 * ({@link UdpSocket}).
 *
 * <p>Thread-safe: every entry point holds the node's lock; callbacks (found peers, completed
 * futures) run under it and must not block.
 */
final class DhtNode {
    private static final Logger LOG = LoggerFactory.getLogger(DhtNode.class);

    /** Sends one datagram; must not block for long. */
    interface Sender {
        void send(InetSocketAddress to, ByteBuffer data);
    }

    /** A node that answered a get_peers lookup, with the token it gave for announcing. */
    record Contact(NodeInfo node, byte[] token) {
    }

    /** Parallel queries per lookup (Kademlia's alpha). */
    static final int ALPHA = 3;
    /** A query unanswered after 2 seconds has failed. */
    static final long QUERY_TIMEOUT_NANOS = 2_000_000_000L;
    /** Queries in flight at once; beyond this a new query fails at once. */
    static final int MAX_PENDING = 4096;
    /** Incoming queries answered per second from one source IP, sustained. */
    static final double QUERIES_PER_SECOND_PER_IP = 100;
    /** Incoming queries answered from one source IP in a burst. */
    static final double QUERY_BURST_PER_IP = 200;
    /** Candidates a lookup keeps, closest first. */
    static final int LOOKUP_MAX_CANDIDATES = RoutingTable.K * 8;
    /** Queries one lookup may send. */
    static final int LOOKUP_MAX_QUERIES = 200;
    /** Distinct peers one lookup reports. */
    static final int LOOKUP_MAX_PEERS = 500;
    /** A lookup ends after 30 seconds whatever is still in flight. */
    static final long LOOKUP_TIMEOUT_NANOS = 30_000_000_000L;
    /** A bucket untouched for 15 minutes is refreshed by a lookup (BEP 5). */
    static final long BUCKET_REFRESH_NANOS = 15L * 60 * 1_000_000_000L;
    /** Maintenance period: expiry, pings of questionable nodes, refreshes, re-bootstrap. */
    static final long MAINTENANCE_PERIOD_MILLIS = 5_000;
    /** With an empty table, bootstrap again after 30 seconds. */
    static final long BOOTSTRAP_RETRY_NANOS = 30_000_000_000L;
    /** Questionable nodes pinged per maintenance round. */
    static final int PINGS_PER_ROUND = 8;
    /** Distinct responders that must report the same public IPv4 before we take it as ours (BEP 42). */
    static final int VOTES_FOR_EXTERNAL_IP = 3;
    /** Addresses being voted on at once. */
    static final int MAX_IP_CANDIDATES = 16;

    private final Sender sender;
    private final LongSupplier clock;
    private final SecureRandom random = new SecureRandom();
    private final Tokens tokens;
    private final PeerStore store = new PeerStore();
    private final RateLimiter limiter;
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final Map<InetAddress, Set<InetAddress>> ipVotes = new HashMap<>();
    private NodeId id;
    private RoutingTable table;
    private int nextTid = new SecureRandom().nextInt();
    private List<InetSocketAddress> bootstrap = List.of();
    private long lastBootstrap;
    private InetAddress externalIp;
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

    // counters, read by tests and the benchmark
    private long queriesAnswered;
    private long rateLimited;
    private long malformed;
    /** Table entries removed because the node sent a malformed message. */
    private long droppedForGarbage;

    private static final class Pending {
        final InetSocketAddress to;
        final long deadline;
        final Consumer<Response> onResponse;
        final Runnable onFailure;

        Pending(InetSocketAddress to, long deadline, Consumer<Response> onResponse, Runnable onFailure) {
            this.to = to;
            this.deadline = deadline;
            this.onResponse = onResponse;
            this.onFailure = onFailure;
        }
    }

    DhtNode(NodeId id, Sender sender, LongSupplier clock) {
        this.id = id;
        this.sender = sender;
        this.clock = clock;
        long now = clock.getAsLong();
        this.table = new RoutingTable(id, now);
        this.tokens = new Tokens(now);
        this.limiter = new RateLimiter(QUERIES_PER_SECOND_PER_IP, QUERY_BURST_PER_IP, now);
        this.lastBootstrap = now - BOOTSTRAP_RETRY_NANOS;
    }

    DhtNode(NodeId id, Sender sender) {
        this(id, sender, System::nanoTime);
    }

    /** Starts timeouts and maintenance on {@code timer}; bootstraps from {@code nodes} (resolved on each attempt). */
    synchronized void start(ScheduledExecutorService timer, List<InetSocketAddress> nodes) {
        this.bootstrap = List.copyOf(nodes);
        tasks.add(timer.scheduleWithFixedDelay(this::expirePending, 100, 100, TimeUnit.MILLISECONDS));
        tasks.add(timer.scheduleWithFixedDelay(this::maintain, MAINTENANCE_PERIOD_MILLIS, MAINTENANCE_PERIOD_MILLIS,
                TimeUnit.MILLISECONDS));
        timer.execute(this::bootstrapNow);
    }

    synchronized void stop() {
        for (ScheduledFuture<?> t : tasks) {
            t.cancel(false);
        }
        tasks.clear();
    }

    synchronized NodeId id() {
        return id;
    }

    synchronized int tableSize() {
        return table.size();
    }

    synchronized List<NodeInfo> routingNodes() {
        return table.nodes();
    }

    synchronized boolean knows(InetSocketAddress address) {
        return table.contains(address);
    }

    /** Adds a node known from an earlier run; it is questionable until it answers. */
    synchronized void addRestored(NodeInfo node) {
        table.seen(node, clock.getAsLong() - RoutingTable.QUESTIONABLE_AFTER_NANOS - 1);
    }

    synchronized long queriesAnswered() {
        return queriesAnswered;
    }

    synchronized long rateLimited() {
        return rateLimited;
    }

    /** How many routing-table entries were removed for sending a malformed message. */
    synchronized long droppedForGarbage() {
        return droppedForGarbage;
    }

    synchronized long malformed() {
        return malformed;
    }

    synchronized int storedPeers() {
        return store.totalPeers();
    }

    synchronized int pendingQueries() {
        return pending.size();
    }

    // ---- incoming ----

    /** Handles one received datagram, from its position to its limit. Never throws for bad input. */
    void handleDatagram(InetSocketAddress from, ByteBuffer data) {
        int len = data.remaining();
        if (len > Bencode.MAX_INPUT_BYTES || !(from.getAddress() instanceof Inet4Address)) {
            garbage(from, null);
            return;
        }
        byte[] bytes = new byte[len];
        data.get(bytes);
        KrpcMessage m;
        try {
            m = Krpc.decode(bytes);
        } catch (DhtProtocolException e) {
            garbage(from, e);
            return;
        }
        synchronized (this) {
            long now = clock.getAsLong();
            if (m instanceof Query q) {
                onQuery(from, q, now);
            } else if (m instanceof Response r) {
                onAnswer(from, r.tid(), r);
            } else {
                onAnswer(from, m.tid(), null);
            }
        }
    }

    private synchronized void garbage(InetSocketAddress from, DhtProtocolException e) {
        malformed++;
        if (e == null || e.errorCode() == DhtProtocolException.PROTOCOL_ERROR) {
            if (table.remove(from)) { // a node that sends garbage leaves the table
                droppedForGarbage++;
                LOG.debug("dropped DHT node {} after a malformed message: {}", from, e == null ? "" : e.getMessage());
            }
        }
        if (e != null && e.transactionId() != null && limiter.allow(from.getAddress(), clock.getAsLong())) {
            send(from, new KrpcMessage.Error(e.transactionId(), e.errorCode(),
                    e.errorCode() == DhtProtocolException.METHOD_UNKNOWN ? "Method Unknown" : "Protocol Error"));
        }
    }

    private void onQuery(InetSocketAddress from, Query q, long now) {
        if (!limiter.allow(from.getAddress(), now)) {
            rateLimited++;
            return;
        }
        if (!q.readOnly()) {
            RoutingTable.Entry stale = table.seen(new NodeInfo(q.id(), from), now);
            if (stale != null) {
                ping(stale.node.address());
            }
        }
        KrpcMessage reply;
        switch (q.method()) {
            case PING -> reply = response(q, from, List.of(), List.of(), null);
            case FIND_NODE -> reply = response(q, from, table.closest(q.target(), RoutingTable.K), List.of(), null);
            case GET_PEERS -> reply = response(q, from, table.closest(q.target(), RoutingTable.K),
                    store.get(q.target(), now, PeerStore.MAX_VALUES_PER_REPLY), tokens.token(from.getAddress(), now));
            default -> { // ANNOUNCE_PEER
                if (!tokens.valid(q.token(), from.getAddress(), now)) {
                    reply = new KrpcMessage.Error(q.tid(), DhtProtocolException.PROTOCOL_ERROR, "Bad token");
                } else {
                    int port = q.impliedPort() ? from.getPort() : q.port();
                    store.add(q.target(), new InetSocketAddress(from.getAddress(), port), now);
                    reply = response(q, from, List.of(), List.of(), null);
                }
            }
        }
        queriesAnswered++;
        send(from, reply);
    }

    private Response response(Query q, InetSocketAddress from, List<NodeInfo> nodes, List<InetSocketAddress> values,
                              byte[] token) {
        return new Response(q.tid(), id, nodes, values, token, from);
    }

    private void onAnswer(InetSocketAddress from, byte[] tid, Response r) {
        if (tid.length != 2) {
            return; // not one of ours
        }
        int key = ((tid[0] & 0xff) << 8) | (tid[1] & 0xff);
        Pending p = pending.get(key);
        if (p == null || !p.to.equals(from)) {
            return; // late, unknown or spoofed
        }
        pending.remove(key);
        if (r == null) {
            p.onFailure.run(); // a KRPC error: the node is alive but refused
            return;
        }
        RoutingTable.Entry stale = table.seen(new NodeInfo(r.id(), from), clock.getAsLong());
        if (stale != null) {
            ping(stale.node.address());
        }
        if (r.ip() != null) {
            vote(r.ip().getAddress(), from.getAddress());
        }
        p.onResponse.accept(r);
    }

    /** BEP 42: once enough responders agree on our public IPv4, take an id valid for it. */
    private void vote(InetAddress ours, InetAddress voter) {
        if (!(ours instanceof Inet4Address v4) || NodeId.isBep42Exempt(v4) || ours.equals(externalIp)) {
            return;
        }
        if (!ipVotes.containsKey(ours) && ipVotes.size() >= MAX_IP_CANDIDATES) {
            ipVotes.clear();
        }
        Set<InetAddress> voters = ipVotes.computeIfAbsent(ours, k -> new HashSet<>());
        voters.add(voter);
        if (voters.size() >= VOTES_FOR_EXTERNAL_IP) {
            externalIp = ours;
            ipVotes.clear();
            if (!id.isBep42ValidFor(ours)) {
                changeId(NodeId.bep42(v4, random.nextInt(8), random));
                LOG.info("DHT: external address {}, new BEP 42 node id {}", ours.getHostAddress(), id);
            }
        }
    }

    private void changeId(NodeId newId) {
        long now = clock.getAsLong();
        List<NodeInfo> nodes = table.nodes();
        id = newId;
        table = new RoutingTable(newId, now);
        for (NodeInfo n : nodes) {
            table.seen(n, now);
        }
    }

    synchronized InetAddress externalIp() {
        return externalIp;
    }

    // ---- outgoing ----

    private void send(InetSocketAddress to, KrpcMessage m) {
        try {
            sender.send(to, ByteBuffer.wrap(Krpc.encode(m)));
        } catch (RuntimeException e) {
            LOG.debug("DHT send to {} failed: {}", to, e.toString());
        }
    }

    private void query(InetSocketAddress to, Function<byte[], Query> make, Consumer<Response> ok, Runnable fail) {
        if (pending.size() >= MAX_PENDING) {
            fail.run();
            return;
        }
        int key;
        do {
            key = nextTid++ & 0xffff;
        } while (pending.containsKey(key));
        pending.put(key, new Pending(to, clock.getAsLong() + QUERY_TIMEOUT_NANOS, ok, fail));
        send(to, make.apply(new byte[] {(byte) (key >>> 8), (byte) key}));
    }

    synchronized void ping(InetSocketAddress to) {
        query(to, tid -> Query.ping(tid, id), r -> { }, () -> { });
    }

    private synchronized void expirePending() {
        long now = clock.getAsLong();
        List<Pending> expired = new ArrayList<>();
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (now - p.deadline > 0) {
                it.remove();
                expired.add(p);
            }
        }
        for (Pending p : expired) {
            table.failed(p.to);
            runQuietly(p.onFailure);
        }
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("DHT callback failed", e);
        }
    }

    /** Periodic upkeep; also callable directly. */
    void maintain() {
        boolean rebootstrap;
        synchronized (this) {
            long now = clock.getAsLong();
            store.expire(now);
            for (NodeInfo n : table.questionable(now, PINGS_PER_ROUND)) {
                ping(n.address());
            }
            for (int bucket : table.staleBuckets(now, BUCKET_REFRESH_NANOS)) {
                lookup(id.randomWithPrefix(bucket, random), false, p -> { });
            }
            rebootstrap = table.size() == 0 && !bootstrap.isEmpty() && now - lastBootstrap >= BOOTSTRAP_RETRY_NANOS;
        }
        if (rebootstrap) {
            bootstrapNow();
        }
    }

    /**
     * Queries every bootstrap node (host names resolved now, outside the lock) and nodes restored
     * from disk, then looks up our own id to fill the table.
     */
    void bootstrapNow() {
        List<InetSocketAddress> resolved = new ArrayList<>();
        List<InetSocketAddress> configured;
        synchronized (this) {
            configured = bootstrap;
            lastBootstrap = clock.getAsLong();
        }
        for (InetSocketAddress a : configured) {
            try {
                InetSocketAddress r = a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a;
                if (r.getAddress() instanceof Inet4Address) {
                    resolved.add(r);
                }
            } catch (RuntimeException e) {
                LOG.debug("DHT bootstrap {} not resolved: {}", a, e.toString());
            }
        }
        synchronized (this) {
            if (table.size() > 0) {
                lookup(id, false, p -> { });
            }
            boolean[] started = {false};
            for (InetSocketAddress a : resolved) {
                NodeId target = id;
                query(a, tid -> Query.findNode(tid, id, target), r -> {
                    if (!started[0]) {
                        started[0] = true;
                        lookup(id, false, p -> { });
                    }
                }, () -> { });
            }
        }
    }

    // ---- lookups ----

    /** An iterative get_peers lookup of {@code infoHash}; found peers go to {@code onPeer}. */
    synchronized CompletableFuture<List<Contact>> getPeers(NodeId infoHash, Consumer<InetSocketAddress> onPeer) {
        return lookup(infoHash, true, onPeer);
    }

    /**
     * Looks up {@code infoHash} and announces {@code port} (or the source port, when
     * {@code impliedPort}) to the closest nodes that gave a token. Completes with the number of
     * nodes that acknowledged.
     */
    synchronized CompletableFuture<Integer> announce(NodeId infoHash, int port, boolean impliedPort,
                                                     Consumer<InetSocketAddress> onPeer) {
        CompletableFuture<Integer> acked = new CompletableFuture<>();
        lookup(infoHash, true, onPeer).thenAccept(contacts -> {
            synchronized (DhtNode.this) {
                List<Contact> withToken = new ArrayList<>();
                for (Contact c : contacts) {
                    if (c.token() != null) {
                        withToken.add(c);
                    }
                }
                int[] left = {withToken.size()};
                int[] ok = {0};
                if (left[0] == 0) {
                    acked.complete(0);
                }
                for (Contact c : withToken) {
                    Runnable done = () -> {
                        if (--left[0] == 0) {
                            acked.complete(ok[0]);
                        }
                    };
                    query(c.node().address(), tid -> Query.announcePeer(tid, id, infoHash, port, impliedPort,
                            c.token()), r -> {
                                ok[0]++;
                                done.run();
                            }, done);
                }
            }
        });
        return acked;
    }

    private CompletableFuture<List<Contact>> lookup(NodeId target, boolean getPeers, Consumer<InetSocketAddress> onPeer) {
        Lookup l = new Lookup(target, getPeers, onPeer);
        for (NodeInfo n : table.closest(target, LOOKUP_MAX_CANDIDATES)) {
            l.add(n);
        }
        if (getPeers) { // we are one of the DHT's nodes: peers announced to us count too
            for (InetSocketAddress p : store.get(target, clock.getAsLong(), PeerStore.MAX_VALUES_PER_REPLY)) {
                l.peer(p);
            }
        }
        l.step();
        return l.done;
    }

    private final class Lookup {
        private static final int NEW = 0;
        private static final int IN_FLIGHT = 1;
        private static final int RESPONDED = 2;
        private static final int FAILED = 3;

        private final class Candidate {
            final NodeInfo node;
            int state = NEW;
            byte[] token;

            Candidate(NodeInfo node) {
                this.node = node;
            }
        }

        final NodeId target;
        final boolean getPeers;
        final Consumer<InetSocketAddress> onPeer;
        final CompletableFuture<List<Contact>> done = new CompletableFuture<>();
        final TreeMap<NodeId, Candidate> candidates;
        final Set<InetSocketAddress> peers = new HashSet<>();
        final Set<InetSocketAddress> addresses = new HashSet<>();
        final long deadline = clock.getAsLong() + LOOKUP_TIMEOUT_NANOS;
        int inFlight;
        int queries;

        Lookup(NodeId target, boolean getPeers, Consumer<InetSocketAddress> onPeer) {
            this.target = target;
            this.getPeers = getPeers;
            this.onPeer = onPeer;
            this.candidates = new TreeMap<>(target::closer);
        }

        void add(NodeInfo n) {
            if (n.id().equals(id) || candidates.containsKey(n.id()) || addresses.contains(n.address())) {
                return;
            }
            candidates.put(n.id(), new Candidate(n));
            addresses.add(n.address());
            if (candidates.size() > LOOKUP_MAX_CANDIDATES) {
                // drop the farthest candidate that is not awaited
                for (NodeId far : candidates.descendingKeySet()) {
                    Candidate c = candidates.get(far);
                    if (c.state != IN_FLIGHT) {
                        candidates.remove(far);
                        addresses.remove(c.node.address());
                        break;
                    }
                }
            }
        }

        void peer(InetSocketAddress p) {
            if (peers.size() < LOOKUP_MAX_PEERS && peers.add(p)) {
                onPeer.accept(p);
            }
        }

        void step() {
            if (done.isDone()) {
                return;
            }
            boolean out = clock.getAsLong() - deadline > 0 || queries >= LOOKUP_MAX_QUERIES;
            int considered = 0;
            for (Candidate c : new ArrayList<>(candidates.values())) {
                if (c.state == FAILED) {
                    continue;
                }
                if (considered++ >= RoutingTable.K) {
                    break;
                }
                if (c.state == NEW && inFlight < ALPHA && !out) {
                    send(c);
                }
            }
            if (inFlight == 0) {
                finish();
            }
        }

        private void send(Candidate c) {
            c.state = IN_FLIGHT;
            inFlight++;
            queries++;
            query(c.node.address(), tid -> getPeers ? Query.getPeers(tid, id, target)
                    : Query.findNode(tid, id, target), r -> {
                        c.state = RESPONDED;
                        c.token = r.token();
                        inFlight--;
                        for (NodeInfo n : r.nodes()) {
                            add(n);
                        }
                        for (InetSocketAddress p : r.values()) {
                            peer(p);
                        }
                        step();
                    }, () -> {
                        c.state = FAILED;
                        inFlight--;
                        step();
                    });
        }

        private void finish() {
            List<Contact> result = new ArrayList<>();
            for (Candidate c : candidates.values()) {
                if (c.state == RESPONDED && result.size() < RoutingTable.K) {
                    result.add(new Contact(c.node, c.token));
                }
            }
            done.complete(result);
        }
    }
}
