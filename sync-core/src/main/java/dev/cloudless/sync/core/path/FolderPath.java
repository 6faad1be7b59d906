package dev.cloudless.sync.core.path;

import static dev.cloudless.sync.core.path.InvalidFolderPathException.Reason;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The canonical relative path of a file or directory inside a shared folder: the key of the
 * folder's index and the path carried in every record on the wire.
 *
 * <p>A {@code FolderPath} is always canonical, so two equal files have equal paths and a signed
 * record has exactly one byte form:
 * <ul>
 *   <li>segments separated by a single {@code /}; not absolute, no empty, {@code .} or
 *       {@code ..} segment;</li>
 *   <li>no NUL, no control character (U+0001-U+001F, U+007F-U+009F), no {@code \};</li>
 *   <li>well-formed Unicode in Normalization Form C;</li>
 *   <li>each segment at most {@value #MAX_SEGMENT_BYTES} UTF-8 bytes, the whole path at most
 *       {@value #MAX_PATH_BYTES} UTF-8 bytes;</li>
 *   <li>never the folder's private {@value #RESERVED_DIR} directory nor anything under it, in
 *       any spelling a file system would take for it (see {@link #parse}).</li>
 * </ul>
 *
 * <p>Two ways in, one strict and one lenient about Unicode normalization:
 * <pre>{@code
 * FolderPath p = FolderPath.parse(record.path());          // from a peer: must already be NFC
 * FolderPath q = FolderPath.ofLocal(root.relativize(file)); // from disk: NFD (macOS) becomes NFC
 * Path target = p.resolveIn(root);                           // stays inside root, no symlinked parents
 * }</pre>
 *
 * <p>{@link #parse} refuses a non-NFC path instead of normalizing it: if it normalized, the NFC
 * and NFD spellings of one name would be two different wire records for one index key, and a
 * signature over one would not cover the other. The local side normalizes (see
 * {@link UnicodeNames} for the policy and for finding the on-disk spelling of an NFC name).
 *
 * <p>Validity does not mean portability: {@code aux.txt} or {@code a:b} are valid paths that
 * Windows cannot create; {@link Portability#check} reports those.
 */
public final class FolderPath implements Comparable<FolderPath> {
    /** Longest segment (file or directory name), in UTF-8 bytes: the common NAME_MAX. */
    public static final int MAX_SEGMENT_BYTES = 255;
    /** Longest path, in UTF-8 bytes: Linux's PATH_MAX, enough for any real tree. */
    public static final int MAX_PATH_BYTES = 4096;
    /** The folder's private directory (temporary files, archive, marker); never synced. */
    public static final String RESERVED_DIR = ".sync";
    /** The separator of the canonical form, whatever the platform's. */
    public static final char SEPARATOR = '/';

    private final String path;

    private FolderPath(String path) {
        this.path = path;
    }

    /**
     * Validates a path received from the network (or any untrusted source) and returns it.
     * Nothing is normalized: the string must already be canonical, and {@code parse(s).toString()}
     * is {@code s}.
     *
     * <p>The reason reported is that of the first violation scanning from the left; the total
     * length, NFC and the reserved directory are checked after the scan. The reserved directory
     * is recognised in the spellings that reach it on common file systems: any case (including
     * {@code ſ}, which case-folds to {@code s}), with trailing dots or spaces (Win32 strips them),
     * with an NTFS stream suffix ({@code .sync::$INDEX_ALLOCATION}) and with the code points
     * HFS+ ignores (zero-width joiners, direction marks, U+FEFF). {@link #resolveIn} then
     * compares with the real directory, which also catches aliases no string test can see
     * (8.3 short names).
     *
     * @throws InvalidFolderPathException if {@code wire} is not a canonical folder path
     */
    public static FolderPath parse(String wire) {
        Objects.requireNonNull(wire, "wire");
        check(wire, true);
        return new FolderPath(wire);
    }

    /**
     * The folder path of a local file, from its path relative to the folder root (as
     * {@code root.relativize(file)} gives it), joined with {@code /} and normalized to NFC.
     *
     * @throws InvalidFolderPathException if the result is not a valid folder path, e.g. a Linux
     *     file name with a backslash or a control character: the scanner skips such a file and
     *     reports it
     */
    public static FolderPath ofLocal(Path relative) {
        Objects.requireNonNull(relative, "relative");
        if (relative.isAbsolute() || relative.getRoot() != null) {
            throw new InvalidFolderPathException(relative.toString(), Reason.ABSOLUTE);
        }
        StringBuilder b = new StringBuilder();
        for (Path name : relative) {
            if (b.length() > 0) {
                b.append(SEPARATOR);
            }
            b.append(name);
        }
        // The normalizer passes unpaired surrogates through; check() then reports them.
        String nfc = Normalizer.normalize(b, Normalizer.Form.NFC);
        check(nfc, false);
        return new FolderPath(nfc);
    }

    /** The segments, root first; never empty. */
    public List<String> segments() {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = path.indexOf(SEPARATOR); i >= 0; i = path.indexOf(SEPARATOR, start)) {
            out.add(path.substring(start, i));
            start = i + 1;
        }
        out.add(path.substring(start));
        return List.copyOf(out);
    }

    /** The number of segments. */
    public int depth() {
        int n = 1;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == SEPARATOR) {
                n++;
            }
        }
        return n;
    }

    /** The last segment: the file or directory name. */
    public String name() {
        return path.substring(path.lastIndexOf(SEPARATOR) + 1);
    }

    /** The parent directory, or empty for an entry at the folder root. */
    public Optional<FolderPath> parent() {
        int i = path.lastIndexOf(SEPARATOR);
        return i < 0 ? Optional.empty() : Optional.of(new FolderPath(path.substring(0, i)));
    }

    /** Whether this path is {@code other} or lies under it, segment-wise ({@code ab} is not under {@code a}). */
    public boolean startsWith(FolderPath other) {
        return path.startsWith(other.path)
                && (path.length() == other.path.length() || path.charAt(other.path.length()) == SEPARATOR);
    }

    /** The canonical form's UTF-8 bytes, as they go on the wire. */
    public byte[] toBytes() {
        return path.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The local path of this entry under {@code folderRoot}, guaranteed not to leave it.
     *
     * <p>Besides the lexical check, this walks the components that already exist on disk,
     * without following links, and refuses if one of the <em>parent</em> components is a
     * symbolic link, a junction or another non-directory special file, whether it points
     * inside the folder or out of it: writing {@code a/x} through a link {@code a -> b} would
     * change {@code b/x} behind the index's back, and through {@code a -> /etc} would change
     * the system. It also refuses a first component that is the same file as the real
     * {@code .sync} directory. The last component itself is not checked: it is the entry being
     * synced, and may legitimately be a link; open it with {@link LinkOption#NOFOLLOW_LINKS}.
     *
     * <p>Components that do not exist yet end the walk: the engine creates them as real
     * directories. This guards against hostile records, not against a local process racing to
     * swap a directory for a link between this check and the write (it can write the folder
     * anyway).
     *
     * @param folderRoot the folder's root directory, which must exist; it may itself be a link
     * @return {@code folderRoot.toRealPath()} resolved with this path's segments, each existing one in
     *     its on-disk spelling (which may be another Unicode normalization of the segment)
     * @throws InvalidFolderPathException with reason {@link Reason#TRAVERSES_SYMLINK},
     *     {@link Reason#RESERVED}, {@link Reason#NOT_REPRESENTABLE} or {@link Reason#OUTSIDE_ROOT}
     * @throws IOException if the root or an existing component cannot be read
     */
    public Path resolveIn(Path folderRoot) throws IOException {
        Path root = folderRoot.toRealPath();
        FileSystem fs = root.getFileSystem();
        List<String> segments = segments();
        Path lexical = root;
        for (String segment : segments) {
            lexical = lexical.resolve(representable(fs, segment));
        }
        // Cannot fail for a valid path on POSIX; guards platforms with odd path syntax.
        if (!lexical.normalize().startsWith(root) || lexical.normalize().equals(root)) {
            throw new InvalidFolderPathException(path, Reason.OUTSIDE_ROOT);
        }
        Path reserved = root.resolve(RESERVED_DIR);
        Path current = root;
        int i = 0;
        for (; i < segments.size(); i++) {
            String segment = segments.get(i);
            Path next = current.resolve(segment);
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                // The index holds NFC; the disk may hold another spelling of the same name
                // (UnicodeNames policy 2). An ASCII name has only one spelling: no listing.
                Optional<Path> other = isAscii(segment) ? Optional.empty() : UnicodeNames.findExisting(current, segment);
                if (other.isEmpty()) {
                    break;
                }
                next = other.get();
                attrs = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            }
            current = next;
            if (i == 0 && Files.isDirectory(reserved, LinkOption.NOFOLLOW_LINKS) && sameFile(current, reserved)) {
                throw new InvalidFolderPathException(path, Reason.RESERVED, "same file as " + reserved);
            }
            if (i == segments.size() - 1) {
                return current;
            }
            if (attrs.isSymbolicLink() || attrs.isOther()) {
                throw new InvalidFolderPathException(path, Reason.TRAVERSES_SYMLINK,
                        "component " + InvalidFolderPathException.quote(root.relativize(current).toString())
                                + describeLink(root, current));
            }
            if (!attrs.isDirectory()) {
                i++;
                break; // a regular file: nothing can exist below it, the write will fail on its own
            }
        }
        // Components from i on do not exist (yet): the engine creates them in NFC.
        for (; i < segments.size(); i++) {
            current = current.resolve(representable(fs, segments.get(i)));
        }
        return current;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false; // e.g. a dangling link, which is not the reserved directory
        }
    }

    private static String describeLink(Path root, Path link) {
        try {
            Path real = link.toRealPath();
            return real.startsWith(root) ? " leads inside the folder" : " leads outside the folder";
        } catch (IOException e) {
            return " is dangling or unreadable";
        }
    }

    private Path representable(FileSystem fs, String segment) {
        Path p;
        try {
            p = fs.getPath(segment);
        } catch (java.nio.file.InvalidPathException e) {
            throw new InvalidFolderPathException(path, Reason.NOT_REPRESENTABLE, e.getReason());
        }
        if (p.isAbsolute() || p.getRoot() != null || p.getNameCount() != 1 || !p.toString().equals(segment)) {
            throw new InvalidFolderPathException(path, Reason.NOT_REPRESENTABLE,
                    "segment " + InvalidFolderPathException.quote(segment) + " is not one plain name here");
        }
        return p;
    }

    /**
     * Orders paths segment by segment in Unicode code point order (the order of their UTF-8
     * bytes), so that a directory's descendants follow it directly: {@code a}, {@code a/b},
     * {@code a b}. Consistent with {@link #equals}.
     */
    @Override
    public int compareTo(FolderPath other) {
        String a = path;
        String b = other.path;
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (x == SEPARATOR) {
                    return -1;
                }
                if (y == SEPARATOR) {
                    return 1;
                }
                return Integer.compare(codePointOrderKey(x), codePointOrderKey(y));
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    // UTF-16 code unit order puts U+E000..U+FFFF after the surrogates; shift so that supplementary
    // characters (surrogates) sort last, as their code points do.
    private static int codePointOrderKey(char c) {
        if (c < 0xD800) {
            return c;
        }
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FolderPath other && path.equals(other.path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    /** The canonical form, e.g. {@code docs/readme.txt}. */
    @Override
    public String toString() {
        return path;
    }

    // ---- validation ----

    static void check(String s, boolean requireNfc) {
        int n = s.length();
        if (n == 0) {
            throw new InvalidFolderPathException(s, Reason.EMPTY);
        }
        // UTF-8 takes at least one byte per UTF-16 unit, so this bounds the work up front.
        if (n > MAX_PATH_BYTES) {
            throw new InvalidFolderPathException(s, Reason.TOO_LONG, n + " chars");
        }
        int bytes = 0;
        int segmentStart = 0;
        int segmentBytes = 0;
        boolean ascii = true;
        for (int i = 0; i <= n; i++) {
            if (i == n || s.charAt(i) == SEPARATOR) {
                checkSegment(s, segmentStart, i, segmentBytes);
                segmentStart = i + 1;
                segmentBytes = 0;
                bytes += i < n ? 1 : 0;
                continue;
            }
            char c = s.charAt(i);
            int len;
            if (c < 0x80) {
                if (c == 0) {
                    throw new InvalidFolderPathException(s, Reason.NUL, "at index " + i);
                }
                if (c < 0x20 || c == 0x7F) {
                    throw new InvalidFolderPathException(s, Reason.CONTROL_CHAR, "at index " + i);
                }
                if (c == '\\') {
                    throw new InvalidFolderPathException(s, Reason.BACKSLASH, "at index " + i);
                }
                len = 1;
            } else {
                ascii = false;
                if (c <= 0x9F) {
                    throw new InvalidFolderPathException(s, Reason.CONTROL_CHAR, "at index " + i);
                }
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    len = 4;
                } else if (Character.isSurrogate(c)) {
                    throw new InvalidFolderPathException(s, Reason.MALFORMED_UNICODE, "at index " + i);
                } else {
                    len = c < 0x800 ? 2 : 3;
                }
            }
            segmentBytes += len;
            bytes += len;
        }
        if (bytes > MAX_PATH_BYTES) {
            throw new InvalidFolderPathException(s, Reason.TOO_LONG, bytes + " bytes");
        }
        if (requireNfc && !ascii && !Normalizer.isNormalized(s, Normalizer.Form.NFC)) {
            throw new InvalidFolderPathException(s, Reason.NOT_NFC);
        }
        int firstEnd = s.indexOf(SEPARATOR);
        if (isReservedName(firstEnd < 0 ? s : s.substring(0, firstEnd))) {
            throw new InvalidFolderPathException(s, Reason.RESERVED);
        }
    }

    private static void checkSegment(String s, int start, int end, int segmentBytes) {
        int len = end - start;
        if (len == 0) {
            throw new InvalidFolderPathException(s, start == 0 ? Reason.ABSOLUTE : Reason.EMPTY_SEGMENT,
                    "at index " + start);
        }
        if (s.charAt(start) == '.' && (len == 1 || (len == 2 && s.charAt(start + 1) == '.'))) {
            throw new InvalidFolderPathException(s, len == 1 ? Reason.DOT_SEGMENT : Reason.PARENT_SEGMENT,
                    "at index " + start);
        }
        if (segmentBytes > MAX_SEGMENT_BYTES) {
            throw new InvalidFolderPathException(s, Reason.SEGMENT_TOO_LONG,
                    segmentBytes + " bytes at index " + start);
        }
    }

    /**
     * Whether a name, as the first segment of a path, would be the reserved {@value #RESERVED_DIR}
     * directory on some file system: compared ignoring case, HFS+-ignorable code points, an NTFS
     * {@code :stream} suffix and trailing dots and spaces.
     */
    public static boolean isReservedName(String segment) {
        StringBuilder b = new StringBuilder(segment.length());
        for (int i = 0; i < segment.length(); ) {
            int cp = segment.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == ':') {
                break;
            }
            if (!isHfsIgnorable(cp)) {
                b.appendCodePoint(cp);
            }
        }
        int end = b.length();
        while (end > 0 && (b.charAt(end - 1) == '.' || b.charAt(end - 1) == ' ')) {
            end--;
        }
        // equalsIgnoreCase folds like the case-insensitive file systems do: ".ſync" matches too.
        return b.substring(0, end).equalsIgnoreCase(RESERVED_DIR);
    }

    // The code points HFS+ drops when comparing names (the list git uses against ".git" aliases).
    private static boolean isHfsIgnorable(int cp) {
        return (cp >= 0x200C && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF;
    }
}
