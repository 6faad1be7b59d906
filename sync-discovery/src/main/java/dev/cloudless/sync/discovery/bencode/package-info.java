/** Bencoding (BEP 3) with hard limits, shared by the DHT and the tracker client. */
package dev.cloudless.sync.discovery.bencode;
