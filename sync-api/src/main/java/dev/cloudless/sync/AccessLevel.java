package dev.cloudless.sync;

/**
 * What the holder of a {@link SyncKey} may do with a folder.
 *
 * <p>The levels form a chain, each derivable one-way from the one above it:
 * {@code READ_WRITE ⊃ READ_ONLY ⊃ ENCRYPTED}. Every level finds the same peers and passes the
 * same handshake; they differ in what the holder can compute:
 *
 * <table>
 *   <caption>Capabilities per level</caption>
 *   <tr><th>level</th><th>prefix</th><th>read names and contents</th><th>sign modifications</th></tr>
 *   <tr><td>{@link #READ_WRITE}</td><td>{@code W}</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>{@link #READ_ONLY}</td><td>{@code R}</td><td>yes</td><td>no (verifies only)</td></tr>
 *   <tr><td>{@link #ENCRYPTED}</td><td>{@code E}</td><td>no: stores and serves ciphertext</td><td>no (verifies only)</td></tr>
 * </table>
 *
 * <pre>{@code
 * SyncKey key = SyncKey.parse(text);
 * if (!key.level().canWrite()) {
 *     System.out.println("This device will receive changes but never send its own.");
 * }
 * }</pre>
 */
public enum AccessLevel {
    /** Full access: reads, and signs the modifications every other device accepts. */
    READ_WRITE('W', "read-write"),
    /** Reads names and contents and verifies signatures, but cannot make a modification others accept. */
    READ_ONLY('R', "read-only"),
    /** A storage node: holds and serves encrypted data, can read neither names nor contents. */
    ENCRYPTED('E', "encrypted");

    private final char prefix;
    private final String description;

    AccessLevel(char prefix, String description) {
        this.prefix = prefix;
        this.description = description;
    }

    /** The upper-case letter that starts the text form of a key of this level: {@code W}, {@code R} or {@code E}. */
    public char prefix() {
        return prefix;
    }

    /** A short lower-case description for messages: {@code "read-write"}, {@code "read-only"} or {@code "encrypted"}. */
    public String description() {
        return description;
    }

    /** Whether a holder of this level can make modifications that other devices accept. */
    public boolean canWrite() {
        return this == READ_WRITE;
    }

    /** Whether a holder of this level can read file names and contents. */
    public boolean canRead() {
        return this != ENCRYPTED;
    }

    /**
     * The level whose {@linkplain #prefix() prefix} is {@code c} (either case).
     *
     * @throws IllegalArgumentException if no level has that prefix
     */
    public static AccessLevel ofPrefix(char c) {
        char upper = c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
        for (AccessLevel level : values()) {
            if (level.prefix == upper) {
                return level;
            }
        }
        String shown = c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
        throw new IllegalArgumentException("unknown access level prefix " + shown
                + ": a sync key starts with W (read-write), R (read-only) or E (encrypted)");
    }
}
