package dev.cloudless.sync.core.path;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reports names that are valid folder paths but cannot be created on some platform, so the
 * engine can warn or skip them per its policy instead of failing mid-sync. Nothing here
 * rejects: {@code aux.txt} is a fine file on Linux and must still sync between Linux devices.
 *
 * <p>Checked per segment (Microsoft, "Naming Files, Paths, and Namespaces"):
 * <ul>
 *   <li>{@link Problem#WINDOWS_DEVICE_NAME}: {@code CON PRN AUX NUL COM1-COM9 COM¹ COM² COM³
 *       LPT1-LPT9 LPT¹ LPT² LPT³}, in any case, alone or followed by an extension
 *       ({@code nul.tar.gz} is {@code NUL}) or a colon ({@code aux:x}), also with spaces
 *       before those ({@code "con .txt"});</li>
 *   <li>{@link Problem#WINDOWS_RESERVED_CHAR}: any of {@code < > : " | ? *};</li>
 *   <li>{@link Problem#TRAILING_DOT} and {@link Problem#TRAILING_SPACE}: Win32 strips them, so
 *       {@code "a."} and {@code "a"} would be one file.</li>
 * </ul>
 * Controls and {@code \}, also invalid on Windows, never get this far: {@link FolderPath}
 * rejects them.
 *
 * <pre>{@code
 * for (Portability.Issue issue : Portability.check(path)) {
 *     log.warn("{} cannot be created on Windows: {}", path, issue);
 * }
 * }</pre>
 */
public final class Portability {
    /** A portability problem of one name. */
    public enum Problem {
        /** A Windows device name, alone or with an extension. */
        WINDOWS_DEVICE_NAME,
        /** One of {@code < > : " | ? *}. */
        WINDOWS_RESERVED_CHAR,
        /** Ends with {@code .}. */
        TRAILING_DOT,
        /** Ends with a space. */
        TRAILING_SPACE
    }

    /**
     * One problem in one segment of a path.
     *
     * @param segmentIndex index of the segment in {@link FolderPath#segments()}
     * @param segment the segment
     * @param problem what is wrong with it
     */
    public record Issue(int segmentIndex, String segment, Problem problem) {}

    private static final Set<String> DEVICE_NAMES = Set.of(
            "CON", "PRN", "AUX", "NUL",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "COM\u00B9", "COM\u00B2", "COM\u00B3",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
            "LPT\u00B9", "LPT\u00B2", "LPT\u00B3");
    private static final String RESERVED_CHARS = "<>:\"|?*";

    private Portability() {}

    /** Every problem of every segment, in segment order; empty if the path is portable. */
    public static List<Issue> check(FolderPath path) {
        List<Issue> issues = new ArrayList<>(0);
        List<String> segments = path.segments();
        for (int i = 0; i < segments.size(); i++) {
            for (Problem problem : problems(segments.get(i))) {
                issues.add(new Issue(i, segments.get(i), problem));
            }
        }
        return List.copyOf(issues);
    }

    /** Whether {@link #check} finds nothing. */
    public static boolean isPortable(FolderPath path) {
        return check(path).isEmpty();
    }

    /** The problems of one name (a path segment), each at most once, in {@link Problem} order. */
    public static List<Problem> problems(String name) {
        List<Problem> out = new ArrayList<>(0);
        if (isWindowsDeviceName(name)) {
            out.add(Problem.WINDOWS_DEVICE_NAME);
        }
        for (int i = 0; i < name.length(); i++) {
            if (RESERVED_CHARS.indexOf(name.charAt(i)) >= 0) {
                out.add(Problem.WINDOWS_RESERVED_CHAR);
                break;
            }
        }
        if (name.endsWith(".")) {
            out.add(Problem.TRAILING_DOT);
        }
        if (name.endsWith(" ")) {
            out.add(Problem.TRAILING_SPACE);
        }
        return out;
    }

    private static boolean isWindowsDeviceName(String name) {
        // The device is the part before the first '.' (an extension) or ':' ("CON:" is the console too).
        int end = 0;
        while (end < name.length() && name.charAt(end) != '.' && name.charAt(end) != ':') {
            end++;
        }
        while (end > 0 && name.charAt(end - 1) == ' ') {
            end--;
        }
        // Locale.ROOT: the answer must not depend on the user's locale.
        return end >= 3 && end <= 4 && DEVICE_NAMES.contains(name.substring(0, end).toUpperCase(Locale.ROOT));
    }
}
