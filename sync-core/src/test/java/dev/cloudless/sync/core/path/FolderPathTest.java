package dev.cloudless.sync.core.path;

import static dev.cloudless.sync.core.path.InvalidFolderPathException.Reason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FolderPathTest {
    private static String repeat(String s, int n) {
        return s.repeat(n);
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of("", Reason.EMPTY),
                Arguments.of("/etc/passwd", Reason.ABSOLUTE),
                Arguments.of("/", Reason.ABSOLUTE),
                Arguments.of("//x", Reason.ABSOLUTE),
                Arguments.of("a//b", Reason.EMPTY_SEGMENT),
                Arguments.of("a/", Reason.EMPTY_SEGMENT),
                Arguments.of(".", Reason.DOT_SEGMENT),
                Arguments.of("a/./b", Reason.DOT_SEGMENT),
                Arguments.of("..", Reason.PARENT_SEGMENT),
                Arguments.of("../x", Reason.PARENT_SEGMENT),
                Arguments.of("a/../../b", Reason.PARENT_SEGMENT),
                Arguments.of("a/..", Reason.PARENT_SEGMENT),
                Arguments.of("a\u0000b", Reason.NUL),
                Arguments.of("x.txt\u0000.jpg", Reason.NUL),
                Arguments.of("a\nb", Reason.CONTROL_CHAR),
                Arguments.of("a\tb", Reason.CONTROL_CHAR),
                Arguments.of("a\u001Bb", Reason.CONTROL_CHAR),
                Arguments.of("a\u007Fb", Reason.CONTROL_CHAR),
                Arguments.of("a\u0085b", Reason.CONTROL_CHAR),
                Arguments.of("a\\..\\..\\x", Reason.BACKSLASH),
                Arguments.of("C:\\Windows", Reason.BACKSLASH),
                Arguments.of("a\uD800b", Reason.MALFORMED_UNICODE),
                Arguments.of("a\uDC00", Reason.MALFORMED_UNICODE),
                Arguments.of("end\uD83D", Reason.MALFORMED_UNICODE),
                Arguments.of("cafe\u0301", Reason.NOT_NFC),
                Arguments.of("dir/\u1100\u1161", Reason.NOT_NFC), // Hangul jamo, NFC composes to U+AC00
                Arguments.of(repeat("a", 256), Reason.SEGMENT_TOO_LONG),
                Arguments.of("d/" + repeat("\u00E9", 128), Reason.SEGMENT_TOO_LONG), // 256 bytes in 128 chars
                Arguments.of(repeat("\uD83D\uDE00", 64), Reason.SEGMENT_TOO_LONG), // 256 bytes in 64 code points
                Arguments.of(repeat("a/", 2048) + "a", Reason.TOO_LONG), // 4097 chars: refused before scanning
                Arguments.of(".sync", Reason.RESERVED),
                Arguments.of(".sync/Archive/a.txt", Reason.RESERVED),
                Arguments.of(".SYNC/x", Reason.RESERVED),
                Arguments.of(".Sync", Reason.RESERVED),
                Arguments.of(".\u017Fync/x", Reason.RESERVED), // long s case-folds to s (APFS, Java)
                Arguments.of(".sync./x", Reason.RESERVED),
                Arguments.of(".sync .. /x", Reason.RESERVED),
                Arguments.of(".sync::$INDEX_ALLOCATION/x", Reason.RESERVED),
                Arguments.of(".sy\u200Cnc/x", Reason.RESERVED),
                Arguments.of("\uFEFF.sync", Reason.RESERVED));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("rejected")
    void rejectsWithTheRightReason(String wire, Reason reason) {
        InvalidFolderPathException e = assertThrows(InvalidFolderPathException.class, () -> FolderPath.parse(wire));
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(wire, e.path());
        assertTrue(e.getMessage().contains("[" + reason + "]"), e.getMessage());
    }

    @Test
    void tooLongCountsUtf8BytesNotChars() {
        // 20 segments of 200 bytes + 19 separators + 1 = 4020 bytes: fine; one more segment is not.
        String ok = (repeat("\u00E9", 100) + "/").repeat(20) + "x";
        assertEquals(ok, FolderPath.parse(ok).toString());
        String tooLong = (repeat("\u00E9", 100) + "/").repeat(20) + repeat("b", 80);
        assertEquals(Reason.TOO_LONG,
                assertThrows(InvalidFolderPathException.class, () -> FolderPath.parse(tooLong)).reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "a/b/c.txt", "...", "..a", "a..", ".a/.b", " ", "a b/ c ", ".syncignore",
        "sync", ".sync2", "x/.sync", "x/.sync/y", "a:b", "CON", "nul.txt", "\u00E9t\u00E9/\uAC00",
        "\uD83D\uDE00.png", "\u00A0nbsp", "Stra\u00DFe", "*?<>|\""})
    void acceptsCanonicalPathsVerbatim(String wire) {
        FolderPath p = FolderPath.parse(wire);
        assertEquals(wire, p.toString());
        assertEquals(p, FolderPath.parse(p.toString()));
    }

    @Test
    void limitsAreInclusive() {
        String segment = repeat("a", FolderPath.MAX_SEGMENT_BYTES);
        assertEquals(segment, FolderPath.parse(segment).toString());
        String emoji = repeat("\uD83D\uDE00", 63) + "abc"; // 252 + 3 bytes
        assertEquals(emoji, FolderPath.parse(emoji).toString());
        // 16 segments of 255 bytes + 15 separators = 4095, + "/" + "x" would be 4097; one byte shorter fits.
        String path = String.join("/", Collections.nCopies(16, segment));
        assertEquals(4095, path.length());
        assertEquals(FolderPath.MAX_PATH_BYTES, FolderPath.parse(path.substring(1) + "/x").toBytes().length);
        assertThrows(InvalidFolderPathException.class, () -> FolderPath.parse(path + "/x"));
    }

    @Test
    void firstViolationFromTheLeftIsReported() {
        assertEquals(Reason.PARENT_SEGMENT, reasonOf("../a\u0000"));
        assertEquals(Reason.NUL, reasonOf("a\u0000/.."));
        assertEquals(Reason.BACKSLASH, reasonOf("a\\b//"));
    }

    @Test
    void messageQuotesAndEscapesThePath() {
        InvalidFolderPathException e = assertThrows(InvalidFolderPathException.class,
                () -> FolderPath.parse("evil\nINFO fake log line\u0000"));
        assertEquals("path \"evil\\u000aINFO fake log line\\u0000\" contains a control character (at index 4)"
                + " [CONTROL_CHAR]", e.getMessage());
        String huge = repeat("x", 5000);
        String message = assertThrows(InvalidFolderPathException.class, () -> FolderPath.parse(huge)).getMessage();
        assertTrue(message.length() < 400, message);
        assertTrue(message.contains("...(5000 chars)"), message);
    }

    @Test
    void ofLocalNormalizesToNfcAndJoinsWithSlash() {
        FolderPath p = FolderPath.ofLocal(Path.of("Cafe\u0301", "re\u0301sume\u0301.txt"));
        assertEquals("Caf\u00E9/r\u00E9sum\u00E9.txt", p.toString());
        assertEquals(p, FolderPath.parse("Caf\u00E9/r\u00E9sum\u00E9.txt"));
    }

    @Test
    void ofLocalStillRejectsWhatNoPeerMayReceive() {
        assertEquals(Reason.ABSOLUTE, assertThrows(InvalidFolderPathException.class,
                () -> FolderPath.ofLocal(Path.of("/tmp/x"))).reason());
        assertEquals(Reason.EMPTY, assertThrows(InvalidFolderPathException.class,
                () -> FolderPath.ofLocal(Path.of(""))).reason());
        assertEquals(Reason.BACKSLASH, assertThrows(InvalidFolderPathException.class,
                () -> FolderPath.ofLocal(Path.of("dir", "a\\b"))).reason());
        assertEquals(Reason.RESERVED, assertThrows(InvalidFolderPathException.class,
                () -> FolderPath.ofLocal(Path.of(".sync", "tmp"))).reason());
        assertEquals(Reason.PARENT_SEGMENT, assertThrows(InvalidFolderPathException.class,
                () -> FolderPath.ofLocal(Path.of("a", "..", "b"))).reason());
    }

    @Test
    void accessors() {
        FolderPath p = FolderPath.parse("docs/2024/report.pdf");
        assertEquals(List.of("docs", "2024", "report.pdf"), p.segments());
        assertEquals(3, p.depth());
        assertEquals("report.pdf", p.name());
        assertEquals(Optional.of(FolderPath.parse("docs/2024")), p.parent());
        assertEquals(Optional.empty(), FolderPath.parse("docs").parent());
        assertTrue(p.startsWith(FolderPath.parse("docs")));
        assertTrue(p.startsWith(p));
        assertFalse(FolderPath.parse("docsx/a").startsWith(FolderPath.parse("docs")));
        assertFalse(FolderPath.parse("docs").startsWith(p));
    }

    @Test
    void ordersDescendantsRightAfterTheirDirectoryAndByCodePoint() {
        List<FolderPath> sorted = Stream.of("a b", "a/b", "a", "a.txt", "b", "a/b/c", "\uFB01", "\uD83D\uDE00", "a-")
                .map(FolderPath::parse).sorted().toList();
        // U+FB01 (3 UTF-8 bytes) sorts before U+1F600 (4 bytes), unlike String.compareTo.
        assertEquals(List.of("a", "a/b", "a/b/c", "a b", "a-", "a.txt", "b", "\uFB01", "\uD83D\uDE00"),
                sorted.stream().map(FolderPath::toString).toList());
        List<FolderPath> shuffled = new ArrayList<>(sorted);
        Collections.reverse(shuffled);
        Collections.sort(shuffled);
        assertEquals(sorted, shuffled);
    }

    @Test
    void equalityIsByCanonicalString() {
        assertEquals(FolderPath.parse("a/b"), FolderPath.parse("a/b"));
        assertEquals(FolderPath.parse("a/b").hashCode(), FolderPath.parse("a/b").hashCode());
        assertFalse(FolderPath.parse("a/b").equals(FolderPath.parse("a/B")));
        assertEquals(0, FolderPath.parse("x/y").compareTo(FolderPath.parse("x/y")));
    }

    @Test
    void nullIsAProgrammingErrorNotAHostilePath() {
        assertThrows(NullPointerException.class, () -> FolderPath.parse(null));
    }

    private static Reason reasonOf(String wire) {
        return assertThrows(InvalidFolderPathException.class, () -> FolderPath.parse(wire)).reason();
    }
}
