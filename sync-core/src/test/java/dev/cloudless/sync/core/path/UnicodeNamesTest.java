package dev.cloudless.sync.core.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnicodeNamesTest {
    private static final String NFC = "caf\u00E9.txt";
    private static final String NFD = "cafe\u0301.txt";

    @TempDir
    Path dir;

    @BeforeEach
    void fileNamesAreUnicode() {
        // Under a POSIX (ASCII) locale the JDK cannot name these files at all.
        Assumptions.assumeTrue("UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding")),
                "file names need a UTF-8 locale (sun.jnu.encoding)");
    }

    @Test
    void equivalenceIgnoresOnlyNormalization() {
        assertTrue(UnicodeNames.equivalent(NFC, NFD));
        assertEquals(NFC, UnicodeNames.nfc(NFD));
        assertFalse(UnicodeNames.equivalent("cafe.txt", NFC));
        assertFalse(UnicodeNames.equivalent("Caf\u00E9.txt", NFC)); // case is not normalization
        // Compatibility forms stay distinct: NFC, not NFKC ("ﬁ" is not "fi").
        assertFalse(UnicodeNames.equivalent("\uFB01le", "file"));
    }

    @Test
    void findsTheOnDiskSpellingOfAnNfcName() throws IOException {
        Files.writeString(dir.resolve(NFD), "mac");
        Optional<Path> found = UnicodeNames.findExisting(dir, NFC);
        assertEquals(Optional.of(dir.resolve(NFD)), found);
        assertEquals("mac", Files.readString(found.orElseThrow()));
    }

    @Test
    void prefersTheExactSpellingThenTheNfcOne() throws IOException {
        Files.writeString(dir.resolve(NFD), "d");
        Files.writeString(dir.resolve(NFC), "c");
        assertEquals(Optional.of(dir.resolve(NFD)), UnicodeNames.findExisting(dir, NFD));
        assertEquals(Optional.of(dir.resolve(NFC)), UnicodeNames.findExisting(dir, NFC));
        // Asked for a third spelling (U+212B ANGSTROM SIGN), with two others on disk: NFC wins.
        Files.writeString(dir.resolve("A\u030A"), "nfd");
        Files.writeString(dir.resolve("\u00C5"), "nfc");
        assertEquals(Optional.of(dir.resolve("\u00C5")), UnicodeNames.findExisting(dir, "\u212B"));
    }

    @Test
    void absentNamesAndDirectories() throws IOException {
        assertEquals(Optional.empty(), UnicodeNames.findExisting(dir, NFC));
        assertEquals(Optional.empty(), UnicodeNames.findExisting(dir.resolve("missing"), NFC));
    }

    @Test
    void takesOneNameNotAPath() throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub").resolve(NFC), "x");
        assertThrows(IllegalArgumentException.class, () -> UnicodeNames.findExisting(dir, "sub/" + NFC));
        assertThrows(IllegalArgumentException.class, () -> UnicodeNames.findExisting(dir, ""));
    }

    @Test
    void collisionsGroupTwinsNfcFirst() {
        Map<String, List<String>> c = UnicodeNames.collisions(List.of(NFD, "plain", NFC, "\u212B", "\u00C5", "A\u030A"));
        // Å: U+212B ANGSTROM SIGN and A + ring both normalize to U+00C5.
        assertEquals(Map.of(NFC, List.of(NFC, NFD), "\u00C5", List.of("\u00C5", "A\u030A", "\u212B")), c);
        assertEquals(Map.of(), UnicodeNames.collisions(List.of("a", "b", "a")));
    }
}
