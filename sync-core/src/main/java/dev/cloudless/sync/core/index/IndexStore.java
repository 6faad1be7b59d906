package dev.cloudless.sync.core.index;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The node's index database: one SQLite file (conventionally {@value #FILE_NAME} in the data
 * directory) holding the indexes of all the node's folders, each keyed by its folder id.
 *
 * <pre>{@code
 * try (IndexStore store = IndexStore.open(dataDir.resolve(IndexStore.FILE_NAME))) {
 *     FolderIndex folder = store.folder(secrets.discoveryId());
 *     long seq = folder.applyLocal(List.of(record));
 *     List<Need> pull = folder.needed();
 * }
 * }</pre>
 *
 * <p>Durability: WAL journal with {@code synchronous=NORMAL}. A commit appends its pages to the
 * WAL with {@code write()} before returning; after a kill -9 the bytes are in the kernel's page
 * cache and the next open replays the WAL, so a committed transaction is never lost and an
 * uncommitted one is never half-visible. On power loss (or a kernel crash) the last
 * transactions since the WAL was last synced at a checkpoint can roll back, but the database
 * stays consistent; the engine recovers by rescanning and by asking peers for everything after
 * the remote sequences that did survive. See {@code docs/index.md}.
 *
 * <p>Thread-safe: one JDBC connection, every call serialised on this store.
 */
public final class IndexStore implements AutoCloseable {
    /** Conventional name of the database file in the node's data directory. */
    public static final String FILE_NAME = "index.db";
    /** The schema this build writes and reads, kept in SQLite's {@code PRAGMA user_version}. */
    public static final int SCHEMA_VERSION = 1;
    /** How long a statement waits for another process's lock before failing, in milliseconds. */
    static final int BUSY_TIMEOUT_MILLIS = 5_000;
    /** Longest folder id, in bytes (discovery ids are 20). */
    public static final int MAX_FOLDER_ID_BYTES = 64;
    /** Device row of the local device; remote devices get rows 1, 2, ... */
    static final int LOCAL_DEVICE = 0;

    private static final List<String> SCHEMA = List.of(
            "CREATE TABLE folders (idx INTEGER PRIMARY KEY, folder_id BLOB NOT NULL UNIQUE)",
            "CREATE TABLE devices (idx INTEGER PRIMARY KEY, device_id BLOB NOT NULL UNIQUE)",
            // The local device is row 0 with an empty id, which no DeviceId (15 bytes) can equal.
            "INSERT INTO devices (idx, device_id) VALUES (0, X'')",
            "CREATE TABLE sequences (folder INTEGER NOT NULL REFERENCES folders (idx),"
                    + " device INTEGER NOT NULL REFERENCES devices (idx), max_sequence INTEGER NOT NULL,"
                    + " PRIMARY KEY (folder, device)) WITHOUT ROWID",
            "CREATE TABLE files (folder INTEGER NOT NULL REFERENCES folders (idx),"
                    + " device INTEGER NOT NULL REFERENCES devices (idx), path TEXT NOT NULL,"
                    + " sequence INTEGER NOT NULL, type INTEGER NOT NULL, deleted INTEGER NOT NULL,"
                    + " size INTEGER NOT NULL, version BLOB NOT NULL, record BLOB NOT NULL,"
                    + " PRIMARY KEY (folder, device, path)) WITHOUT ROWID",
            "CREATE UNIQUE INDEX files_by_sequence ON files (folder, device, sequence)",
            "CREATE INDEX files_by_path ON files (folder, path)",
            "CREATE TABLE blocks (hash BLOB NOT NULL, folder INTEGER NOT NULL REFERENCES folders (idx),"
                    + " path TEXT NOT NULL, block_offset INTEGER NOT NULL, block_length INTEGER NOT NULL,"
                    + " PRIMARY KEY (hash, folder, path, block_offset)) WITHOUT ROWID",
            "CREATE INDEX blocks_by_path ON blocks (folder, path)",
            "CREATE TABLE scan_cache (folder INTEGER NOT NULL REFERENCES folders (idx), path TEXT NOT NULL,"
                    + " size INTEGER NOT NULL, mtime_seconds INTEGER NOT NULL, mtime_nanos INTEGER NOT NULL,"
                    + " file_key TEXT NOT NULL, PRIMARY KEY (folder, path)) WITHOUT ROWID",
            "CREATE TABLE folder_meta (folder INTEGER NOT NULL REFERENCES folders (idx), key TEXT NOT NULL,"
                    + " value BLOB NOT NULL, PRIMARY KEY (folder, key)) WITHOUT ROWID",
            "PRAGMA user_version = " + SCHEMA_VERSION);

    private final Path file;
    private final Connection connection;
    private volatile boolean closed;
    /**
     * Idle read-only connections. In WAL mode readers never wait for the writer nor it for them,
     * so reads (serving blocks, the puller's checks, status) no longer queue behind the writes
     * of a scan or a group commit on the one connection; at most {@link #READERS} are open.
     */
    /** Statements kept by {@link #prepared}, per connection. */
    private final Map<Connection, Map<String, PreparedStatement>> statements = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ArrayBlockingQueue<Connection> idleReaders =
            new java.util.concurrent.ArrayBlockingQueue<>(READERS);
    private final java.util.concurrent.Semaphore readerSlots = new java.util.concurrent.Semaphore(READERS);
    /** Read-only connections opened beside the writer's. */
    static final int READERS = 4;

    private IndexStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /**
     * Opens the database at {@code dbFile}, creating it with the current schema if it is new.
     *
     * @throws IndexException if it can't be opened, or holds a schema other than
     *     {@link #SCHEMA_VERSION} (a newer build wrote it: this one refuses rather than
     *     misreading it)
     */
    public static IndexStore open(Path dbFile) {
        Objects.requireNonNull(dbFile, "dbFile");
        Connection c;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:" + dbFile.toAbsolutePath());
        } catch (SQLException e) {
            throw new IndexException("cannot open index " + dbFile + ": " + e.getMessage(), e);
        }
        try {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = NORMAL");
                s.execute("PRAGMA foreign_keys = ON");
            }
            int version = userVersion(c);
            if (version == 0) {
                create(c);
            } else if (version != SCHEMA_VERSION) {
                throw new IndexException("index " + dbFile + " has schema version " + version
                        + (version > SCHEMA_VERSION ? ", newer than" : ", other than")
                        + " this build's " + SCHEMA_VERSION + "; use the build that wrote it");
            }
            return new IndexStore(dbFile, c);
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof IndexException ie) {
                throw ie;
            }
            throw new IndexException("cannot open index " + dbFile + ": " + e.getMessage(), e);
        }
    }

    private static int userVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static void create(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (String sql : SCHEMA) {
                s.execute(sql);
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * The index of the folder with {@code folderId} (its discovery id), created empty on first use.
     *
     * @throws IllegalArgumentException if the id is empty or longer than {@link #MAX_FOLDER_ID_BYTES}
     */
    public FolderIndex folder(byte[] folderId) {
        Objects.requireNonNull(folderId, "folderId");
        if (folderId.length == 0 || folderId.length > MAX_FOLDER_ID_BYTES) {
            throw new IllegalArgumentException("folder id must be 1.." + MAX_FOLDER_ID_BYTES + " bytes, was "
                    + folderId.length);
        }
        byte[] id = folderId.clone();
        long idx = write(c -> {
            try (PreparedStatement ins = c.prepareStatement("INSERT OR IGNORE INTO folders (folder_id) VALUES (?)")) {
                ins.setBytes(1, id);
                ins.executeUpdate();
            }
            try (PreparedStatement sel = c.prepareStatement("SELECT idx FROM folders WHERE folder_id = ?")) {
                sel.setBytes(1, id);
                try (ResultSet rs = sel.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        return new FolderIndex(this, idx);
    }

    /** SQLite's {@code PRAGMA integrity_check}: "ok", or a description of the damage. */
    public String integrityCheck() {
        return read(c -> {
            StringBuilder b = new StringBuilder();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                while (rs.next()) {
                    b.append(b.length() == 0 ? "" : "\n").append(rs.getString(1));
                }
            }
            return b.toString();
        });
    }

    /** Closes the connections; committed data is already durable (see the class comment). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Readers still running close their connection when they hand it back.
        for (Connection r; (r = idleReaders.poll()) != null; ) {
            closeQuietly(r);
        }
        statements.clear();
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IndexException("closing index " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code sql} prepared on {@code c}, once per connection: on the per-block paths (a block's
     * local copies, a record by path) preparing cost as much as running the query. The caller
     * sets every parameter, closes the result set and never closes the statement; a connection
     * serves one thread at a time, so its statements do too.
     */
    PreparedStatement prepared(Connection c, String sql) throws SQLException {
        Map<String, PreparedStatement> mine = statements.computeIfAbsent(c, k -> new HashMap<>());
        PreparedStatement ps = mine.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = c.prepareStatement(sql);
            mine.put(sql, ps);
        }
        return ps;
    }

    private void closeQuietly(Connection c) {
        statements.remove(c); // closing a connection closes its statements
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing: nothing left to protect
        }
    }

    @Override
    public String toString() {
        return "IndexStore[" + file + "]";
    }

    /** Work against the connection; may throw SQLException. */
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction: all of it commits, or none of it (any exception rolls back). */
    synchronized <T> T write(SqlWork<T> work) {
        ensureOpen();
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            throw new IndexException("index " + file + ": " + e.getMessage(), e);
        }
        try {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IndexException("index " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                throw new IndexException("index " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Runs a read in one transaction on a read-only connection, so it sees one consistent
     * snapshot: every write committed before it began, none after. {@code work} must only read.
     */
    <T> T read(SqlWork<T> work) {
        ensureOpen();
        try {
            readerSlots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IndexException("index " + file + ": interrupted waiting for a reader", e);
        }
        Connection c = null;
        try {
            c = idleReaders.poll();
            if (c == null) {
                c = openReader();
            }
            c.setAutoCommit(false);
            try {
                return work.run(c);
            } finally {
                c.commit(); // ends the read transaction (nothing to write)
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            if (c != null) {
                closeQuietly(c); // in an unknown state: not reused
                c = null;
            }
            throw new IndexException("index " + file + ": " + e.getMessage(), e);
        } finally {
            if (c != null) {
                if (closed || !idleReaders.offer(c)) {
                    closeQuietly(c);
                }
            }
            readerSlots.release();
        }
    }

    private Connection openReader() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement st = c.createStatement()) {
            st.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
            st.execute("PRAGMA query_only = 1");
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
        return c;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("index " + file + " is closed");
        }
    }
}
