package dev.cloudless.sync.core.path;

import static dev.cloudless.sync.core.path.Portability.Problem.TRAILING_DOT;
import static dev.cloudless.sync.core.path.Portability.Problem.TRAILING_SPACE;
import static dev.cloudless.sync.core.path.Portability.Problem.WINDOWS_DEVICE_NAME;
import static dev.cloudless.sync.core.path.Portability.Problem.WINDOWS_RESERVED_CHAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PortabilityTest {
    @ParameterizedTest
    @ValueSource(strings = {"CON", "con", "Prn", "aux", "NUL", "nul.txt", "NUL.tar.gz", "com1", "COM9", "lpt1.log",
        "LPT9", "COM\u00B9", "lpt\u00B3.x", "con .txt", "CON.", "AUX "})
    void windowsDeviceNamesWithOrWithoutExtension(String name) {
        assertTrue(Portability.problems(name).contains(WINDOWS_DEVICE_NAME), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"CONSOLE", "COM", "COM0", "COM10", "LPT", "xcon", "a.con", "nul_", "con-1.txt", "aux2",
        "\u00E0ux", "COM\u2074"})
    void similarNamesAreFine(String name) {
        assertFalse(Portability.problems(name).contains(WINDOWS_DEVICE_NAME), name);
    }

    @Test
    void reservedCharactersAndTrailingDotsAndSpaces() {
        for (char c : "<>:\"|?*".toCharArray()) {
            assertEquals(List.of(WINDOWS_RESERVED_CHAR), Portability.problems("a" + c + "b"), "char " + c);
        }
        assertEquals(List.of(WINDOWS_RESERVED_CHAR), Portability.problems("**??"));
        assertEquals(List.of(TRAILING_DOT), Portability.problems("name."));
        assertEquals(List.of(TRAILING_SPACE), Portability.problems("name "));
        assertEquals(List.of(), Portability.problems(".hidden"));
        assertEquals(List.of(), Portability.problems(" leading space"));
        assertEquals(List.of(WINDOWS_DEVICE_NAME, WINDOWS_RESERVED_CHAR, TRAILING_DOT),
                Portability.problems("aux:stream."));
    }

    @Test
    void checkReportsEverySegmentWithItsIndex() {
        FolderPath p = FolderPath.parse("ok/con/what?/fine/trail. ");
        assertEquals(List.of(
                new Portability.Issue(1, "con", WINDOWS_DEVICE_NAME),
                new Portability.Issue(2, "what?", WINDOWS_RESERVED_CHAR),
                new Portability.Issue(4, "trail. ", TRAILING_SPACE)), Portability.check(p));
        assertFalse(Portability.isPortable(p));
        assertTrue(Portability.isPortable(FolderPath.parse("docs/r\u00E9sum\u00E9 (final).pdf")));
    }
}
