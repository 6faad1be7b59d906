/**
 * The node: wires the index, scanner, watcher, puller and sessions of every folder into the
 * {@link dev.cloudless.sync.SyncNode} of the public API. See docs/ARCHITECTURE.md for how one
 * change flows from a write on node A to the file on node B.
 */
package dev.cloudless.sync.core.node;
