package dev.cloudless.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The text form's promises, for keys of every level with random secrets: it round-trips, and
 * every single typo and every adjacent transposition is rejected (exhaustively, per key).
 */
class SyncKeyTextProperties {
    private static final String ALPHABET = Base32.ALPHABET;

    @Provide
    Arbitrary<String> keyTexts() {
        return KeyTexts.validKeyTexts();
    }

    @Property(tries = 300)
    void parseInvertsToText(@ForAll("keyTexts") String text) {
        SyncKey key = SyncKey.parse(text);
        assertEquals(text, key.toText());
        assertEquals(key, SyncKey.parse(key.toText()));
        assertEquals(key, SyncKey.parse(text.toLowerCase()));
        assertEquals(AccessLevel.ofPrefix(text.charAt(0)), key.level());
    }

    @Property(tries = 30)
    void everySingleSubstitutionIsRejected(@ForAll("keyTexts") String text) {
        for (int i = 0; i < text.length(); i++) {
            for (int a = 0; a < ALPHABET.length(); a++) {
                char c = ALPHABET.charAt(a);
                if (c == text.charAt(i)) {
                    continue;
                }
                String typo = text.substring(0, i) + c + text.substring(i + 1);
                assertRejected(typo, "substitution at " + i + " by " + c);
            }
        }
    }

    @Property(tries = 60)
    void everyAdjacentTranspositionIsRejected(@ForAll("keyTexts") String text) {
        for (int i = 0; i + 1 < text.length(); i++) {
            if (text.charAt(i) == text.charAt(i + 1)) {
                continue; // swapping equal characters changes nothing
            }
            String swapped = text.substring(0, i) + text.charAt(i + 1) + text.charAt(i) + text.substring(i + 2);
            assertRejected(swapped, "transposition at " + i);
        }
    }

    @Property(tries = 50)
    void aDroppedOrAnAddedCharacterIsALengthError(@ForAll("keyTexts") String text,
            @ForAll @IntRange(min = 0, max = 31) int added) {
        for (int i = 1; i <= text.length(); i++) {
            String inserted = text.substring(0, i) + ALPHABET.charAt(added) + text.substring(i);
            assertLengthError(inserted);
            if (i < text.length()) {
                assertLengthError(text.substring(0, i) + text.substring(i + 1));
            }
        }
    }

    private static void assertLengthError(String wrong) {
        String message = assertThrows(IllegalArgumentException.class, () -> SyncKey.parse(wrong)).getMessage();
        assertTrue(message.startsWith("wrong length"), message);
    }

    @Property(tries = 300)
    void aCharacterOutsideBase32IsNamedWithItsPosition(@ForAll("keyTexts") String text,
            @ForAll @IntRange(min = 1, max = 111) int at, @ForAll("notBase32") char c) {
        int i = Math.min(at, text.length() - 1);
        String typo = text.substring(0, i) + c + text.substring(i + 1);
        String message = assertThrows(IllegalArgumentException.class, () -> SyncKey.parse(typo)).getMessage();
        assertEquals(Base32.notBase32(c, i + 1), message);
    }

    @Property(tries = 200)
    void anUnknownPrefixIsNamed(@ForAll("keyTexts") String text, @ForAll("notAPrefix") char c) {
        String message = assertThrows(IllegalArgumentException.class, () -> SyncKey.parse(c + text.substring(1))).getMessage();
        assertTrue(message.startsWith("unknown access level prefix "), message);
    }

    @Provide
    Arbitrary<Character> notBase32() {
        return Arbitraries.chars().filter(c -> Base32.value(c) < 0 && c != '-'
                && !Character.isWhitespace(c) && !Character.isSpaceChar(c));
    }

    @Provide
    Arbitrary<Character> notAPrefix() {
        return Arbitraries.chars().filter(c -> "WREwre-".indexOf(c) < 0
                && !Character.isWhitespace(c) && !Character.isSpaceChar(c));
    }

    @Property(tries = 1000)
    void arbitraryTextIsRejectedOnlyWithIllegalArgumentException(@ForAll("noise") String text) {
        try {
            SyncKey.parse(text);
        } catch (IllegalArgumentException expected) {
            // the only allowed failure
        } catch (RuntimeException e) {
            fail("parse threw " + e + " for " + text);
        }
    }

    @Provide
    Arbitrary<String> noise() {
        Arbitrary<String> anything = Arbitraries.strings().ofMaxLength(130);
        Arbitrary<String> keyShaped = Arbitraries.of("W", "R", "E", "w", "r", "e").flatMap(prefix -> Arbitraries.strings()
                .withChars(ALPHABET + ALPHABET.toLowerCase() + "-  01").ofMinLength(55).ofMaxLength(115)
                .map(body -> prefix + body));
        Arbitrary<String> exactLength = Arbitraries.of(AccessLevel.class).flatMap(level -> Arbitraries.strings()
                .withChars(ALPHABET).ofLength(SyncKey.base32Length(level)).map(body -> level.prefix() + body));
        return Arbitraries.oneOf(anything, keyShaped, exactLength);
    }

    private static void assertRejected(String text, String what) {
        try {
            SyncKey.parse(text);
            fail(what + " was accepted: " + text);
        } catch (IllegalArgumentException expected) {
            // rejected, as it must be
        }
    }
}
