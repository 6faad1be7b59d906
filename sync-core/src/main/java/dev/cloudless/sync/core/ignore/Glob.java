package dev.cloudless.sync.core.ignore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A compiled pattern for one path segment (a name): code point literals, {@code ?},
 * {@code *} and character sets. Matching walks code points with the greedy star loop, so it
 * allocates nothing and never backtracks more than O(pattern x name).
 */
final class Glob {
    // Op codes. A non-negative op is a literal code point (case-folded when folding).
    static final int STAR = -1;
    static final int ANY_CHAR = -2;
    static final int SEPARATOR = -3;
    private static final int SET_BASE = -4; // SET_BASE - k: the k-th character set

    /** Any name at all: the segment that {@code a/**} needs after {@code a}. */
    static final Glob ANY_NAME = new Glob(new int[] {STAR}, new CharSet[0], false);

    private final int[] ops;
    private final CharSet[] sets;
    private final boolean fold;
    private final String literal; // the whole glob, when it is one case-sensitive literal

    private Glob(int[] ops, CharSet[] sets, boolean fold) {
        this.ops = ops;
        this.sets = sets;
        this.fold = fold;
        boolean allLiteral = !fold;
        StringBuilder b = new StringBuilder();
        for (int op : ops) {
            allLiteral &= op >= 0;
            if (op >= 0) {
                b.appendCodePoint(op);
            }
        }
        this.literal = allLiteral ? b.toString() : null;
    }

    boolean matches(String name) {
        if (literal != null) {
            return literal.equals(name);
        }
        if (ops.length == 1 && ops[0] == STAR) {
            return true;
        }
        int p = 0;
        int i = 0;
        int starP = -1;
        int starI = -1;
        while (i < name.length()) {
            int cp = name.codePointAt(i);
            if (p < ops.length && ops[p] != STAR && matchesOne(ops[p], cp)) {
                p++;
                i += Character.charCount(cp);
            } else if (p < ops.length && ops[p] == STAR) {
                starP = p++;
                starI = i;
            } else if (starP >= 0) {
                p = starP + 1;
                starI += Character.charCount(name.codePointAt(starI));
                i = starI;
            } else {
                return false;
            }
        }
        while (p < ops.length && ops[p] == STAR) {
            p++;
        }
        return p == ops.length;
    }

    private boolean matchesOne(int op, int cp) {
        if (op >= 0) {
            return op == (fold ? fold(cp) : cp);
        }
        if (op == ANY_CHAR) {
            return true;
        }
        return sets[SET_BASE - op].matches(cp, fold);
    }

    /** Simple case folding, as String.equalsIgnoreCase compares: upper, then lower. */
    static int fold(int cp) {
        return Character.toLowerCase(Character.toUpperCase(cp));
    }

    @Override
    public String toString() {
        return "Glob" + Arrays.toString(ops);
    }

    /** {@code [...]}: inclusive code point ranges, perhaps negated. */
    private static final class CharSet {
        private final int[] ranges; // lo0, hi0, lo1, hi1, ...
        private final boolean negated;

        CharSet(int[] ranges, boolean negated) {
            this.ranges = ranges;
            this.negated = negated;
        }

        boolean matches(int cp, boolean fold) {
            boolean in = contains(cp)
                    || (fold && (contains(Character.toUpperCase(cp)) || contains(Character.toLowerCase(cp))
                            || contains(fold(cp))));
            return in != negated;
        }

        private boolean contains(int cp) {
            for (int i = 0; i < ranges.length; i += 2) {
                if (cp >= ranges[i] && cp <= ranges[i + 1]) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Tokenizes one pattern into ops, then builds the glob of each segment. */
    static final class Parser {
        private final String text;
        private final String line;
        private final int lineNumber;
        private final boolean fold;
        private final List<CharSet> sets = new ArrayList<>();
        private int pos;

        /**
         * @param text the pattern (without a leading {@code !})
         * @param line the whole line, for messages
         */
        Parser(String text, String line, int lineNumber, boolean fold) {
            this.text = text;
            this.line = line;
            this.lineNumber = lineNumber;
            this.fold = fold;
        }

        boolean hasNext() {
            return pos < text.length();
        }

        /** The next op: a literal code point, {@link #STAR}, {@link #ANY_CHAR}, {@link #SEPARATOR} or a set. */
        int next() {
            int cp = take();
            switch (cp) {
                case '\\' -> {
                    if (!hasNext()) {
                        throw Rule.error(lineNumber, "trailing backslash", line);
                    }
                    int escaped = take();
                    return escaped == '/' ? SEPARATOR : literal(escaped);
                }
                case '/' -> {
                    return SEPARATOR;
                }
                case '*' -> {
                    return STAR;
                }
                case '?' -> {
                    return ANY_CHAR;
                }
                case '[' -> {
                    return set();
                }
                default -> {
                    return literal(cp);
                }
            }
        }

        private int take() {
            int cp = text.codePointAt(pos);
            pos += Character.charCount(cp);
            return cp;
        }

        private int literal(int cp) {
            return fold ? fold(cp) : cp;
        }

        private int set() {
            boolean negated = false;
            if (hasNext() && (text.charAt(pos) == '!' || text.charAt(pos) == '^')) {
                negated = true;
                pos++;
            }
            List<Integer> ranges = new ArrayList<>();
            boolean first = true;
            while (true) {
                if (!hasNext()) {
                    throw Rule.error(lineNumber, "unterminated '['", line);
                }
                if (text.charAt(pos) == ']' && !first) {
                    pos++;
                    break;
                }
                if (text.startsWith("[:", pos)) {
                    throw Rule.error(lineNumber, "POSIX character classes are not supported", line);
                }
                first = false;
                int lo = member();
                int hi = lo;
                if (pos + 1 < text.length() && text.charAt(pos) == '-' && text.charAt(pos + 1) != ']') {
                    pos++;
                    hi = member();
                    if (hi < lo) {
                        throw Rule.error(lineNumber, "reversed range " + new StringBuilder().appendCodePoint(lo)
                                .append('-').appendCodePoint(hi), line);
                    }
                }
                ranges.add(lo);
                ranges.add(hi);
            }
            sets.add(new CharSet(ranges.stream().mapToInt(Integer::intValue).toArray(), negated));
            return SET_BASE - (sets.size() - 1);
        }

        private int member() {
            int cp = take();
            if (cp == '\\') {
                if (!hasNext()) {
                    throw Rule.error(lineNumber, "unterminated '['", line);
                }
                cp = take();
            }
            return cp;
        }

        /** The glob of one segment's ops; consecutive stars are one star. */
        Glob glob(List<Integer> raw) {
            List<Integer> ops = new ArrayList<>(raw.size());
            List<CharSet> used = new ArrayList<>();
            for (int op : raw) {
                if (op == STAR && !ops.isEmpty() && ops.get(ops.size() - 1) == STAR) {
                    continue;
                }
                if (op <= SET_BASE) {
                    used.add(sets.get(SET_BASE - op));
                    op = SET_BASE - (used.size() - 1);
                }
                ops.add(op);
            }
            return new Glob(ops.stream().mapToInt(Integer::intValue).toArray(), used.toArray(new CharSet[0]), fold);
        }
    }
}
