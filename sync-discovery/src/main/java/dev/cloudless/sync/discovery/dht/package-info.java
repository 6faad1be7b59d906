/**
 * Peer discovery on the BitTorrent mainline DHT (BEP 5, with BEP 42 node ids): a DHT node of its
 * own that announces and looks up each folder's discovery id, on uTP's UDP socket and listen port
 * when the node has uTP. Enabled by putting sync-discovery on the class path and configuring
 * bootstrap nodes; see docs/discovery.md.
 */
package dev.cloudless.sync.discovery.dht;
