package dev.cloudless.sync.core.ignore;

import static dev.cloudless.sync.core.ignore.IgnoreRules.CaseSensitivity.INSENSITIVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.path.FolderPath;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IgnoreRulesTest {
    private static final boolean DIR = true;
    private static final boolean FILE = false;

    private static Arguments c(String rules, String path, boolean isDirectory, boolean ignored) {
        return Arguments.of(rules, path, isDirectory, ignored);
    }

    /** rules, path, is it a directory, expected. */
    static Stream<Arguments> table() {
        return Stream.of(
                // blank lines and comments
                c("# comment\n\n   \n", "# comment", FILE, false),
                c("\\#hash", "#hash", FILE, true),
                c(" #x", " #x", FILE, true),
                // a name at any depth
                c("*.log", "a.log", FILE, true),
                c("*.log", "dir/sub/x.log", FILE, true),
                c("*.log", "a.log.txt", FILE, false),
                c("*.log", ".log", FILE, true), // '*' matches nothing and a leading dot
                c("*", ".hidden", FILE, true),
                c("*.log", "logs.log/inside", FILE, true), // the directory is ignored, so is its content
                // directories only
                c("build/", "build", DIR, true),
                c("build/", "build", FILE, false),
                c("build/", "build/x.c", FILE, true),
                c("build/", "src/build", DIR, true), // a trailing slash does not anchor
                c("build/", "src/build/a/b", FILE, true),
                // anchoring
                c("/todo", "todo", FILE, true),
                c("/todo", "sub/todo", FILE, false),
                c("doc/frotz", "doc/frotz", FILE, true),
                c("doc/frotz", "a/doc/frotz", FILE, false),
                c("doc/frotz/", "doc/frotz", DIR, true),
                c("doc/frotz/", "doc/frotz", FILE, false),
                c("foo/*", "foo/test.json", FILE, true),
                c("foo/*", "foo/bar", DIR, true),
                c("foo/*", "foo/bar/hello.c", FILE, true), // '*' stops at '/', but foo/bar is ignored
                c("foo/*", "foo", DIR, false),
                // ? and character sets, by code point
                c("?", "a", FILE, true),
                c("?", "ab", FILE, false),
                c("?.txt", "\u00E9.txt", FILE, true),
                c("?.txt", "\uD83D\uDE00.txt", FILE, true),
                c("[abc].txt", "b.txt", FILE, true),
                c("[abc].txt", "d.txt", FILE, false),
                c("[a-c]x", "bx", FILE, true),
                c("[!a-c]x", "dx", FILE, true),
                c("[!a-c]x", "ax", FILE, false),
                c("[^a]", "b", FILE, true),
                c("[]]", "]", FILE, true),
                c("[]a]", "a", FILE, true),
                c("[a-]", "-", FILE, true),
                c("[\\]]", "]", FILE, true),
                c("[\uD83D\uDE00-\uD83D\uDE02]", "\uD83D\uDE01", FILE, true),
                c("[!\uD83D\uDE00]", "\uD83D\uDE00", FILE, false),
                // **
                c("**/foo", "foo", FILE, true),
                c("**/foo", "a/b/foo", FILE, true),
                c("**/foo/bar", "x/foo/bar", FILE, true),
                c("**/foo/bar", "foo/bar", FILE, true),
                c("**/foo/bar", "foo/x/bar", FILE, false),
                c("abc/**", "abc", DIR, false),
                c("abc/**", "abc/x", FILE, true),
                c("abc/**", "abc/x/y", FILE, true),
                c("a/**/b", "a/b", FILE, true),
                c("a/**/b", "a/x/b", FILE, true),
                c("a/**/b", "a/x/y/b", FILE, true),
                c("a/**/b", "x/a/b", FILE, false),
                c("a/**/**/b", "a/b", FILE, true),
                c("a/**/b/**/c", "a/1/b/2/b/3/c", FILE, true),
                c("foo**bar", "fooXYbar", FILE, true),
                c("foo**bar", "foo/bar", FILE, false),
                c("**", "x/y", FILE, true),
                c("/**", "x", FILE, true),
                c("**/", "d", DIR, true),
                c("**/", "f", FILE, false),
                // escapes and trailing spaces
                c("\\*", "*", FILE, true),
                c("\\*", "a", FILE, false),
                c("\\?\\[", "?[", FILE, true),
                c("\\!important", "!important", FILE, true),
                c("a  ", "a", FILE, true),
                c("a\\ ", "a ", FILE, true),
                c("a\\ ", "a", FILE, false),
                c("a\\\\  ", "a\\", FILE, true), // an escaped backslash does not protect the spaces
                c("a//b", "a/b", FILE, true),
                c("a\\/b", "a/b", FILE, true),
                // negation and the last match
                c("*.log\n!keep.log", "keep.log", FILE, false),
                c("*.log\n!keep.log", "x.log", FILE, true),
                c("!keep.log\n*.log", "keep.log", FILE, true),
                c("build/\n!build/keep.txt", "build/keep.txt", FILE, true), // cannot re-include
                c("build/*\n!build/keep.txt", "build/keep.txt", FILE, false),
                c("build/*\n!build/keep.txt", "build/other.txt", FILE, true),
                c("/*\n!/src", "src", DIR, false),
                c("/*\n!/src", "src/main.c", FILE, false),
                c("/*\n!/src", "other", FILE, true),
                c("*\n!*/", "dir/sub", DIR, false),
                c("*\n!*/", "dir/file", FILE, true),
                // the reserved directory and the rules file
                c("", ".sync", DIR, true),
                c("", ".sync/tmp/x", FILE, true),
                c("", ".SYNC/x", FILE, true),
                c("!.sync\n!.sync/**", ".sync/x", FILE, true),
                c("*", ".syncignore", FILE, false),
                c("*", "x", FILE, true),
                c("/*\n!/sub/", "sub/.syncignore", FILE, false),
                c("*", "sub/.syncignore", FILE, true),
                c("", "", DIR, false),
                // line endings and byte order mark
                c("a\r\nb\r\n", "b", FILE, true),
                c("\uFEFFfoo", "foo", FILE, true),
                // path strings: empty segments are skipped
                c("/a/b", "/a//b/", FILE, true));
    }

    @ParameterizedTest(name = "[{index}] {0} | {1} dir={2} -> {3}")
    @MethodSource("table")
    void table(String rules, String path, boolean isDirectory, boolean expected) {
        assertEquals(expected, IgnoreRules.parse(rules).isIgnored(path, isDirectory));
    }

    static Stream<Arguments> caseInsensitiveTable() {
        return Stream.of(
                c("*.JPG", "a.jpg", FILE, true),
                c("[A-Z]x", "bx", FILE, true),
                c("[!a-z]x", "Bx", FILE, false),
                c("k", "\u212A", FILE, true), // KELVIN SIGN folds to k
                c("Docs/", "docs/a", FILE, true),
                c("*", ".SyncIgnore", FILE, false),
                c("stra\u00DFe", "STRASSE", FILE, false)); // simple folding: no one-to-many mappings
    }

    @ParameterizedTest(name = "[{index}] {0} | {1} -> {3}")
    @MethodSource("caseInsensitiveTable")
    void caseInsensitive(String rules, String path, boolean isDirectory, boolean expected) {
        assertEquals(expected, IgnoreRules.parse(rules, INSENSITIVE).isIgnored(path, isDirectory));
    }

    @Test
    void caseSensitiveByDefault() {
        assertFalse(IgnoreRules.parse("*.JPG").isIgnored("a.jpg", FILE));
        assertTrue(IgnoreRules.parse("*.JPG").isIgnored("a.JPG", FILE));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("[abc", "line 1: unterminated '['"),
                Arguments.of("ok\n\n[bad", "line 3: unterminated '['"),
                Arguments.of("a[\\", "line 1: unterminated '['"),
                Arguments.of("[!]", "line 1: unterminated '['"),
                Arguments.of("a\\", "line 1: trailing backslash"),
                Arguments.of("x\r\n[z-a]", "line 2: reversed range z-a"),
                Arguments.of("[[:alpha:]]", "line 1: POSIX character classes are not supported"),
                Arguments.of("!", "line 1: no pattern"),
                Arguments.of("/", "line 1: no pattern"),
                Arguments.of("!//", "line 1: no pattern"),
                Arguments.of("a/../b", "line 1: '.' and '..' segments never match"),
                Arguments.of("./a", "line 1: '.' and '..' segments never match"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("malformed")
    void malformedLinesAreReportedWithTheirLineNumber(String rules, String messageStart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IgnoreRules.parse(rules));
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    }

    @Test
    void matchesFolderPathsLikeStrings() {
        IgnoreRules rules = IgnoreRules.parse("node_modules/\n*.o\n!keep.o");
        assertTrue(rules.isIgnored(FolderPath.parse("web/node_modules/x/y.js"), FILE));
        assertTrue(rules.isIgnored(FolderPath.parse("src/a.o"), FILE));
        assertFalse(rules.isIgnored(FolderPath.parse("src/keep.o"), FILE));
        assertEquals(3, rules.size());
    }

    @Test
    void emptyRulesIgnoreOnlyTheReservedDirectory() {
        assertFalse(IgnoreRules.empty().isIgnored("anything/at/all", FILE));
        assertTrue(IgnoreRules.empty().isIgnored(".sync", DIR));
        assertEquals(0, IgnoreRules.empty().size());
    }

    @Test
    void loadReadsUtf8AndTreatsAMissingFileAsEmpty(@TempDir Path dir) throws IOException {
        assertEquals(0, IgnoreRules.load(dir.resolve(IgnoreRules.FILE_NAME)).size());
        Path file = dir.resolve(IgnoreRules.FILE_NAME);
        Files.writeString(file, "# photos\n*.JPG\r\nr\u00E9sum\u00E9.txt\n", StandardCharsets.UTF_8);
        IgnoreRules rules = IgnoreRules.load(file, INSENSITIVE);
        assertTrue(rules.isIgnored("x.jpg", FILE));
        assertTrue(rules.isIgnored("R\u00C9SUM\u00C9.txt", FILE));
        assertEquals(INSENSITIVE, rules.caseSensitivity());
        assertTrue(rules.toString().contains("2: *.JPG"), rules.toString());
    }

    @Test
    void loadRefusesInvalidUtf8AndOversizedFiles(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(IgnoreRules.FILE_NAME);
        Files.write(file, new byte[] {'a', (byte) 0xC3, '\n'});
        assertThrows(MalformedInputException.class, () -> IgnoreRules.load(file));
        Files.write(file, new byte[IgnoreRules.MAX_FILE_BYTES + 1]);
        IOException e = assertThrows(IOException.class, () -> IgnoreRules.load(file));
        assertTrue(e.getMessage().contains("larger than " + IgnoreRules.MAX_FILE_BYTES), e.getMessage());
        Files.write(file, ("#" + "x".repeat(IgnoreRules.MAX_FILE_BYTES - 1)).getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, IgnoreRules.load(file).size());
    }
}
