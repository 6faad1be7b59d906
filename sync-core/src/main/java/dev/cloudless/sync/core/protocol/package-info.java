/**
 * Protocol messages: what two devices say to each other inside an established session
 * ({@link dev.cloudless.sync.core.session}). The frames' plaintext, concatenated, is a stream of
 * messages, each {@code type u8 | length u32 | body} ({@link dev.cloudless.sync.core.protocol.Messages}).
 *
 * <p>The types: {@link dev.cloudless.sync.core.protocol.Hello} (first, both ways),
 * {@link dev.cloudless.sync.core.protocol.IndexUpdate} (full, then incremental; split by
 * {@link dev.cloudless.sync.core.protocol.IndexBatcher}),
 * {@link dev.cloudless.sync.core.protocol.BlockRequest} /
 * {@link dev.cloudless.sync.core.protocol.BlockResponse} (matched by request id, answered in
 * any order), {@link dev.cloudless.sync.core.protocol.Progress} (partial downloads),
 * {@link dev.cloudless.sync.core.protocol.Ping} (keep-alive) and
 * {@link dev.cloudless.sync.core.protocol.Close} (last words).
 *
 * <pre>{@code
 * ByteBuffer wire = MessageEncoder.encode(new BlockRequest(7, path, 0, 65536, hash));
 * MessageDecoder decoder = new MessageDecoder();
 * decoder.feed(framePlaintext, message -> { ... });   // ProtocolException: drop the peer
 * }</pre>
 *
 * <p>Pure code over bytes: no I/O, no threads. The conversation rules (Hello first, timeouts)
 * are the session's; the wire format and the conversation are specified in
 * {@code docs/PROTOCOL.md}, "Messages".
 */
package dev.cloudless.sync.core.protocol;
