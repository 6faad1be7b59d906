package dev.cloudless.sync.core.path;

import java.util.Objects;

/**
 * A path that is not a valid {@link FolderPath}, or that cannot safely be resolved inside a
 * folder on this device.
 *
 * <p>Unchecked, like Netty's {@code CorruptedFrameException}: it is thrown at the edge (the
 * record decoder, the scanner) and turned there into a protocol violation or a skipped file.
 * A path from a peer that fails {@link FolderPath#parse} is grounds for disconnecting that peer.
 *
 * <p>The message names the offending path, escaped so that it is printable and cannot forge log
 * lines, and shortened to {@value #MAX_QUOTED_CHARS} characters so that a hostile 4 KiB path
 * cannot flood a log.
 */
public final class InvalidFolderPathException extends RuntimeException {
    /** Longest prefix of the offending path quoted in a message, in characters. */
    public static final int MAX_QUOTED_CHARS = 200;

    /** Why a path was refused. */
    public enum Reason {
        /** The empty string: the folder root itself is not a file of the folder. */
        EMPTY("is empty"),
        /** Starts with {@code /}. */
        ABSOLUTE("is absolute"),
        /** Two consecutive {@code /} or a trailing {@code /}. */
        EMPTY_SEGMENT("has an empty segment"),
        /** A {@code .} segment. */
        DOT_SEGMENT("has a '.' segment"),
        /** A {@code ..} segment. */
        PARENT_SEGMENT("has a '..' segment"),
        /** Contains U+0000. */
        NUL("contains NUL"),
        /** Contains another C0 control, DEL or a C1 control (U+0001-U+001F, U+007F-U+009F). */
        CONTROL_CHAR("contains a control character"),
        /** Contains {@code \}, a separator on Windows, so {@code a\..\..\x} would climb there. */
        BACKSLASH("contains a backslash"),
        /** Contains an unpaired UTF-16 surrogate, which has no UTF-8 form. */
        MALFORMED_UNICODE("contains an unpaired surrogate"),
        /** Not in Unicode Normalization Form C (wire paths must already be canonical). */
        NOT_NFC("is not in Unicode NFC"),
        /** A segment longer than {@link FolderPath#MAX_SEGMENT_BYTES} UTF-8 bytes. */
        SEGMENT_TOO_LONG("has a segment longer than " + FolderPath.MAX_SEGMENT_BYTES + " UTF-8 bytes"),
        /** Longer than {@link FolderPath#MAX_PATH_BYTES} UTF-8 bytes. */
        TOO_LONG("is longer than " + FolderPath.MAX_PATH_BYTES + " UTF-8 bytes"),
        /** Equal to or under the folder's private {@code .sync} directory (any spelling of it). */
        RESERVED("is in the reserved " + FolderPath.RESERVED_DIR + " directory"),
        /** A segment this platform's file system cannot name as one plain path element. */
        NOT_REPRESENTABLE("cannot be represented on this file system"),
        /** Resolving it would pass through a symbolic link (or junction) below the folder root. */
        TRAVERSES_SYMLINK("passes through a symbolic link"),
        /** Resolving it would leave the folder root. */
        OUTSIDE_ROOT("resolves outside the folder");

        private final String description;

        Reason(String description) {
            this.description = description;
        }

        /** A short phrase completing "path ... ", e.g. {@code "has a '..' segment"}. */
        public String description() {
            return description;
        }
    }

    private final Reason reason;
    private final String path;

    InvalidFolderPathException(String path, Reason reason) {
        this(path, reason, null);
    }

    InvalidFolderPathException(String path, Reason reason, String detail) {
        super("path " + quote(path) + " " + reason.description()
                + (detail == null ? "" : " (" + detail + ")") + " [" + reason + "]");
        this.reason = Objects.requireNonNull(reason);
        this.path = path;
    }

    /** Why the path was refused. */
    public Reason reason() {
        return reason;
    }

    /** The refused path exactly as given (unescaped; may be hostile, escape before printing). */
    public String path() {
        return path;
    }

    /**
     * {@code s} in double quotes with {@code \}, {@code "}, controls, unpaired surrogates and
     * line/format separators as Java escapes, cut to {@value #MAX_QUOTED_CHARS} characters.
     */
    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_QUOTED_CHARS) + 8).append('"');
        int n = Math.min(s.length(), MAX_QUOTED_CHARS);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            int type = Character.getType(c);
            if (c == '\\' || c == '"') {
                b.append('\\').append(c);
            } else if (type == Character.CONTROL || type == Character.FORMAT
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                    || (Character.isSurrogate(c) && !pairedAt(s, i, n))) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('"');
        if (s.length() > n) {
            b.append("...(").append(s.length()).append(" chars)");
        }
        return b.toString();
    }

    // A pair cut in half by the length limit counts as unpaired, so the quote stays valid UTF-16.
    private static boolean pairedAt(String s, int i, int limit) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < limit && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
