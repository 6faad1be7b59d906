#!/usr/bin/env python3
"""libtorrent DHT nodes on loopback, for the DHT interop tests (DhtLibtorrentInteropTest).

Starts --nodes libtorrent sessions on 127.0.0.1, links them to each other and to --bootstrap
nodes with add_dht_node (libtorrent keeps no router's own address in its routing table), and
prints one line per fact to stdout:
  PORT <i> <port>        session i's DHT (UDP) and listen port
  READY
  PEER <hex> <ip:port>   a peer of info-hash <hex> found by dht_get_peers
  LIVE <i> <n>           session i's routing-table size
  NODE <i> <ip:port>     a node in session i's routing table (from its saved DHT state)
Runs until stdin closes or --timeout seconds pass. Loopback only: the default bootstrap router
is cleared, so nothing outside this machine is contacted.
"""
import argparse
import sys
import tempfile
import threading
import time
import warnings

import libtorrent as lt


def settings():
    return {
        'listen_interfaces': '127.0.0.1:0',
        'enable_dht': True,
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
        'dht_bootstrap_nodes': '',          # else it contacts dht.libtorrent.org
        'dht_restrict_routing_ips': False,  # every node here is 127.0.0.1
        'dht_restrict_search_ips': False,
        'dht_enforce_node_id': False,
        'dht_prefer_verified_node_ids': False,
        'dht_block_ratelimit': 10000,       # all test nodes share one source address
        'alert_mask': (lt.alert_category.dht | lt.alert_category.dht_operation | lt.alert_category.status
                       | lt.alert_category.error),
    }


def addr(text):
    host, port = text.rsplit(':', 1)
    return host, int(port)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--nodes', type=int, default=1)
    p.add_argument('--bootstrap', action='append', default=[], help='host:port of a DHT node to add')
    p.add_argument('--announce', action='append', default=[], help='hex info-hash session 0 announces')
    p.add_argument('--get-peers', action='append', default=[], help='hex info-hash session 0 looks up')
    p.add_argument('--interval', type=float, default=1.0, help='seconds between get_peers rounds')
    p.add_argument('--timeout', type=float, default=120.0)
    args = p.parse_args()

    sessions = [lt.session(settings()) for _ in range(args.nodes)]
    ports = [s.listen_port() for s in sessions]
    for i, port in enumerate(ports):
        print(f'PORT {i} {port}', flush=True)
    for i, s in enumerate(sessions):
        for j, port in enumerate(ports):
            if i != j:
                s.add_dht_node(('127.0.0.1', port))
        for b in args.bootstrap:
            s.add_dht_node(addr(b))

    save = tempfile.mkdtemp(prefix='lt-dht-')
    handles = []
    for h in args.announce:
        atp = lt.add_torrent_params()
        atp.info_hashes = lt.info_hash_t(lt.sha1_hash(bytes.fromhex(h)))
        atp.save_path = save
        handles.append(sessions[0].add_torrent(atp))
    print('READY', flush=True)

    stop = threading.Event()

    def stdin_watch():
        sys.stdin.read()
        stop.set()

    threading.Thread(target=stdin_watch, daemon=True).start()
    deadline = time.monotonic() + args.timeout
    next_round = 0.0
    seen = set()
    nodes_seen = set()
    warnings.filterwarnings('ignore', category=DeprecationWarning)  # dht_state(): the only table dump the binding has
    while not stop.is_set() and time.monotonic() < deadline:
        now = time.monotonic()
        if now >= next_round:
            next_round = now + args.interval
            for h in args.get_peers:
                sessions[0].dht_get_peers(lt.sha1_hash(bytes.fromhex(h)))
            for handle in handles:
                handle.force_dht_announce()
            for i, s in enumerate(sessions):
                s.post_dht_stats()
                for compact in s.dht_state().get(b'nodes', []):
                    if len(compact) == 6:
                        node = f'{compact[0]}.{compact[1]}.{compact[2]}.{compact[3]}:{compact[4] << 8 | compact[5]}'
                        if (i, node) not in nodes_seen:
                            nodes_seen.add((i, node))
                            print(f'NODE {i} {node}', flush=True)
        for i, s in enumerate(sessions):
            for a in s.pop_alerts():
                if isinstance(a, lt.dht_get_peers_reply_alert):
                    h = str(a.info_hash)
                    for peer in a.peers():
                        key = (h, peer)
                        if key not in seen:
                            seen.add(key)
                            print(f'PEER {h} {peer[0]}:{peer[1]}', flush=True)
                elif isinstance(a, lt.dht_stats_alert):
                    n = sum(b['num_nodes'] for b in a.routing_table)
                    print(f'LIVE {i} {n}', flush=True)
        time.sleep(0.05)


if __name__ == '__main__':
    main()
