package dev.cloudless.sync.core.protocol;

import dev.cloudless.sync.AccessLevel;
import java.util.Objects;

/**
 * The first message each side sends after the session is established: who it is, what it
 * speaks, and how far its index has come, so the peer can send only what is new.
 *
 * <p>Body (type {@value Messages#TYPE_HELLO}):
 * <pre>
 * +-----------------+----------+------------+----------+------------+----------+---------------+
 * | protocolVersion | nameLen  | deviceName | clientLen| clientName | verLen   | clientVersion |
 * | u16             | u8 ≤ 64  | UTF-8      | u8 ≤ 64  | UTF-8      | u8 ≤ 32  | UTF-8         |
 * +-----------------+----------+------------+----------+------------+----------+---------------+
 * +--------+---------+-------------+--------------+---------------+
 * | level  | indexId | maxSequence | knownIndexId | knownSequence |
 * | u8     | u64     | u64 < 2^63  | u64          | u64 < 2^63    |
 * +--------+---------+-------------+--------------+---------------+
 * level: 0 = READ_WRITE, 1 = READ_ONLY, 2 = ENCRYPTED
 * </pre>
 * The decoder reads {@code protocolVersion} first and rejects anything but
 * {@link Messages#PROTOCOL_VERSION} with {@link ProtocolException.Reason#UNSUPPORTED_VERSION}
 * before looking at the rest. Text: well-formed UTF-8 without control characters.
 *
 * @param protocolVersion the sender's protocol version, 1..65535 ({@link Messages#PROTOCOL_VERSION})
 * @param deviceName the sender's human-readable device name, at most {@value #MAX_DEVICE_NAME_BYTES} UTF-8 bytes
 * @param clientName the sender's software, at most {@value #MAX_CLIENT_NAME_BYTES} UTF-8 bytes
 * @param clientVersion the sender's software version, at most {@value #MAX_CLIENT_VERSION_BYTES} UTF-8 bytes
 * @param level the access level of the sender's key for this folder
 * @param indexId random id of the sender's index for this folder; changes when the index is reset
 * @param maxSequence the highest sequence of the sender's own (local) records, 0 for none
 * @param knownIndexId the receiver's {@code indexId} under which the sender last applied the
 *     receiver's records (0 with {@code knownSequence} 0 when it has none)
 * @param knownSequence the highest of the receiver's sequences the sender has applied under
 *     {@code knownIndexId}, 0 for none. The receiver answers with its records above this if
 *     {@code knownIndexId} is its current index id, else with its whole index.
 */
public record Hello(int protocolVersion, String deviceName, String clientName, String clientVersion,
                    AccessLevel level, long indexId, long maxSequence, long knownIndexId, long knownSequence)
        implements Message {
    /** Longest device name, in UTF-8 bytes. */
    public static final int MAX_DEVICE_NAME_BYTES = 64;
    /** Longest client name, in UTF-8 bytes. */
    public static final int MAX_CLIENT_NAME_BYTES = 64;
    /** Longest client version, in UTF-8 bytes. */
    public static final int MAX_CLIENT_VERSION_BYTES = 32;
    /** Largest protocol version the u16 field holds. */
    static final int MAX_PROTOCOL_VERSION = 0xFFFF;

    /** @throws IllegalArgumentException if a field is out of range (see the parameters) */
    public Hello {
        if (protocolVersion < 1 || protocolVersion > MAX_PROTOCOL_VERSION) {
            throw new IllegalArgumentException("Hello.protocolVersion must be 1..65535, was " + protocolVersion);
        }
        Text.check(Objects.requireNonNull(deviceName, "Hello.deviceName"), MAX_DEVICE_NAME_BYTES, "Hello.deviceName");
        Text.check(Objects.requireNonNull(clientName, "Hello.clientName"), MAX_CLIENT_NAME_BYTES, "Hello.clientName");
        Text.check(Objects.requireNonNull(clientVersion, "Hello.clientVersion"), MAX_CLIENT_VERSION_BYTES,
                "Hello.clientVersion");
        Objects.requireNonNull(level, "Hello.level");
        if (maxSequence < 0) {
            throw new IllegalArgumentException("Hello.maxSequence must be >= 0, was " + maxSequence);
        }
        if (knownSequence < 0) {
            throw new IllegalArgumentException("Hello.knownSequence must be >= 0, was " + knownSequence);
        }
    }

    /** A Hello from a sender that knows none of the receiver's records (knownIndexId and knownSequence 0). */
    public Hello(int protocolVersion, String deviceName, String clientName, String clientVersion,
                 AccessLevel level, long indexId, long maxSequence) {
        this(protocolVersion, deviceName, clientName, clientVersion, level, indexId, maxSequence, 0, 0);
    }

    /** This Hello stating that the sender has the receiver's records up to {@code sequence} of index {@code indexId}. */
    public Hello withKnown(long indexId, long sequence) {
        return new Hello(protocolVersion, deviceName, clientName, clientVersion, level, this.indexId, maxSequence,
                indexId, sequence);
    }

    /** A Hello of this build's {@link Messages#PROTOCOL_VERSION} that knows none of the receiver's records. */
    public static Hello of(String deviceName, String clientName, String clientVersion, AccessLevel level,
                           long indexId, long maxSequence) {
        return new Hello(Messages.PROTOCOL_VERSION, deviceName, clientName, clientVersion, level, indexId,
                maxSequence);
    }

    /** The wire code of {@code level}. */
    static int levelCode(AccessLevel level) {
        switch (level) {
            case READ_WRITE: return 0;
            case READ_ONLY: return 1;
            default: return 2;
        }
    }

    /** The level of a wire code, or null if the code names none. */
    static AccessLevel levelOf(int code) {
        switch (code) {
            case 0: return AccessLevel.READ_WRITE;
            case 1: return AccessLevel.READ_ONLY;
            case 2: return AccessLevel.ENCRYPTED;
            default: return null;
        }
    }
}
