/**
 * Blocks: files split at content-defined boundaries, each block hashed with SHA-256, and a file
 * hash that commits to the block list.
 *
 * <p>{@link dev.cloudless.sync.core.block.GearChunker} decides where blocks end (a gear hash in
 * the spirit of FastCDC, skipping the bytes that cannot matter), {@link
 * dev.cloudless.sync.core.block.BlockHasher} hashes a stream into a {@link
 * dev.cloudless.sync.core.block.FileBlocks} in one pass, and {@link
 * dev.cloudless.sync.core.block.ChunkerParams#DEFAULT} fixes the sizes. The boundaries, the gear
 * table and the file hash are wire format: the exact definitions and the known answers are in
 * {@code docs/PROTOCOL.md}, section "Blocks".
 *
 * <pre>{@code
 * FileBlocks file = new BlockHasher().hash(Path.of("movie.mkv"));
 * for (Block b : file.blocks()) {
 *     index.put(b.hash(), path, b.offset(), b.length());    // reuse local copies, fetch the rest
 * }
 * }</pre>
 */
package dev.cloudless.sync.core.block;
