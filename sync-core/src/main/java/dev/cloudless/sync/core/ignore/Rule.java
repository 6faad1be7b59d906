package dev.cloudless.sync.core.ignore;

import java.util.ArrayList;
import java.util.List;

/**
 * One compiled line of a rules file: a list of segment matchers, where {@code null} stands for
 * a {@code **} segment (any number of path segments).
 */
final class Rule {
    final String source;
    final int line;
    final boolean negated;
    final boolean directoryOnly;
    private final Glob[] segments;

    private Rule(String source, int line, boolean negated, boolean directoryOnly, Glob[] segments) {
        this.source = source;
        this.line = line;
        this.negated = negated;
        this.directoryOnly = directoryOnly;
        this.segments = segments;
    }

    /** The rule of one line, or {@code null} for a blank or comment line. */
    static Rule compile(String text, int line, boolean fold) {
        if (text.startsWith("#")) {
            return null;
        }
        String trimmed = trimTrailingSpaces(text);
        if (trimmed.isEmpty()) {
            return null;
        }
        boolean negated = trimmed.startsWith("!");
        String pattern = negated ? trimmed.substring(1) : trimmed;

        Glob.Parser parser = new Glob.Parser(pattern, text, line, fold);
        List<List<Integer>> rawSegments = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        boolean leadingSlash = false;
        boolean trailingSlash = false;
        while (parser.hasNext()) {
            int op = parser.next();
            if (op == Glob.SEPARATOR) {
                if (rawSegments.isEmpty() && current.isEmpty()) {
                    leadingSlash = true;
                }
                if (!current.isEmpty()) {
                    rawSegments.add(current);
                    current = new ArrayList<>();
                }
                trailingSlash = true;
            } else {
                current.add(op);
                trailingSlash = false;
            }
        }
        if (!current.isEmpty()) {
            rawSegments.add(current);
        }
        if (rawSegments.isEmpty()) {
            throw error(line, "no pattern", text);
        }
        // A slash at the start or between two segments anchors the pattern to the root.
        boolean anchored = leadingSlash || rawSegments.size() > 1;
        List<Glob> globs = new ArrayList<>();
        if (!anchored) {
            globs.add(null); // an implicit leading "**/": match the name at any depth
        }
        for (List<Integer> raw : rawSegments) {
            if (anchored && raw.size() == 2 && raw.get(0) == Glob.STAR && raw.get(1) == Glob.STAR) {
                if (globs.isEmpty() || globs.get(globs.size() - 1) != null) {
                    globs.add(null); // "**/**" is the same as "**"
                }
                continue;
            }
            if (isDots(raw, 1) || isDots(raw, 2)) {
                throw error(line, "'.' and '..' segments never match", text);
            }
            globs.add(parser.glob(raw));
        }
        if (globs.get(globs.size() - 1) == null) {
            // "a/**" is everything inside a, not a itself: the final "**" takes one segment or more.
            globs.set(globs.size() - 1, Glob.ANY_NAME);
            globs.add(null);
        }
        return new Rule(text, line, negated, trailingSlash, globs.toArray(new Glob[0]));
    }

    private static boolean isDots(List<Integer> raw, int n) {
        if (raw.size() != n) {
            return false;
        }
        for (int op : raw) {
            if (op != '.') {
                return false;
            }
        }
        return true;
    }

    // Git drops trailing spaces unless the last one is escaped by a backslash.
    private static String trimTrailingSpaces(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') {
            int backslashes = 0;
            for (int i = end - 2; i >= 0 && s.charAt(i) == '\\'; i--) {
                backslashes++;
            }
            if (backslashes % 2 == 1) {
                break;
            }
            end--;
        }
        return s.substring(0, end);
    }

    static IllegalArgumentException error(int line, String problem, String text) {
        return new IllegalArgumentException("line " + line + ": " + problem + " in pattern " + quote(text));
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        int n = Math.min(s.length(), 200);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '"' || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append(s.length() > n ? "...\"" : "\"").toString();
    }

    /** Whether the first {@code length} segments of {@code path} match this rule. */
    boolean matches(String[] path, int length, boolean isDirectory) {
        if (directoryOnly && !isDirectory) {
            return false;
        }
        // Wildcard matching over segments, "**" (null) being the star: the classic greedy loop
        // that backtracks only to the most recent star, O(pattern x path), no recursion.
        Glob[] p = segments;
        int pi = 0;
        int si = 0;
        int starP = -1;
        int starS = -1;
        while (si < length) {
            if (pi < p.length && p[pi] != null && p[pi].matches(path[si])) {
                pi++;
                si++;
            } else if (pi < p.length && p[pi] == null) {
                starP = pi++;
                starS = si;
            } else if (starP >= 0) {
                pi = starP + 1;
                si = ++starS;
            } else {
                return false;
            }
        }
        while (pi < p.length && p[pi] == null) {
            pi++;
        }
        return pi == p.length;
    }
}
