/**
 * The public surface of Cloudless Sync: what applications touch.
 *
 * <p>Today: {@link dev.cloudless.sync.SyncKey} (a folder's key and its text form),
 * {@link dev.cloudless.sync.AccessLevel} (what a key allows) and
 * {@link dev.cloudless.sync.DeviceId} (who a peer is). The engine behind them lives in sync-core
 * and is found through the service interfaces in {@link dev.cloudless.sync.spi}.
 *
 * <pre>{@code
 * SyncKey key = SyncKey.generate();
 * System.out.println(key.readOnly().toText()); // give this to a device that may only read
 * }</pre>
 */
package dev.cloudless.sync;
