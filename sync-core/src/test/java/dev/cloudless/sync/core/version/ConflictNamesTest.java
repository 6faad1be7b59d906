package dev.cloudless.sync.core.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.path.InvalidFolderPathException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ConflictNamesTest {
    private static final Instant WHEN = Instant.parse("2024-03-05T14:07:09.999Z");
    private static final String DEVICE = "MFZWI3D-BONSGYC-YLTMRWG-C43ENR5";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "report.pdf, report.sync-conflict-20240305-140709-MFZWI3D.pdf",
        "Makefile, Makefile.sync-conflict-20240305-140709-MFZWI3D",
        "archive.tar.gz, archive.tar.sync-conflict-20240305-140709-MFZWI3D.gz",
        ".bashrc, .bashrc.sync-conflict-20240305-140709-MFZWI3D",
        ".config.json, .config.sync-conflict-20240305-140709-MFZWI3D.json",
        "notes., notes..sync-conflict-20240305-140709-MFZWI3D",
        "docs/a.b/notes, docs/a.b/notes.sync-conflict-20240305-140709-MFZWI3D",
        "a/b/c.txt, a/b/c.sync-conflict-20240305-140709-MFZWI3D.txt",
        "d/r\u00E9sum\u00E9.odt, d/r\u00E9sum\u00E9.sync-conflict-20240305-140709-MFZWI3D.odt"})
    void documentedForms(String original, String expected) {
        FolderPath copy = ConflictNames.conflictPath(FolderPath.parse(original), WHEN, DEVICE);
        assertEquals(expected, copy.toString());
        assertTrue(ConflictNames.isConflictCopy(copy.name()));
    }

    @Test
    void usesUtcWhateverTheClocksZone() {
        Clock tokyo = Clock.fixed(WHEN, ZoneId.of("Asia/Tokyo"));
        assertEquals("x.sync-conflict-20240305-140709-abc1234.txt",
                ConflictNames.conflictPath(FolderPath.parse("x.txt"), tokyo, "abc1234").toString());
    }

    @Test
    void shortensTheBaseToStayWithinTheSegmentLimit() {
        FolderPath longName = FolderPath.parse("dir/" + "\u00E9".repeat(125) + ".txt"); // 254 bytes
        FolderPath copy = ConflictNames.conflictPath(longName, WHEN, DEVICE);
        assertTrue(copy.name().getBytes(StandardCharsets.UTF_8).length <= FolderPath.MAX_SEGMENT_BYTES);
        assertTrue(copy.name().endsWith(".sync-conflict-20240305-140709-MFZWI3D.txt"), copy.name());
        assertEquals("\u00E9".repeat(106), copy.name().substring(0, copy.name().indexOf('.')));

        // An extension too long to keep apart becomes part of the shortened base.
        FolderPath longExt = FolderPath.parse("a." + "x".repeat(240));
        FolderPath copy2 = ConflictNames.conflictPath(longExt, WHEN, DEVICE);
        assertEquals(FolderPath.MAX_SEGMENT_BYTES, copy2.name().length());
        assertTrue(copy2.name().startsWith("a.xxx") && copy2.name().endsWith("-MFZWI3D"), copy2.name());
    }

    @Test
    void shortensTheBaseToStayWithinThePathLimit() {
        String dir = ("d".repeat(200) + "/").repeat(20); // 4020 bytes
        FolderPath deep = FolderPath.parse(dir + "n".repeat(60) + ".txt");
        FolderPath copy = ConflictNames.conflictPath(deep, WHEN, DEVICE);
        assertEquals(FolderPath.MAX_PATH_BYTES, copy.toBytes().length);
        assertTrue(copy.name().endsWith("-MFZWI3D.txt"), copy.name());
        FolderPath noRoom = FolderPath.parse(dir + "d".repeat(60) + "/x");
        assertThrows(InvalidFolderPathException.class, () -> ConflictNames.conflictPath(noRoom, WHEN, DEVICE));
    }

    @Test
    void refusesDeviceIdsThatWouldCorruptTheName() {
        FolderPath p = FolderPath.parse("x");
        assertThrows(IllegalArgumentException.class, () -> ConflictNames.conflictPath(p, WHEN, "ABC"));
        assertThrows(IllegalArgumentException.class, () -> ConflictNames.conflictPath(p, WHEN, "ABC/EFGH"));
        assertThrows(IllegalArgumentException.class, () -> ConflictNames.conflictPath(p, WHEN, "ABC-EFGH"));
        assertThrows(IllegalArgumentException.class,
                () -> ConflictNames.conflictPath(p, Instant.parse("+10000-01-01T00:00:00Z"), DEVICE));
    }

    @Test
    void recognisesConflictCopies() {
        assertTrue(ConflictNames.isConflictCopy("a.sync-conflict-20240305-140709-MFZWI3D"));
        assertTrue(ConflictNames.isConflictCopy("a.sync-conflict-20240305-140709-MFZWI3D.txt"));
        assertFalse(ConflictNames.isConflictCopy("a.txt"));
        assertFalse(ConflictNames.isConflictCopy("a.sync-conflict-2024-MFZWI3D.txt"));
        assertFalse(ConflictNames.isConflictCopy("a.sync-conflict-20240305-140709-MFZWI3.txt"));
        assertFalse(ConflictNames.isConflictCopy("a.sync-conflict-20240305-140709-MFZWI3D.tar.gz"));
    }
}
