package dev.cloudless.sync.core.ignore;

import dev.cloudless.sync.core.path.FolderPath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The ignore rules of a folder, read from the {@value #FILE_NAME} file at its root:
 * gitignore-like patterns, compiled once, matched without regular expressions.
 *
 * <pre>{@code
 * IgnoreRules rules = IgnoreRules.load(root.resolve(IgnoreRules.FILE_NAME));
 * if (!rules.isIgnored(path, attrs.isDirectory())) { index(path); }
 * }</pre>
 *
 * <h2>Syntax</h2>
 * One pattern per line, in UTF-8 (a leading byte order mark is skipped; CRLF is fine).
 * <ul>
 *   <li>A blank line matches nothing; a line starting with {@code #} is a comment (write
 *       {@code \#} for a name starting with {@code #}).</li>
 *   <li>Trailing spaces are dropped unless escaped ({@code "a\ "} matches {@code "a "}).</li>
 *   <li>A leading {@code !} negates: a matching path is re-included ({@code \!} for a literal
 *       {@code !}).</li>
 *   <li>A trailing {@code /} matches directories only ({@code build/} ignores the directory
 *       {@code build} and everything under it, but not a file named {@code build}).</li>
 *   <li>A {@code /} at the start or in the middle anchors the pattern to the folder root
 *       ({@code /todo} and {@code doc/todo} match only there). Without one, the pattern matches
 *       a name at any depth ({@code *.tmp} ignores {@code a/b/x.tmp}).</li>
 *   <li>{@code *} matches any run of characters except {@code /}, including none and including
 *       a leading dot; {@code ?} matches exactly one character (code point) other than {@code /};
 *       {@code [abc]}, {@code [a-z]}, {@code [!a-z]} (or {@code [^a-z]}) match one character in
 *       or not in the set; {@code ]} first in a set is a member; POSIX classes
 *       ({@code [[:alpha:]]}) are not supported.</li>
 *   <li>{@code **} as a whole segment matches any number of directories: {@code **}{@code /x}
 *       matches {@code x} at any depth, {@code a/**} everything inside {@code a} (not {@code a}
 *       itself), {@code a/**}{@code /b} matches {@code a/b}, {@code a/x/b}, {@code a/x/y/b}.
 *       Elsewhere, {@code **} is the same as {@code *}.</li>
 *   <li>{@code \} makes the next character literal.</li>
 * </ul>
 * Repeated slashes count as one. A line is malformed, and {@link #parse} throws an
 * {@link IllegalArgumentException} naming its line number, when it has an unterminated
 * {@code [}, a reversed range ({@code [z-a]}), a POSIX class, a trailing lone {@code \}, a
 * {@code .} or {@code ..} segment (no path has one), or no pattern at all ({@code !}, {@code /}).
 *
 * <h2>Meaning</h2>
 * <ul>
 *   <li>The last matching pattern wins; a path no pattern matches is not ignored.</li>
 *   <li>If a directory is ignored, everything under it is ignored, and (as in git) no negation
 *       can re-include a path inside it: the scanner does not even descend into it. To keep one
 *       file of a directory, ignore the directory's contents instead of the directory:
 *       {@code build/*} then {@code !build/keep.txt}.</li>
 *   <li>Matching is case-sensitive unless the rules are built with
 *       {@link CaseSensitivity#INSENSITIVE} (for folders on case-insensitive file systems), which
 *       compares with simple Unicode case folding, in sets and ranges too.</li>
 *   <li>{@value FolderPath#RESERVED_DIR} (in any spelling {@link FolderPath#isReservedName}
 *       recognises) is always ignored, whatever the patterns say: it holds the folder's
 *       temporary files and archive.</li>
 *   <li>The root {@value #FILE_NAME} itself is never ignored: it is synced like any file, so
 *       every device of the folder applies the same rules. Files named {@value #FILE_NAME} in
 *       subdirectories are ordinary files with no effect.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class IgnoreRules {
    /** The rules file at the folder root. */
    public static final String FILE_NAME = ".syncignore";
    /** Largest rules file {@link #load} reads, in bytes (1 MiB). */
    public static final int MAX_FILE_BYTES = 1 << 20;

    /** How letters compare. */
    public enum CaseSensitivity {
        /** {@code A} and {@code a} differ (the default). */
        SENSITIVE,
        /** {@code A} and {@code a} are the same letter. */
        INSENSITIVE
    }

    private static final IgnoreRules EMPTY = new IgnoreRules(new Rule[0], CaseSensitivity.SENSITIVE);

    private final Rule[] rules;
    private final CaseSensitivity caseSensitivity;

    private IgnoreRules(Rule[] rules, CaseSensitivity caseSensitivity) {
        this.rules = rules;
        this.caseSensitivity = caseSensitivity;
    }

    /** Rules with no patterns: only {@value FolderPath#RESERVED_DIR} is ignored. */
    public static IgnoreRules empty() {
        return EMPTY;
    }

    /** Case-sensitive rules from the text of a rules file. */
    public static IgnoreRules parse(String text) {
        return parse(text, CaseSensitivity.SENSITIVE);
    }

    /**
     * Rules from the text of a rules file.
     *
     * @throws IllegalArgumentException if a line is malformed; the message starts with
     *     {@code "line N: "}
     */
    public static IgnoreRules parse(String text, CaseSensitivity caseSensitivity) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(caseSensitivity, "caseSensitivity");
        boolean fold = caseSensitivity == CaseSensitivity.INSENSITIVE;
        List<Rule> rules = new ArrayList<>();
        int start = text.startsWith("\uFEFF") ? 1 : 0;
        int lineNumber = 1;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            int contentEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            Rule rule = Rule.compile(text.substring(start, contentEnd), lineNumber, fold);
            if (rule != null) {
                rules.add(rule);
            }
            start = end + 1;
            lineNumber++;
        }
        return new IgnoreRules(rules.toArray(new Rule[0]), caseSensitivity);
    }

    /** Case-sensitive rules from a rules file; a missing file gives {@link #empty()}. */
    public static IgnoreRules load(Path file) throws IOException {
        return load(file, CaseSensitivity.SENSITIVE);
    }

    /**
     * Rules from a rules file; a missing file gives rules with no patterns.
     *
     * @throws IOException if the file cannot be read, is larger than {@value #MAX_FILE_BYTES}
     *     bytes or is not valid UTF-8
     * @throws IllegalArgumentException if a line is malformed (see {@link #parse})
     */
    public static IgnoreRules load(Path file, CaseSensitivity caseSensitivity) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            // Read at most one byte more than allowed, so a huge or growing file costs nothing.
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            return caseSensitivity == CaseSensitivity.SENSITIVE ? EMPTY : new IgnoreRules(new Rule[0], caseSensitivity);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new IOException(file + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        String text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
        return parse(text, caseSensitivity);
    }

    /** Whether {@code path} is ignored; {@code isDirectory} says whether it is a directory. */
    public boolean isIgnored(FolderPath path, boolean isDirectory) {
        List<String> segments = path.segments();
        return isIgnored(segments.toArray(new String[0]), isDirectory);
    }

    /**
     * Whether the entry at {@code relativePath} ({@code /}-separated, relative to the folder
     * root; empty segments are skipped) is ignored. Never throws for a non-null string; the
     * answer for a path that is not a valid {@link FolderPath} is well defined but not useful.
     * The root itself (an empty path) is never ignored.
     */
    public boolean isIgnored(String relativePath, boolean isDirectory) {
        List<String> segments = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= relativePath.length(); i++) {
            if (i == relativePath.length() || relativePath.charAt(i) == '/') {
                if (i > start) {
                    segments.add(relativePath.substring(start, i));
                }
                start = i + 1;
            }
        }
        return isIgnored(segments.toArray(new String[0]), isDirectory);
    }

    private boolean isIgnored(String[] segments, boolean isDirectory) {
        if (segments.length == 0) {
            return false;
        }
        if (FolderPath.isReservedName(segments[0])) {
            return true;
        }
        if (segments.length == 1 && isRulesFile(segments[0])) {
            return false;
        }
        // Each ancestor is a directory; once one is ignored, nothing below can come back.
        for (int depth = 1; depth < segments.length; depth++) {
            if (lastMatchIgnores(segments, depth, true)) {
                return true;
            }
        }
        return lastMatchIgnores(segments, segments.length, isDirectory);
    }

    private boolean isRulesFile(String name) {
        return caseSensitivity == CaseSensitivity.INSENSITIVE ? name.equalsIgnoreCase(FILE_NAME) : name.equals(FILE_NAME);
    }

    private boolean lastMatchIgnores(String[] segments, int length, boolean isDirectory) {
        for (int i = rules.length - 1; i >= 0; i--) {
            Rule rule = rules[i];
            if (rule.matches(segments, length, isDirectory)) {
                return !rule.negated;
            }
        }
        return false;
    }

    /** The case sensitivity these rules were built with. */
    public CaseSensitivity caseSensitivity() {
        return caseSensitivity;
    }

    /** The number of patterns (lines that are neither blank nor comments). */
    public int size() {
        return rules.length;
    }

    /** The patterns as written, one per line, with their line numbers. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("IgnoreRules[").append(caseSensitivity);
        for (Rule rule : rules) {
            b.append(", ").append(rule.line).append(": ").append(rule.source);
        }
        return b.append(']').toString();
    }
}
