package dev.cloudless.sync.core.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.path.UnicodeNames;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ConflictNamesProperties {
    @Provide
    Arbitrary<FolderPath> paths() {
        Arbitrary<String> segment = Arbitraries.strings().withChars("ab.\u00E9\u0301 x\uAC00".toCharArray())
                .ofMinLength(1).ofMaxLength(130).map(UnicodeNames::nfc);
        return segment.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("/", l)).filter(s -> {
            try {
                FolderPath.parse(s);
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }).map(FolderPath::parse);
    }

    @Provide
    Arbitrary<Instant> instants() {
        return Arbitraries.longs().between(0, 253402300799L).map(Instant::ofEpochSecond); // to 9999-12-31
    }

    @Property
    void aConflictCopyIsAValidSiblingThatDiffersAndIsRecognised(
            @ForAll("paths") FolderPath original, @ForAll("instants") Instant when) {
        FolderPath copy = ConflictNames.conflictPath(original, when, "ABCDEFGHIJ");
        assertEquals(copy, FolderPath.parse(copy.toString()));
        assertEquals(original.parent(), copy.parent());
        assertNotEquals(original, copy);
        assertTrue(ConflictNames.isConflictCopy(copy.name()), copy.name());
        assertTrue(copy.name().contains(ConflictNames.MARKER), copy.name());
    }
}
