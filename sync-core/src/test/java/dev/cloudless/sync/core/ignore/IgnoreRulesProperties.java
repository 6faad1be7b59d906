package dev.cloudless.sync.core.ignore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class IgnoreRulesProperties {
    private static final java.util.regex.Pattern LINE = java.util.regex.Pattern.compile("^line (\\d+): ");
    // The JDK compiles a regular expression per matcher; the oracle reuses them.
    private static final Map<String, PathMatcher> JDK_GLOBS = new ConcurrentHashMap<>();

    private static boolean jdkGlobMatches(String glob, String name) {
        return JDK_GLOBS.computeIfAbsent(glob, g -> FileSystems.getDefault().getPathMatcher("glob:" + g))
                .matches(Path.of(name));
    }

    @Provide
    Arbitrary<String> ruleTexts() {
        return Arbitraries.strings()
                .withChars('*', '?', '[', ']', '!', '^', '-', '/', '\\', '#', 'a', 'b', ' ', '.', '\n', '\r', ':', '\u00E9',
                        '\uD83D', '\uDE00')
                .ofMaxLength(30);
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.strings().withChars('a', 'b', '/', '.', ' ', '*', '[', '\u00E9', '\uD83D', '\uDE00', 'A')
                .ofMaxLength(20);
    }

    @Property
    void parsingThrowsOnlyIllegalArgumentWithALineNumberAndMatchingNeverThrows(
            @ForAll("ruleTexts") String text, @ForAll("paths") String path, @ForAll boolean isDirectory,
            @ForAll boolean insensitive) {
        IgnoreRules rules;
        try {
            rules = IgnoreRules.parse(text, insensitive ? IgnoreRules.CaseSensitivity.INSENSITIVE
                    : IgnoreRules.CaseSensitivity.SENSITIVE);
        } catch (IllegalArgumentException e) {
            Matcher m = LINE.matcher(e.getMessage());
            assertTrue(m.find(), e.getMessage());
            int line = Integer.parseInt(m.group(1));
            assertTrue(line >= 1 && line <= text.split("\n", -1).length, e.getMessage());
            return;
        }
        rules.isIgnored(path, isDirectory);
        rules.isIgnored(path.replace("/", ""), isDirectory);
    }

    /** Single names and globs over a small alphabet, where the JDK's glob syntax agrees with ours. */
    @Provide
    Arbitrary<String> segmentGlobs() {
        return Arbitraries.of("a", "b", ".", "*", "?", "[ab]", "[!a]", "[a-b]", "\\*")
                .list().ofMinSize(1).ofMaxSize(5).map(l -> String.join("", l))
                .filter(g -> !g.equals(".") && !g.equals(".."));
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars('a', 'b', '.', '*').ofMinLength(1).ofMaxLength(6);
    }

    @Property
    void aSegmentGlobAgreesWithTheJdkGlobMatcher(@ForAll("segmentGlobs") String glob, @ForAll("names") String name) {
        boolean jdk = jdkGlobMatches(glob, name);
        assertEquals(jdk, IgnoreRules.parse("/" + glob).isIgnored(name, false), glob + " vs " + name);
    }

    /** Anchored patterns of a few segments, with "**" among them. */
    @Provide
    Arbitrary<List<String>> patternSegments() {
        return Arbitraries.of("a", "b", "*", "**", "?", "[ab]").list().ofMinSize(1).ofMaxSize(5);
    }

    @Provide
    Arbitrary<List<String>> pathSegments() {
        return Arbitraries.of("a", "b", "ab", "c").list().ofMinSize(1).ofMaxSize(6);
    }

    /**
     * Against an obviously correct recursive reference: a path is ignored by one plain pattern
     * if the pattern matches the path or one of its ancestor directories.
     */
    @Property
    void doubleStarAgreesWithARecursiveReference(
            @ForAll("patternSegments") List<String> pattern, @ForAll("pathSegments") List<String> path) {
        boolean expected = false;
        for (int k = 1; k <= path.size(); k++) {
            expected |= reference(pattern, 0, path.subList(0, k), 0);
        }
        String text = "/" + String.join("/", pattern);
        assertEquals(expected, IgnoreRules.parse(text).isIgnored(String.join("/", path), false), text + " vs " + path);
    }

    private static boolean reference(List<String> p, int pi, List<String> s, int si) {
        if (pi == p.size()) {
            return si == s.size();
        }
        if (p.get(pi).equals("**")) {
            // A final "**" takes at least one segment: "a/**" is what is inside a.
            int from = pi == p.size() - 1 ? si + 1 : si;
            for (int k = from; k <= s.size(); k++) {
                if (reference(p, pi + 1, s, k)) {
                    return true;
                }
            }
            return false;
        }
        return si < s.size()
                && jdkGlobMatches(p.get(pi), s.get(si))
                && reference(p, pi + 1, s, si + 1);
    }

    @Property
    void anUnanchoredNameIsTheSameAsDoubleStarSlashName(
            @ForAll("segmentGlobs") String glob, @ForAll("pathSegments") List<String> path, @ForAll boolean isDirectory) {
        String p = String.join("/", path);
        assertEquals(IgnoreRules.parse("**/" + glob).isIgnored(p, isDirectory),
                IgnoreRules.parse(glob).isIgnored(p, isDirectory), glob + " vs " + p);
    }
}
